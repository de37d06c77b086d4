/** The span attributes Weft sets (see docs/observability.md#tracing). */

/**
 * Names of the attributes on Weft's spans. Every span carries `runId`, `workflowId` and, when the
 * workflow has one, `workflowVersion`; step, container and wait spans add `stepPath`.
 *
 * @example
 * ```ts
 * import { TRACE_ATTRIBUTES } from '@weft/workflow';
 * const stepSpans = spans.filter((s) => s.attributes[TRACE_ATTRIBUTES.stepPath] !== undefined);
 * ```
 */
export const TRACE_ATTRIBUTES = {
  /** The run's id. */
  runId: 'weft.run.id',
  /** The workflow's id. */
  workflowId: 'weft.workflow.id',
  /** `workflow({ version })`, when set. */
  workflowVersion: 'weft.workflow.version',
  /** The structural hash of the definition the run executes. */
  workflowHash: 'weft.workflow.hash',
  /** How this execution of the run began: `start`, `recover` (taken over or dequeued) or `resume`. */
  runEntry: 'weft.run.entry',
  /** How this execution ended: `success`, `failed`, `suspended` or `canceled`. */
  runStatus: 'weft.run.status',
  /** The step path (`review/lint`, `items[3]/summarize`, `plan-dag/t1`). */
  stepPath: 'weft.step.path',
  /** The step's own id (the last segment of its path). */
  stepId: 'weft.step.id',
  /** The attempt number, from 1. */
  stepAttempt: 'weft.step.attempt',
  /** How the attempt ended: `success`, `retry`, `failed`, `suspended` or `bail`. */
  stepOutcome: 'weft.step.outcome',
  /** Milliseconds before the next attempt (on a retried attempt). */
  retryDelayMs: 'weft.step.retry_delay_ms',
  /** Node kind of container and wait spans: `parallel`, `foreach`, `dag`, `sleep`, `event`, `approval`, … */
  nodeKind: 'weft.node.kind',
  /** What a wait did here: `waited` (in process), `suspended` (the run parked on it) or `resumed`. */
  waitState: 'weft.wait.state',
  /** The decision that resumed an approval: `approved` or `rejected`. */
  approvalDecision: 'weft.approval.decision',
} as const;
