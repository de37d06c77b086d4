/** Ending a step attempt's span from the interpreter (a no-op when tracing is off). */
import type { Span } from '@opentelemetry/api';
import type { RunExec } from '../engine/run-state.js';
import { TRACE_ATTRIBUTES } from './attributes.js';
import type { SpanOutcome } from './run-trace.js';

/** Ends `span` (if any) with `outcome`; `error` is recorded; `retryDelayMs` on a retried attempt. */
export function endSpan(
  x: RunExec,
  span: Span | undefined,
  outcome: SpanOutcome,
  error?: unknown,
  retryDelayMs?: number,
): void {
  if (!span || !x.trace) return;
  x.trace.end(
    span,
    outcome,
    error,
    retryDelayMs === undefined ? undefined : { [TRACE_ATTRIBUTES.retryDelayMs]: retryDelayMs },
  );
}

/** What a wait did in this execution (see {@link TRACE_ATTRIBUTES}.waitState). */
export type WaitState = 'waited' | 'suspended' | 'resumed';

/** Opens the span of a wait at `path` (undefined when tracing is off); `startTime` when it began earlier. */
export function waitSpan(x: RunExec, kind: string, path: string, startTime?: number): Span | undefined {
  return x.trace?.wait(kind, path, startTime);
}

/** Ends a wait's span (if any) with its state; `error` is recorded; a decision for approvals. */
export function endWait(
  x: RunExec,
  span: Span | undefined,
  state: WaitState,
  error?: unknown,
  decision?: string,
): void {
  if (!span || !x.trace) return;
  const attributes: Record<string, string> = { [TRACE_ATTRIBUTES.waitState]: state };
  if (decision !== undefined) attributes[TRACE_ATTRIBUTES.approvalDecision] = decision;
  x.trace.end(span, undefined, error, attributes);
}
