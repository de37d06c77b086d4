/** Errors of run-level authoring features: run deadlines, restart and fork. */
import { WeftError, type WeftErrorOptions } from './weft-error.js';

/**
 * The run passed its deadline (`start({ timeout })`, `workflow({ timeout })`): the run fails with
 * this error wherever it was — running (its steps' `signal` aborts), recovered after a crash, or
 * suspended (a durable timer fails it).
 */
export class RunTimeoutError extends WeftError {
  readonly runId: string;
  readonly workflowId: string;
  /** The deadline that passed (epoch ms). */
  readonly deadlineAt: number;
  constructor(runId: string, workflowId: string, deadlineAt: number, options?: WeftErrorOptions) {
    super(
      'WEFT_RUN_TIMEOUT',
      `Run "${runId}" of workflow "${workflowId}" passed its deadline (${new Date(deadlineAt).toISOString()}). Raise the run's \`timeout\`, or restart it with engine.restart(runId, { timeout }).`,
      options,
    );
    this.runId = runId;
    this.workflowId = workflowId;
    this.deadlineAt = deadlineAt;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, workflowId: this.workflowId, deadlineAt: this.deadlineAt };
  }
}

/** `restart()` or `fork()` was asked for something that cannot be restarted or forked. */
export class RunNotRestartableError extends WeftError {
  readonly runId: string;
  constructor(runId: string, problem: string, options?: WeftErrorOptions) {
    super('WEFT_RUN_NOT_RESTARTABLE', `Cannot restart or fork run "${runId}": ${problem}.`, options);
    this.runId = runId;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId };
  }
}
