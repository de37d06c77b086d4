/**
 * Quality records per task tag and model, read by learned routing. @weft/eval writes eval scores here,
 * the router writes step outcomes (`router.recordOutcome`).
 */

/** One observation of how well `model` did on `task`. */
export interface QualityRecord {
  task: string;
  /** `provider/model`. */
  model: string;
  /** 0 (bad) … 1 (good). Step outcomes record 1 for success and 0 for failure. */
  score: number;
  /** Who measured it, e.g. `eval` or `step`. */
  source: string;
  runId?: string;
  /** Epoch ms; defaults to now. */
  at?: number;
}

/** Aggregate quality of one model on one task. */
export interface QualityStat {
  model: string;
  count: number;
  meanScore: number;
}

/** Persistence for quality records. Exported so @weft/eval can write to it. */
export interface QualityStore {
  /** Stores one quality observation (from a step outcome or an eval); feeds learned routing for its task. */
  record(record: QualityRecord): Promise<void>;
  /** Per-model aggregates for `task`. */
  read(task: string): Promise<QualityStat[]>;
}

/**
 * An in-process {@link QualityStore}.
 *
 * @example
 * ```ts
 * const quality = createMemoryQualityStore();
 * await quality.record({ task: 'summarize', model: 'openai/gpt-4o-mini', score: 0.9, source: 'eval' });
 * ```
 */
export function createMemoryQualityStore(): QualityStore {
  const byTask = new Map<string, Map<string, { count: number; sum: number }>>();
  return {
    async record(r) {
      if (!(r.score >= 0 && r.score <= 1)) throw new RangeError(`Expected a quality score from 0 to 1, got ${r.score}`);
      let models = byTask.get(r.task);
      if (!models) byTask.set(r.task, (models = new Map()));
      const agg = models.get(r.model) ?? { count: 0, sum: 0 };
      agg.count++;
      agg.sum += r.score;
      models.set(r.model, agg);
    },
    async read(task) {
      const models = byTask.get(task);
      if (!models) return [];
      return [...models].map(([model, a]) => ({ model, count: a.count, meanScore: a.sum / a.count }));
    },
  };
}
