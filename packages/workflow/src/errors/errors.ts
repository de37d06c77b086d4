/**
 * Every failure kind of the workflow package, one class each, all extending {@link WeftError}.
 * Messages say where (workflow, step path), what was expected, what was found and what to do.
 */
import { WeftError, type WeftErrorOptions } from './weft-error.js';

/** One zod issue, reduced to what an error message and a UI need. */
export interface ValidationIssue {
  /** Path inside the validated value, e.g. `['items', 0, 'title']`. */
  path: (string | number)[];
  message: string;
  code?: string;
}

const formatIssues = (issues: ValidationIssue[]): string =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ') + (issues.length > 5 ? `; …and ${issues.length - 5} more` : '');

/**
 * The workflow definition is invalid (duplicate step ids, an empty branch or parallel list, …).
 * Thrown by `commit()`, before anything runs.
 */
export class WorkflowDefinitionError extends WeftError {
  readonly workflowId: string;
  constructor(workflowId: string, problem: string, options?: WeftErrorOptions) {
    super('WEFT_WORKFLOW_DEFINITION', `Workflow "${workflowId}" is invalid: ${problem}`, options);
    this.workflowId = workflowId;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId };
  }
}

/** Where a value failed validation. */
export type ValidationTarget = 'input' | 'output' | 'workflow-input' | 'workflow-output' | 'event' | 'suspend';

/** A step's input or output (or the workflow's) did not satisfy its zod schema. Not retried. */
export class StepValidationError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly target: ValidationTarget;
  readonly issues: ValidationIssue[];
  constructor(
    workflowId: string,
    stepPath: string,
    target: ValidationTarget,
    issues: ValidationIssue[],
    options?: WeftErrorOptions,
  ) {
    const where = stepPath ? `step "${stepPath}" of workflow "${workflowId}"` : `workflow "${workflowId}"`;
    const what = target.replace('workflow-', '');
    super(
      'WEFT_STEP_VALIDATION',
      `Invalid ${what} for ${where}: ${formatIssues(issues)}. Fix the value (or the ${what} schema) so they agree.`,
      options,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.target = target;
    this.issues = issues;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, target: this.target, issues: this.issues };
  }
}

/** A step threw (after its retries were exhausted); `cause` holds what it threw. */
export class StepFailedError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly attempts: number;
  constructor(workflowId: string, stepPath: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'WEFT_STEP_FAILED',
      `Step "${stepPath}" of workflow "${workflowId}" failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
      { cause },
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.attempts = attempts;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, attempts: this.attempts };
  }
}

/** A step (or a waitForEvent) exceeded its timeout. */
export class TimeoutError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly timeoutMs: number;
  constructor(workflowId: string, stepPath: string, timeoutMs: number, options?: WeftErrorOptions) {
    super(
      'WEFT_TIMEOUT',
      `Step "${stepPath}" of workflow "${workflowId}" timed out after ${timeoutMs} ms. Raise its \`timeout\` or make the step faster (its \`signal\` was aborted).`,
      options,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.timeoutMs = timeoutMs;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, timeoutMs: this.timeoutMs };
  }
}

/** The run was canceled; running steps saw their `signal` abort. */
export class CanceledError extends WeftError {
  readonly runId: string;
  constructor(runId: string, reason?: string, options?: WeftErrorOptions) {
    super('WEFT_CANCELED', `Run "${runId}" was canceled${reason ? `: ${reason}` : ''}.`, options);
    this.runId = runId;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId };
  }
}

/**
 * This process no longer holds the run's lease: another worker took the run over (this one stalled
 * past its lease, or its lease was stolen by a claim after expiry). The write that found out was
 * rejected and nothing of it was stored; the engine stops driving the run here and leaves it to the
 * new owner. Not a failure of the run: it is never stored as one.
 */
export class LeaseLostError extends WeftError {
  readonly runId: string;
  /** The lease owner this process expected to be (its engine's `ownerId`). */
  readonly owner: string;
  constructor(runId: string, owner: string, options?: WeftErrorOptions) {
    super(
      'WEFT_LEASE_LOST',
      `Expected run "${runId}" to still be leased to "${owner}", but another owner took it over (this process stalled past its lease). The write was rejected; the run continues on its new owner. Use a leaseMs longer than the longest stall of a worker.`,
      options,
    );
    this.runId = runId;
    this.owner = owner;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, owner: this.owner };
  }
}

/** No run with that id exists in the store. */
export class RunNotFoundError extends WeftError {
  readonly runId: string;
  constructor(runId: string) {
    super(
      'WEFT_RUN_NOT_FOUND',
      `Run "${runId}" was not found in the store. Check the id and that this engine uses the store the run was created in.`,
    );
    this.runId = runId;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId };
  }
}

