/**
 * `engine.recover()`: drains every recoverable run — first the runs this engine's identity
 * (`ownerId`) still holds from a previous process (taken over at once, no waiting for the lease),
 * then, page by page, queued runs and runs whose lease expired — executing at most `concurrency` at
 * once (claimed runs only, so no claimed run waits with an unrenewed lease). Returns a handle at
 * once; awaiting it waits for the drain.
 */
import { LeaseLostError, RunNotFoundError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { Logger } from '../step/types.js';
import type { Store } from '../store/store.js';
import { RunParkedError } from '../versioning/errors.js';
import { RunLeasedError } from './lifecycle-errors.js';
import type { ExecuteOptions, RunResult } from './types.js';

/** Options of `engine.recover()`. */
export interface RecoverOptions {
  /** Stop after this many runs (default: no limit — every recoverable run). */
  limit?: number;
  /** Runs claimed per store call (default 50). */
  pageSize?: number;
  /** Runs executing at once (default: `pageSize`). */
  concurrency?: number;
  /** Called after every change of {@link RecoveryProgress}. */
  onProgress?: (progress: RecoveryProgress) => void;
}

/** Where a recovery stands. */
export interface RecoveryProgress {
  /** Runs taken so far (own leftovers + claimed). */
  claimed: number;
  /** Executions that finished, failed or suspended (each gave a result). */
  finished: number;
  /** Runs parked because no registered definition can continue them (see `engine.migrate`). */
  parked: number;
  /** Executions that threw (logged), e.g. a store failure. */
  errors: number;
  /** Executing right now. */
  running: number;
  /** True once nothing is left to claim and every execution settled (or `stop()` was called and they settled). */
  done: boolean;
}

/**
 * A recovery in progress. Await it (it is thenable) for every result, or keep it and read
 * `progress`; `stop()` stops claiming more (executions already started run on).
 */
export interface Recovery extends PromiseLike<RunResult[]> {
  /** A live snapshot of the progress. */
  readonly progress: RecoveryProgress;
  /** Resolves with the result of every recovered execution when the drain is over. */
  readonly done: Promise<RunResult[]>;
  /** Stops claiming; `done` resolves once the executions already started settle. */
  stop(): void;
}

/** @internal What recovery needs from its engine. */
export interface RecoveryDeps {
  store: Store;
  ownerId: string;
  leaseMs: number;
  workflowIds: () => string[];
  execute: (runId: string, options?: ExecuteOptions) => Promise<RunResult>;
  isExecuting: (runId: string) => boolean;
  logger: Logger;
}

/** @internal Starts draining; see {@link Recovery}. */
export function startRecovery(deps: RecoveryDeps, options: RecoverOptions = {}): Recovery {
  const pageSize = positive(options.pageSize, 50, 'pageSize');
  const concurrency = positive(options.concurrency, pageSize, 'concurrency');
  const limit = options.limit === undefined ? Number.POSITIVE_INFINITY : positive(options.limit, 1, 'limit');
  const progress: RecoveryProgress = { claimed: 0, finished: 0, parked: 0, errors: 0, running: 0, done: false };
  const results: RunResult[] = [];
  let stopped = false;
  const changed = () => options.onProgress?.({ ...progress });
  const inflight = new Set<Promise<void>>();
  /** Runs this drain has launched: a run of our own whose lease also expired is claimable too, once. */
  const launched = new Set<string>();

  const launch = (runId: string, claimed: boolean) => {
    launched.add(runId);
    progress.claimed++;
    progress.running++;
    const p = deps
      .execute(runId, claimed ? { claimed } : undefined)
      .then(
        (r) => {
          results.push(r);
          progress.finished++;
        },
        (e: unknown) => {
          if (e instanceof RunParkedError) progress.parked++;
          else if (e instanceof LeaseLostError || e instanceof RunLeasedError || e instanceof RunNotFoundError) {
            // Another process has it (or it was deleted): not ours to recover.
          } else {
            progress.errors++;
            deps.logger.error('recover: execution failed', { runId, error: serializeError(e) });
          }
        },
      )
      .finally(() => {
        progress.running--;
        inflight.delete(p);
        changed();
      });
    inflight.add(p);
    changed();
  };

  const room = () => Math.min(concurrency - inflight.size, limit - progress.claimed);

  const drain = async (): Promise<RunResult[]> => {
    const ids = deps.workflowIds();
    if (ids.length === 0) return results;
    // 1. Runs still leased to this identity: a previous process with the same ownerId died.
    const own: string[] = [];
    const mine = (r: { id: string; workflowId: string; leaseOwner?: string }) =>
      ids.includes(r.workflowId) && !deps.isExecuting(r.id) && own.push(r.id);
    if (deps.store.listLeasedRuns) {
      for (const r of await deps.store.listLeasedRuns(deps.ownerId)) mine(r);
    } else {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listRuns({ status: 'running', limit: 500, ...(cursor ? { cursor } : {}) });
        for (const r of page.runs) if (r.leaseOwner === deps.ownerId) mine(r);
        cursor = page.nextCursor;
      } while (cursor);
    }
    for (const id of own) {
      while (room() <= 0 && !stopped && progress.claimed < limit) await Promise.race(inflight);
      if (stopped || progress.claimed >= limit) break;
      launch(id, false);
    }
    // 2. Queued runs and expired leases, a page at a time, never more claimed than can execute.
    while (!stopped && progress.claimed < limit) {
      const free = room();
      if (free <= 0) {
        await Promise.race(inflight);
        continue;
      }
      const claimed = await deps.store.claimRuns({
        owner: deps.ownerId,
        leaseMs: deps.leaseMs,
        limit: Math.min(pageSize, free),
        workflowIds: ids,
      });
      // A run of our own launched in step 1 may be claimed again before its execution renewed the
      // lease (it had expired): it is executing already, under the same owner.
      const fresh = claimed.filter((r) => !launched.has(r.id));
      for (const r of fresh) launch(r.id, true);
      if (fresh.length === 0) {
        if (inflight.size === 0) break;
        // Nothing claimable now; executions still running may free more work (or none): wait for one.
        await Promise.race(inflight);
      }
    }
    while (inflight.size > 0) await Promise.all([...inflight]);
    return results;
  };

  const done = drain().finally(() => {
    progress.done = true;
    changed();
  });
  // Not awaiting the handle is allowed: a failure is logged rather than left unhandled.
  done.catch((e: unknown) => deps.logger.error('recover failed', { error: serializeError(e) }));
  return {
    get progress() {
      return { ...progress };
    },
    done,
    stop() {
      stopped = true;
    },
    // biome-ignore lint/suspicious/noThenProperty: the handle is awaitable on purpose (`await engine.recover()`).
    then(onfulfilled, onrejected) {
      return done.then(onfulfilled, onrejected);
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`Expected recover({ ${name} }) to be an integer from 1 and up, got ${String(value)}`);
  return value;
}
