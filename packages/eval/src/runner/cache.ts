/** Task-output cache, keyed by task version, input and trial. */

/** A cache of task outputs. */
export interface EvalCache {
  /** The cached output under `key`, wrapped so a cached `undefined` output is a hit; `undefined` on a miss. */
  get(key: string): Promise<{ output: unknown } | undefined>;
  /** Stores a task output under `key`; called by the runner after a successful task call. */
  set(key: string, output: unknown): Promise<void>;
}

/**
 * An in-process cache (a Map). Use the store's cache (`evalStore.cache`) to persist across runs.
 *
 * @example
 * ```ts
 * const cache = createMemoryCache(); await runEval(def, { cache }); await runEval(def, { cache });
 * ```
 */
export function createMemoryCache(): EvalCache & { readonly size: number } {
  const map = new Map<string, unknown>();
  return {
    get size() {
      return map.size;
    },
    async get(key) {
      return map.has(key) ? { output: structuredClone(map.get(key)) } : undefined;
    },
    async set(key, output) {
      map.set(key, structuredClone(output));
    },
  };
}
