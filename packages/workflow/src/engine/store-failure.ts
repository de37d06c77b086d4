/**
 * What the engine does when the store itself fails — full, read-only, locked, unreachable
 * ({@link StoreUnavailableError}): the run's promise resolves to `status: 'failed'` with that typed
 * error instead of rejecting, and nothing half-written is left. Whatever was committed before stays
 * committed: a run that could not even be created does not exist; a run whose later write failed
 * stays `running` under its lease and is continued from its last committed step (by `recover()`
 * or a worker, once its lease expired) when the store accepts writes again.
 */
import { StoreUnavailableError } from '../store/kysely/errors.js';
import type { Logger } from '../step/types.js';
import { serializeError } from '../errors/serialize.js';
import type { RunResult } from './types.js';

/** True for the store failures a run reports as its result rather than as a rejection. */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

/** The failed result of a run the store could not take; logs what is left in the store. */
export function storeFailedResult(
  runId: string,
  error: StoreUnavailableError,
  logger: Logger,
  stored: 'nothing' | 'committed steps',
  state: Record<string, unknown> = {},
  steps: Record<string, unknown> = {},
): RunResult {
  logger.error(
    stored === 'nothing'
      ? 'run not started: the store refused it (nothing was stored)'
      : 'run stopped: the store refused a write; it stays running and continues from its last committed step once the store works again',
    { runId, error: serializeError(error) },
  );
  return { status: 'failed', runId, error, steps, state };
}