/** Resume was asked for a run that is not suspended, or at a path that is not suspended. */
export class RunNotSuspendedError extends WeftError {
  readonly runId: string;
  readonly stepPath: string;
  constructor(runId: string, stepPath: string, found: string) {
    super('WEFT_RUN_NOT_SUSPENDED', `Cannot resume run "${runId}" at step "${stepPath}": ${found}.`);
    this.runId = runId;
    this.stepPath = stepPath;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, stepPath: this.stepPath };
  }
}

/** Resume data did not satisfy the step's resume schema; the run's state is unchanged. */
export class ResumeValidationError extends WeftError {
  readonly runId: string;
  readonly stepPath: string;
  readonly issues: ValidationIssue[];
  constructor(runId: string, stepPath: string, issues: ValidationIssue[]) {
    super(
      'WEFT_RESUME_VALIDATION',
      `Invalid resume data for step "${stepPath}" of run "${runId}": ${formatIssues(issues)}. The run is still suspended; resume again with valid data.`,
    );
    this.runId = runId;
    this.stepPath = stepPath;
    this.issues = issues;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, stepPath: this.stepPath, issues: this.issues };
  }
}

/** The run was started with a different definition of the workflow than the one registered now. */
export class DefinitionChangedError extends WeftError {
  readonly runId: string;
  readonly workflowId: string;
  readonly storedHash: string;
  readonly currentHash: string;
  constructor(
    runId: string,
    workflowId: string,
    storedHash: string,
    currentHash: string,
    /** @internal Subclasses (RunParkedError) give their own code and message. */
    override?: { code: string; message: string },
  ) {
    super(
      override?.code ?? 'WEFT_DEFINITION_CHANGED',
      override?.message ??
        `Run "${runId}" of workflow "${workflowId}" started with definition ${storedHash.slice(0, 12)} but the registered definition is ${currentHash.slice(0, 12)}. Register the old definition, or migrate the run (engine.migrate(runId) or \`weft runs migrate\`).`,
    );
    this.runId = runId;
    this.workflowId = workflowId;
    this.storedHash = storedHash;
    this.currentHash = currentHash;
  }
  override details(): Record<string, unknown> {
    return {
      runId: this.runId,
      workflowId: this.workflowId,
      storedHash: this.storedHash,
      currentHash: this.currentHash,
    };
  }
}

/** An approval gate was rejected; the run ends `failed` with this error. */
export class ApprovalRejectedError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly actors: string[];
  readonly comment: string | undefined;
  constructor(workflowId: string, stepPath: string, actors: string[] = [], comment?: string) {
    super(
      'WEFT_APPROVAL_REJECTED',
      `Approval "${stepPath}" of workflow "${workflowId}" was rejected${actors.length ? ` by ${actors.join(', ')}` : ''}${comment ? `: ${comment}` : ''}.`,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.actors = actors;
    this.comment = comment;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, actors: this.actors, comment: this.comment };
  }
}

/**
 * Throw it from a step to fail without retries.
 *
 * @example
 * ```ts
 * run: async ({ input }) => { if (!input.repo) throw new NonRetryableError('repo is required'); … }
 * ```
 */
export class NonRetryableError extends WeftError {
  constructor(message: string, options?: WeftErrorOptions) {
    super('WEFT_NON_RETRYABLE', message, options);
  }
}

/** No branch predicate matched and the branch has no default. */
export class NoBranchMatchedError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  constructor(workflowId: string, stepPath: string, candidates: string[]) {
    super(
      'WEFT_NO_BRANCH_MATCHED',
      `No branch of "${stepPath}" in workflow "${workflowId}" matched (candidates: ${candidates.join(', ')}). Add a catch-all [() => true, step] or pass { default: step }.`,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath };
  }
}

/** A dowhile/dountil loop reached its maxIterations guard. */
export class LoopLimitError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly maxIterations: number;
  constructor(workflowId: string, stepPath: string, maxIterations: number) {
    super(
      'WEFT_LOOP_LIMIT',
      `Loop "${stepPath}" of workflow "${workflowId}" ran ${maxIterations} iterations without its condition ending it. Check the condition or raise maxIterations.`,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.maxIterations = maxIterations;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, maxIterations: this.maxIterations };
  }
}

/** The task graph given to a `dag` has a cycle (or invalid dependencies). */
export class DagCycleError extends WeftError {
  readonly workflowId: string;
  readonly stepPath: string;
  readonly cycle: string[];
  constructor(workflowId: string, stepPath: string, cycle: string[], options?: WeftErrorOptions) {
    super(
      'WEFT_DAG_CYCLE',
      `The tasks of dag "${stepPath}" in workflow "${workflowId}" form a cycle: ${cycle.join(' -> ')}. Remove one of these dependsOn edges.`,
      options,
    );
    this.workflowId = workflowId;
    this.stepPath = stepPath;
    this.cycle = cycle;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, stepPath: this.stepPath, cycle: this.cycle };
  }
}
