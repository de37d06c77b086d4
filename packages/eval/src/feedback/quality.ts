/**
 * Feedback into @weft/llm's learned routing: eval results become per-model, per-task-tag quality
 * records (`QualityStore.record`). Described structurally, so any store with `record()` works.
 */
import type { EvalRun } from '../runner/types.js';

/** The record shape of @weft/llm's `QualityStore`. */
export interface QualityRecordLike {
  task: string;
  model: string;
  score: number;
  source: string;
  runId?: string;
  at?: number;
}

/** Anything that accepts quality records (e.g. @weft/llm's `QualityStore`). */
export interface QualitySink {
  /** Stores one per-model, per-task quality record; called by {@link recordQuality} for each scored result. */
  record(record: QualityRecordLike): Promise<void>;
}

/** Options of {@link recordQuality}. */
export interface RecordQualityOptions {
  /**
   * Model the run measured. Default: per result, the model that answered (model tasks; through a
   * @weft/llm router that is the routed `provider/model`), else the run's `modelId`.
   */
  model?: string;
  /** Task tag used for items without tags; defaults to the run's `taskTag`, then the eval name. */
  taskTag?: string;
  /** Scorer whose score is recorded; default the mean of all scorers per result. */
  scorer?: string;
}

/**
 * Writes one quality record per (task tag, item × trial) of a run; returns how many were written.
 * Items tagged `['math', 'short']` count for both tags.
 *
 * @example
 * ```ts
 * await recordQuality(run, qualityStore, { model: 'openai/gpt-4o-mini' });
 * ```
 */
export async function recordQuality(
  run: EvalRun,
  sink: QualitySink,
  options: RecordQualityOptions = {},
): Promise<number> {
  const modelOf = (r: EvalRun['results'][number]) => options.model ?? r.model ?? run.modelId;
  if (run.results.some((r) => !modelOf(r))) {
    throw new TypeError(
      `Expected a model for quality records of run ${run.id} (eval ${run.evalName}), but the task is not a model task. Pass { model }.`,
    );
  }
  const fallbackTag = options.taskTag ?? run.taskTag ?? run.evalName;
  let written = 0;
  for (const r of run.results) {
    const values = options.scorer
      ? [r.scores[options.scorer]?.score ?? 0]
      : Object.values(r.scores).map((s) => s.score);
    if (values.length === 0) continue;
    const score = values.reduce((a, b) => a + b, 0) / values.length;
    const tags = r.tags.length > 0 ? r.tags : [fallbackTag];
    for (const task of tags) {
      await sink.record({ task, model: modelOf(r) as string, score, source: 'eval', runId: run.id, at: run.endedAt });
      written++;
    }
  }
  return written;
}
