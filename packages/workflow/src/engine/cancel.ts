/** Canceling a run with nothing but the store: what `engine.cancel` writes, usable from any process. */
import { CanceledError, RunNotFoundError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { Store } from '../store/store.js';

/**
 * Cancels a run in the store: compare-and-set from queued, running, suspended or parked to
 * `canceled` with its `run:canceled` event (one write), then deletes its timers. The process that
 * executes the run sees the cancel on its next lease renewal and aborts the run's steps. Resolves
 * to false when the run had already finished (nothing to cancel); a missing run is a
 * `RunNotFoundError`. `engine.cancel()` does the same and aborts local steps at once.
 *
 * @example
 * ```ts
 * const canceled = await cancelStoredRun(store, runId, 'canceled by ops'); // `weft runs cancel <id>`
 * ```
 */
export async function cancelStoredRun(
  store: Store,
  runId: string,
  reason?: string,
  now = Date.now(),
): Promise<boolean> {
  const error = new CanceledError(runId, reason);
  const ok = await store.updateRun(
    runId,
    { status: 'canceled', error: serializeError(error), updatedAt: now },
    ['queued', 'running', 'suspended', 'parked'],
    [{ type: 'run:canceled', data: reason === undefined ? undefined : { reason }, at: now }],
  );
  if (!ok) {
    if (!(await store.getRun(runId))) throw new RunNotFoundError(runId);
    return false;
  }
  await store.deleteTimers(runId);
  return true;
}
