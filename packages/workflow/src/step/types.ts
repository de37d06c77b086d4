/** Types shared by steps, the builder and the engine: step context, retry options, runnables. */
import type { z } from 'zod';
import type { StepWriter } from '../stream/writer.js';
import type { Duration } from '../util/duration.js';

/**
 * Resources registered on the engine (`createEngine({ resources })`) reach every step as
 * `ctx.resources`. Type them once for the whole app by augmenting this interface.
 *
 * @example
 * ```ts
 * declare module '@weft/workflow' {
 *   interface Resources { llm: LlmRouter; db: Kysely<DB> }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: an augmentation point, empty on purpose.
export interface Resources {}

/** A minimal structured logger; the default writes nothing below `warn` to the console. */
export interface Logger {
  /** Detailed diagnostics. */
  debug(message: string, data?: Record<string, unknown>): void;
  /** Normal operation worth recording. */
  info(message: string, data?: Record<string, unknown>): void;
  /** Something unexpected that did not fail the run. */
  warn(message: string, data?: Record<string, unknown>): void;
  /** A failure. */
  error(message: string, data?: Record<string, unknown>): void;
}

/** What a running step knows about where it runs. */
export interface StepContext<R = Resources> {
  readonly runId: string;
  readonly workflowId: string;
  /** The step's own id (`summarize`). */
  readonly stepId: string;
  /** The step's unique path in the run (`items[3]/summarize`). */
  readonly path: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Stable per run and step path across retries, resumes and crash recovery: pass it to APIs that dedupe. */
  readonly idempotencyKey: string;
  /** Aborts on cancel and on timeout. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Engine-level resources merged with the workflow's. */
  readonly resources: R;
  /** Emits a custom event to the run's listeners and stream (also persisted with the next commit). */
  emit(type: string, data?: unknown): void;
  /**
   * Streams partial output (tokens, rows…) live as `step:chunk` events, without a store write per
   * chunk: the step's commit stores them compacted in one `step:stream` event.
   */
  readonly writer: StepWriter;
  /** The run's shared state: the merge of every `setState` patch so far (parallel branches included). */
  readonly state: Readonly<Record<string, unknown>>;
  /**
   * Shallow-merges `patch` into the run's state. Durable: the patch is committed with this step, and
   * replayed when the run resumes or recovers elsewhere. Concurrent branches writing different keys
   * all keep their writes.
   */
  setState(patch: Record<string, unknown>): void;
}

/** Retry policy of a step. */
export interface RetryOptions {
  /** Total attempts including the first (>= 1). */
  attempts: number;
  /** `exponential` (default) doubles the delay each retry; `fixed` keeps it. */
  backoff?: 'exponential' | 'fixed';
  /** First retry delay (default 100 ms). */
  delay?: Duration;
  /** Cap on any delay (default 30 s). */
  maxDelay?: Duration;
  /**
   * "Equal jitter" (default true): each delay is half the computed one plus a random part of up to
   * the other half, so it lies in `[d/2, d]` — never 0, which would hammer a failing service.
   * `false` waits exactly the computed delay.
   */
  jitter?: boolean;
  /**
   * Return false to stop retrying this error. Never retried whatever it returns: a
   * `NonRetryableError` and an *input* `StepValidationError` (the same input fails again). An
   * *output* validation failure is retried on purpose: an LLM step may produce a valid output on
   * the next attempt.
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
}

/**
 * Anything that can be wired as a step: a {@link Step} or a committed workflow.
 * The optional `~types` member carries types only (never set at run time); its `input` is a
 * function parameter so that assignability is contravariant: a step fits where the previous
 * output is assignable to its input.
 */
export interface Runnable<Id extends string = string, I = any, O = any> {
  readonly id: Id;
  readonly '~types'?: {
    /** Type only: a function of the accepted input (contravariant on purpose). */
    readonly input: (input: I) => void;
    /** Type only: the produced output. */
    readonly output: O;
  };
}

/** The input type a runnable accepts. */
export type InputOf<S> = S extends Runnable<string, infer I, unknown> ? I : never;
/** The output type a runnable produces. */
export type OutputOf<S> = S extends { readonly '~types'?: { readonly output: infer O } } ? O : never;

/**
 * Arguments of a step's `run` function.
 *
 * `getInitData()` and `getStepResult()` read the workflow's input and earlier steps' outputs. In a
 * standalone `step({ … })` they are typed by what you pass (`getStepResult(fetchStep)` is
 * `fetchStep`'s output type, `getInitData<T>()`); in an inline `.step('id', fn)` of a builder they
 * are typed by the workflow so far, and reading a step that is not upstream fails to compile.
 */
export interface StepRunArgs<I, R = Resources, TSuspend = unknown, TResume = unknown> {
  /** The input, parsed by the input schema (defaults applied). */
  input: I;
  /** The run's id (same as `ctx.runId`). */
  runId: string;
  /** The input of the workflow this step belongs to (parsed by its input schema). */
  getInitData<T = unknown>(): T;
  /**
   * The output of an earlier step of the same workflow, by step (or id, or a path such as
   * `review/lint` for a step inside a parallel or branch); undefined when it has not run.
   */
  getStepResult<S extends Runnable>(step: S): OutputOf<S> | undefined;
  /** The output of an earlier step by id or path (`review/lint`), typed by `T`; undefined when it has not run. */
  getStepResult<T = unknown>(id: string): T | undefined;
  /**
   * Ends the whole run successfully now with `output` as the run's output (validated by the
   * workflow's output schema, if any); no later step runs. Durable: a replay ends there too.
   * `return bail(…)`.
   */
  bail: (output: unknown) => never;
  /** The step's streaming writer (same as `ctx.writer`). */
  writer: StepWriter;
  signal: AbortSignal;
  ctx: StepContext<R>;
  /** Suspends the run here with a payload; `return suspend(…)`. Resume with `resume({ step, data })`. */
  suspend: (payload: TSuspend) => never;
  /** The resume data when this step is being resumed, undefined otherwise. */
  resumeData: TResume | undefined;
}

/**
 * A step definition produced by {@link step}. Plain data plus the `run` function. `RD` is what
 * `resume({ step, data })` accepts for it: its resume schema's input type (`unknown` without one).
 */
export interface Step<Id extends string = string, I = any, O = any, RD = unknown> extends Runnable<Id, I, O> {
  readonly kind: 'step';
  /** Type only (never set at run time): the resume data type, read by the workflow builder. */
  readonly '~resume'?: RD;
  readonly description?: string;
  readonly inputSchema?: z.ZodType;
  readonly outputSchema?: z.ZodType;
  readonly suspendSchema?: z.ZodType;
  readonly resumeSchema?: z.ZodType;
  readonly retry?: RetryOptions;
  readonly timeoutMs?: number;
  /** The step's body (typed by {@link step}; erased here). */
  readonly run: (args: StepRunArgs<any, any, any, any>) => unknown;
}

/** Options shared by {@link step} configs. */
export interface StepOptions {
  description?: string;
  retry?: RetryOptions;
  /**
   * Aborts the attempt (its `signal` aborts) after this long; the attempt fails with a
   * `TimeoutError`, which is retried like any error. When no attempt is left the run fails with
   * that `TimeoutError` as its `error` (`result.error instanceof TimeoutError`).
   */
  timeout?: Duration;
}
