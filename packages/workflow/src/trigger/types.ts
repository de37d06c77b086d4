/** Event triggers: events that start a workflow (`workflow({ triggers: [on(...)] })`). */
import type { z } from 'zod';

/**
 * An event that starts runs of a workflow. Create it with {@link defineTrigger}, which types the
 * payload from the schema and checks that `input` produces the workflow's input.
 */
export interface Trigger<I = unknown> {
  /** The event name given to `engine.sendEvent(name, payload)`. */
  readonly event: string;
  /** Payloads are validated against it; a failing payload is rejected with `EventPayloadError`. */
  readonly schema: z.ZodType;
  /** Only payloads for which it returns true start a run. */
  readonly filter?: (payload: any) => boolean;
  /** The run input for a payload (default: the validated payload itself). */
  readonly input?: (payload: any) => I;
  /** Type-only marker of the input this trigger produces. */
  readonly '~input'?: (input: I) => void;
}

/**
 * Defines an event trigger.
 *
 * @example
 * ```ts
 * const onSignup = defineTrigger({
 *   event: 'user.signup',
 *   schema: z.object({ userId: z.string(), plan: z.enum(['free', 'pro']) }),
 *   filter: (e) => e.plan === 'pro',
 *   input: (e) => ({ userId: e.userId }),
 * });
 * ```
 */
export function defineTrigger<S extends z.ZodType, I = z.output<S>>(options: {
  event: string;
  schema: S;
  filter?: (payload: z.output<S>) => boolean;
  input?: (payload: z.output<S>) => I;
}): Trigger<I> {
  return Object.freeze({ ...options }) as Trigger<I>;
}

/** A run started by an event (`sendEvent(…).started`). */
export interface StartedRun {
  workflowId: string;
  runId: string;
  /** False when the event id (idempotency key) named a run started before. */
  created: boolean;
}

/** A trigger that matched but started nothing (`sendEvent(…).skipped`). */
export interface SkippedTrigger {
  workflowId: string;
  reason: 'filtered' | 'rate-limited';
}

/**
 * What `engine.sendEvent` returns: the runs it resumed (`waitForEvent` waits, as an array — the
 * shape it always had), plus the runs it `started` through triggers, the triggers it `skipped`,
 * and whether the event id was a `duplicate` (then nothing happened).
 */
export interface EventDelivery<R> extends Array<R> {
  readonly started: StartedRun[];
  readonly skipped: SkippedTrigger[];
  readonly duplicate: boolean;
}
