/**
 * `engine.close()`: stops the lease-renewal interval, waits for the executions in flight (default)
 * or hands them back (`inFlight: 'release'`: each is aborted and its lease released, so another
 * process continues it at once), drops listeners and, when the engine created its store, closes it.
 * Afterwards nothing of the engine is reachable from timers: it is garbage once the caller drops it.
 */
import type { EventEmitter } from 'eventemitter3';
import { serializeError } from '../errors/serialize.js';
import type { Logger } from '../step/types.js';
import type { Store } from '../store/store.js';
import { EngineClosedError } from './lifecycle-errors.js';
import type { RunExec } from './run-state.js';
import type { RunResult } from './types.js';

/** Options of `engine.close()`. */
export interface CloseOptions {
  /**
   * What happens to runs executing in this engine: `'wait'` (default) lets them finish or suspend;
   * `'release'` stops them at once and releases their leases (status stays `running`), so a worker
   * or another engine's `recover()` continues them from their last committed step right away.
   */
  inFlight?: 'wait' | 'release';
  /** With `'wait'`: after this many ms, release what is still executing (default: wait as long as it takes). */
  timeoutMs?: number;
}

/** @internal Whether the engine is closed, and the close in progress. */
export interface EngineLifecycle {
  closed: boolean;
  closing: Promise<void> | undefined;
}

/** @internal What close needs from its engine. */
export interface CloseDeps {
  life: EngineLifecycle;
  ownerId: string;
  store: Store;
  closeStore: boolean;
  executions: Map<string, Promise<RunResult>>;
  active: Map<string, RunExec>;
  emitter: EventEmitter;
  stopRenewal: () => void;
  logger: Logger;
}

/** @internal Closes an engine (idempotent: a second call returns the first close). */
export function closeEngine(deps: CloseDeps, options: CloseOptions = {}): Promise<void> {
  if (deps.life.closing) return deps.life.closing;
  deps.life.closed = true;
  deps.life.closing = (async () => {
    const settle = () => Promise.allSettled([...deps.executions.values()]);
    if (options.inFlight === 'release') {
      await release(deps);
    } else if (options.timeoutMs !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), options.timeoutMs);
      });
      const outcome = await Promise.race([settle().then(() => 'settled' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') await release(deps);
    } else {
      // Executions started while waiting (a resume racing close) are waited for too.
      while (deps.executions.size > 0) await settle();
    }
    deps.stopRenewal();
    deps.emitter.removeAllListeners();
    deps.executions.clear();
    deps.active.clear();
    if (deps.closeStore) await deps.store.close();
  })();
  return deps.life.closing;
}

/** Aborts every execution here and releases its lease (expires it now), so others take it over. */
async function release(deps: CloseDeps): Promise<void> {
  const ids = [...deps.active.keys()];
  for (const [id, x] of deps.active) x.abort(new EngineClosedError(deps.ownerId, id));
  await Promise.allSettled([...deps.executions.values()]);
  const now = Date.now();
  await Promise.all(
    ids.map((id) =>
      deps.store
        .updateRun(id, { leaseExpiresAt: now, updatedAt: now }, ['running'], undefined, deps.ownerId)
        .catch((e: unknown) =>
          deps.logger.warn('close: could not release a lease', { runId: id, error: serializeError(e) }),
        ),
    ),
  );
}
