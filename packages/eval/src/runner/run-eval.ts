/**
 * The runner: loads items, runs the task per item × trial with bounded concurrency, retries,
 * a per-item timeout and output caching, scores each result, and summarizes. Task failures
 * are data (an `error` on the item, every scorer 0), never a thrown run.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hashValue, loadData, type NormalizedItem } from '../data/dataset.js';
import type { EvalDefinition } from '../define/define-eval.js';
import { type QualitySink, recordQuality } from '../feedback/quality.js';
import { EvalTimeoutError, serializeError } from '../errors/errors.js';
import { isScored, normalizeScore, type ScoreResult, type Scorer } from '../scorers/scorer.js';
import { mean, stddev, summarize } from '../stats/descriptive.js';
import { type EvalTask, resolveTask, type TaskContext, type TaskUsage } from '../task/task.js';
import type { EvalCache } from './cache.js';
import { createProgress, type ProgressStream } from './progress.js';
import type { EvalRun, ItemResult, ScorerSummary } from './types.js';

let runSeq = 0;
/**
 * A run id that sorts by start time, then by start order inside this process: history lists runs
 * newest first by (started_at, id), and two runs can start within the same millisecond.
 */
function runIdAt(startedAt: number): string {
  runSeq = (runSeq + 1) % 1_000_000;
  return `${startedAt.toString(36).padStart(9, '0')}-${String(runSeq).padStart(6, '0')}-${randomUUID()}`;
}

/** Where a finished run is saved (an {@link EvalStore} or anything with `saveRun`). */
export interface RunSink {
  /** Persists the finished run with all its results; called once by {@link runEval} at the end. */
  saveRun(run: EvalRun): Promise<void>;
}

/** Options of {@link runEval}. */
export interface RunEvalOptions {
  /** Variant name stored with the run (default `default`). */
  variant?: string;
  /** Replaces the definition's task (A/B of variants). */
  task?: EvalTask<any, any, any>;
  /** Replaces the task version (cache key) — give each variant its own. */
  taskVersion?: string;
  trials?: number;
  concurrency?: number;
  retries?: number;
  timeoutMs?: number;
  /** Output cache; `undefined` disables caching. */
  cache?: EvalCache;
  /** Save the run here when it finishes. */
  store?: RunSink;
  /** Git commit to tag the run with; detected with `git rev-parse HEAD` when omitted, `false` to skip. */
  gitCommit?: string | false;
  /** Progress bar target (default `process.stderr`, drawn only when it is a TTY); `false` for none. */
  progress?: ProgressStream | false;
  /**
   * Write the run's scores as quality records (e.g. @weft/llm's `QualityStore`) for learned
   * routing. Needs a model: the task's model id, or `qualityModel`.
   */
  quality?: QualitySink;
  /** Model id for quality records when the task is not a model task (`provider/model`). */
  qualityModel?: string;
  /** Called after each item × trial finishes. */
  onResult?: (result: ItemResult) => void;
}

