/** Errors of the engine's lifecycle: leases held elsewhere, closed engines. */
import { LeaseLostError } from '../errors/errors.js';
import { WeftError } from '../errors/weft-error.js';

/** `execute(runId)` was asked for a run another live process holds (its lease has not expired). */
export class RunLeasedError extends WeftError {
  readonly runId: string;
  readonly leaseOwner: string;
  readonly leaseExpiresAt: number;
  constructor(runId: string, leaseOwner: string, leaseExpiresAt: number) {
    super(
      'WEFT_RUN_LEASED',
      `Run "${runId}" is running in "${leaseOwner}", whose lease holds until ${new Date(leaseExpiresAt).toISOString()}. Wait for it (getRun/stream), or let engine.recover() or a worker take it over once that lease expires.`,
    );
    this.runId = runId;
    this.leaseOwner = leaseOwner;
    this.leaseExpiresAt = leaseExpiresAt;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, leaseOwner: this.leaseOwner, leaseExpiresAt: this.leaseExpiresAt };
  }
}

/**
 * The engine was closed. Calls after `close()` reject with it; with `close({ inFlight: 'release' })`
 * the executions it handed back reject with it too (their runs stay `running` with the lease
 * released, so another process continues them at once). Extends LeaseLostError: the run is not lost,
 * this process just stopped driving it.
 */
export class EngineClosedError extends LeaseLostError {
  constructor(ownerId: string, runId = '') {
    super(runId, ownerId);
    Object.defineProperty(this, 'code', { value: 'WEFT_ENGINE_CLOSED' });
    this.message = runId
      ? `Engine "${ownerId}" was closed while run "${runId}" executed; the run was handed back (lease released) and another process or engine continues it.`
      : `Engine "${ownerId}" is closed. Create a new engine with createEngine().`;
  }
}
