/** The caller's trace context, for runs that are stored now and executed later (enqueue). */
import { activeOtel } from './otel.js';
import { formatTraceparent } from './traceparent.js';

/** The active span's context as a `traceparent`, or `undefined` (tracing off, or no active span). */
export function activeTraceparent(): string | undefined {
  const otel = activeOtel();
  const sc = otel?.trace.getSpanContext(otel.context.active());
  return sc && otel?.trace.isSpanContextValid(sc) ? formatTraceparent(sc) : undefined;
}
