/** Errors of event triggers. */
import type { ValidationIssue } from '../errors/errors.js';
import { WeftError } from '../errors/weft-error.js';

/** An event payload failed the schema of a trigger: nothing was started or resumed. */
export class EventPayloadError extends WeftError {
  readonly event: string;
  readonly workflowId: string;
  readonly issues: ValidationIssue[];
  constructor(event: string, workflowId: string, issues: ValidationIssue[]) {
    super(
      'WEFT_EVENT_PAYLOAD',
      `Invalid payload for event "${event}" (trigger of workflow "${workflowId}"): ${issues
        .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
        .join('; ')}. Nothing was started; send the event again with a payload matching the trigger's schema.`,
    );
    this.event = event;
    this.workflowId = workflowId;
    this.issues = issues;
  }
  override details(): Record<string, unknown> {
    return { event: this.event, workflowId: this.workflowId, issues: this.issues };
  }
}
