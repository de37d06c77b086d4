/** Errors of flow control, schedules and event triggers. */
import { WeftError } from '../errors/weft-error.js';

/** Invalid flow-control, schedule or trigger options (a definition or call mistake). */
export class FlowConfigError extends WeftError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('WEFT_FLOW_CONFIG', message, details ? { details } : undefined);
  }
}

/** A start beyond a workflow's `flow.rateLimit`: nothing was started. Retry after `retryAfterMs`. */
export class RateLimitedError extends WeftError {
  readonly workflowId: string;
  readonly key: string;
  readonly retryAfterMs: number;
  constructor(workflowId: string, key: string, limit: number, periodMs: number, retryAfterMs: number) {
    super(
      'WEFT_RATE_LIMITED',
      `Workflow "${workflowId}" accepts at most ${limit} starts per ${periodMs} ms for key "${key}", and that many were accepted already. Nothing was started; retry in ${retryAfterMs} ms.`,
    );
    this.workflowId = workflowId;
    this.key = key;
    this.retryAfterMs = retryAfterMs;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, key: this.key, retryAfterMs: this.retryAfterMs };
  }
}

/** The store of this engine cannot hold flow-controlled runs or schedules. */
export class FlowStoreError extends WeftError {
  constructor(message: string) {
    super('WEFT_FLOW_STORE', message);
  }
}
