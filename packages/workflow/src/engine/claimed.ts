/**
 * Executing a run a worker just claimed: the claim leased it to this engine and returned its row,
 * so the engine neither reads it again nor leases it again (a queued run costs what a direct one does).
 */
import { isPartialClaim } from '../store/claims.js';
import type { RunRecord } from '../store/store.js';
import type { Engine, RunResult } from './types.js';

type ClaimedExecutor = (run: RunRecord) => Promise<RunResult>;
const executors = new WeakMap<Engine, ClaimedExecutor>();

/** @internal Set by createEngine. */
export function registerClaimedExecutor(engine: Engine, executor: ClaimedExecutor): void {
  executors.set(engine, executor);
}

/** @internal Executes a claimed run (falls back to `engine.execute(id, { claimed })` for a foreign engine). */
export function executeClaimed(engine: Engine, run: RunRecord): Promise<RunResult> {
  const executor = executors.get(engine);
  return executor ? executor(run) : engine.execute(run.id, { claimed: true });
}

/** The claimed record, when it is complete and leased to `owner` (else undefined: read it again). */
export function claimedRun(run: RunRecord, owner: string): RunRecord | undefined {
  if (run.status !== 'running' || run.leaseOwner !== owner || isPartialClaim(run)) return undefined;
  if (!('input' in run) || typeof run.workflowId !== 'string' || typeof run.definitionHash !== 'string')
    return undefined;
  return run;
}
