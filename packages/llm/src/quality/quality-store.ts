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
  /** Records counted (at most `window` when one was asked for). */
  count: number;
  meanScore: number;
}

/** Options of {@link QualityStore.read}. */
export interface QualityReadOptions {
  /**
   * Count only each model's newest `window` records (by `at`; among equal `at`, the memory store
   * takes the later recorded, the SQL store an unspecified one). Default and `Infinity`: all records.
   */
  window?: number;
}

/** Persistence for quality records. Exported so @weft/eval can write to it. */
export interface QualityStore {
  /** Stores one quality observation (from a step outcome or an eval); feeds learned routing for its task. */
  record(record: QualityRecord): Promise<void>;
  /**
   * Per-model aggregates for `task`, over each model's newest `options.window` records (all without
   * it). Learned routing passes its `window`; a store that ignores it gives all-time means.
   */
  read(task: string, options?: QualityReadOptions): Promise<QualityStat[]>;
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
  const byTask = new Map<string, Map<string, { at: number; score: number }[]>>();
  return {
    async record(r) {
      if (!(r.score >= 0 && r.score <= 1)) throw new RangeError(`Expected a quality score from 0 to 1, got ${r.score}`);
      let models = byTask.get(r.task);
      if (!models) byTask.set(r.task, (models = new Map()));
      let list = models.get(r.model);
      if (!list) models.set(r.model, (list = []));
      const entry = { at: r.at ?? Date.now(), score: r.score };
      // kept sorted by `at`, later records after earlier ones with the same `at`
      let i = list.length;
      while (i > 0 && list[i - 1]!.at > entry.at) i--;
      list.splice(i, 0, entry);
    },
    async read(task, options = {}) {
      const models = byTask.get(task);
      if (!models) return [];
      const window = options.window ?? Number.POSITIVE_INFINITY;
      return [...models].map(([model, list]) => {
        const recent = window >= list.length ? list : list.slice(list.length - window);
        const sum = recent.reduce((a, e) => a + e.score, 0);
        return { model, count: recent.length, meanScore: sum / recent.length };
      });
    },
  };
}