/** Detects the current git commit (GITHUB_SHA / WEFT_GIT_COMMIT, then `git rev-parse HEAD`). */
export function detectGitCommit(cwd = process.cwd()): string | undefined {
  const env = process.env.WEFT_GIT_COMMIT ?? process.env.GITHUB_SHA;
  if (env) return env;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/**
 * Runs an eval and returns the run (saved to `options.store` when given).
 *
 * @example
 * ```ts
 * const run = await runEval(def, { variant: 'prompt-v2', store: evalStore });
 * console.log(formatRun(run));
 * ```
 */
export async function runEval(def: EvalDefinition<any, any, any>, options: RunEvalOptions = {}): Promise<EvalRun> {
  const task = resolveTask(
    options.task ?? def.task,
    options.taskVersion ?? (options.task ? undefined : def.taskVersion),
  );
  const items = await loadData(def.data);
  const trials = options.trials ?? def.trials ?? 1;
  const concurrency = options.concurrency ?? def.concurrency ?? 4;
  const retries = options.retries ?? def.retries ?? 0;
  const timeoutMs = options.timeoutMs ?? def.timeoutMs;
  const variant = options.variant ?? 'default';
  const scorers = def.scorers as readonly Scorer[];
  const startedAt = Date.now();
  const jobs: { item: NormalizedItem; trial: number }[] = [];
  for (const item of items) for (let trial = 0; trial < trials; trial++) jobs.push({ item, trial });

  const progress = createProgress(
    `${def.name} (${variant})`,
    jobs.length,
    options.progress === false ? undefined : (options.progress ?? process.stderr),
  );
  const results: ItemResult[] = new Array(jobs.length);

  const runOne = async (item: NormalizedItem, trial: number): Promise<ItemResult> => {
    const cacheKey = options.cache ? hashValue({ v: task.version, input: item.input, trial }) : '';
    let cost: number | undefined;
    let usage: TaskUsage | undefined;
    let taskRunId: string | undefined;
    let model: string | undefined;
    const t0 = performance.now();
    let output: unknown;
    let error: Record<string, unknown> | undefined;
    let cached = false;
    let attempts = 0;
    const hit = options.cache ? await options.cache.get(cacheKey) : undefined;
    if (hit) {
      output = hit.output;
      cached = true;
    } else {
      for (;;) {
        attempts++;
        const controller = new AbortController();
        const ctx: TaskContext = {
          item,
          trial,
          variant,
          signal: controller.signal,
          reportCost(usd) {
            cost = (cost ?? 0) + usd;
          },
          reportRunId(id) {
            taskRunId = id;
          },
          reportModel(id) {
            model = id;
          },
          reportUsage(u) {
            usage = {
              inputTokens: (usage?.inputTokens ?? 0) + (u.inputTokens ?? 0),
              outputTokens: (usage?.outputTokens ?? 0) + (u.outputTokens ?? 0),
            };
          },
        };
        try {
          output = await withTimeout(
            Promise.resolve().then(() => task.run(item.input, ctx)),
            timeoutMs,
            controller,
            item.id,
          );
          error = undefined;
          break;
        } catch (e) {
          error = serializeError(e);
          if (attempts > retries) break;
        }
      }
      if (!error && options.cache) await options.cache.set(cacheKey, output);
    }
    const latencyMs = performance.now() - t0;
    const scores: Record<string, ScoreResult> = {};
    for (const scorer of scorers) {
      if (error) {
        scores[scorer.name] = { score: 0, rationale: `task failed: ${String(error.message)}` };
        continue;
      }
      try {
        const raw = await scorer.score({
          input: item.input,
          output,
          expected: item.expected,
          tags: item.tags,
          metadata: item.metadata,
        });
        scores[scorer.name] = normalizeScore(scorer.name, raw);
      } catch (e) {
        // Never a 0: an errored score is excluded from summaries and comparisons, and counted.
        scores[scorer.name] = {
          score: Number.NaN,
          rationale: `scorer failed: ${(e as Error).message}`,
          error: serializeError(e),
        };
      }
    }
    const result: ItemResult = {
      itemId: item.id,
      trial,
      input: item.input,
      expected: item.expected,
      output,
      latencyMs,
      scores,
      tags: item.tags,
      cached,
      attempts,
    };
    if (error) result.error = error;
    if (cost !== undefined) result.costUsd = cost;
    if (usage) result.usage = usage;
    if (taskRunId) result.taskRunId = taskRunId;
    if (model) result.model = model;
    return result;
  };

  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index] as { item: NormalizedItem; trial: number };
      const result = await runOne(job.item, job.trial);
      results[index] = result;
      options.onResult?.(result);
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, jobs.length)) }, worker));
  progress.done();

  const gitCommit = options.gitCommit === false ? undefined : (options.gitCommit ?? detectGitCommit());
  const run: EvalRun = {
    id: runIdAt(startedAt),
    evalName: def.name,
    variant,
    taskVersion: task.version,
    trials,
    startedAt,
    endedAt: Date.now(),
    results,
    summary: summarizeResults(
      results,
      scorers.map((s) => s.name),
      items.length,
    ),
  };
  if (gitCommit) run.gitCommit = gitCommit;
  if (task.modelId) run.modelId = task.modelId;
  if (def.taskTag) run.taskTag = def.taskTag;
  if (options.store) await options.store.saveRun(run);
  if (options.quality)
    await recordQuality(run, options.quality, options.qualityModel ? { model: options.qualityModel } : {});
  return run;
}

/**
 * Recomputes a run summary from its results. Per scorer, statistics cover only usable scores
 * (`n`); errored or missing scores are counted in `errors`, never averaged in as 0.
 */
export function summarizeResults(results: readonly ItemResult[], scorerNames: readonly string[], items?: number) {
  const scorers: EvalRun['summary']['scorers'] = {};
  const byItem = new Map<string, ItemResult[]>();
  for (const r of results) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  const repeated = [...byItem.values()].filter((list) => list.length > 1);
  for (const name of scorerNames) {
    const valid = results.map((r) => r.scores[name]).filter(isScored);
    const summary: ScorerSummary = { ...summarize(valid.map((s) => s.score)), errors: results.length - valid.length };
    if (repeated.length > 0) {
      const sds = repeated
        .map((list) => list.map((r) => r.scores[name]).filter(isScored))
        .filter((list) => list.length > 1)
        .map((list) => stddev(list.map((s) => s.score)));
      if (sds.length > 0) summary.trialStddev = mean(sds);
    }
    scorers[name] = summary;
  }
  const taskErrors = results.filter((r) => r.error).length;
  const scorerErrors = results.filter((r) => !r.error && scorerNames.some((n) => !isScored(r.scores[n]))).length;
  return {
    items: items ?? new Set(results.map((r) => r.itemId)).size,
    results: results.length,
    errors: taskErrors + scorerErrors,
    taskErrors,
    scorerErrors,
    scorers,
    latencyMs: summarize(results.map((r) => r.latencyMs)),
    costUsd: results.reduce((s, r) => s + (r.costUsd ?? 0), 0),
  };
}

async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number | undefined,
  controller: AbortController,
  itemId: string,
): Promise<T> {
  if (!timeoutMs) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new EvalTimeoutError(timeoutMs, { itemId });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
