/**
 * Interceptors around step attempts: `(call, next) => …` chains, as in Temporal's SDK. Each one
 * may read or replace the call (its input), skip `next` (a cache hit), transform the output, or
 * catch and rethrow. Registered on the engine (`createEngine({ interceptors })`, around every
 * step) and on a workflow (`workflow({ interceptors })`, around its own steps); the engine's are
 * outermost, then the workflow's, in array order.
 */
import type { StepContext } from './types.js';

/** One attempt of one step, as an interceptor sees it. */
export interface StepCall<I = unknown> {
  readonly workflowId: string;
  readonly runId: string;
  readonly stepId: string;
  /** The step's unique path in the run (`items[3]/summarize`). */
  readonly path: string;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** The parsed input the step will receive; pass a changed copy to `next` to replace it. */
  readonly input: I;
  /** The step's context (resources, logger, state, emit, signal…). */
  readonly ctx: StepContext;
}

/** Calls the rest of the chain (and finally the step) with `call`. */
export type StepNext<I = unknown, O = unknown> = (call: StepCall<I>) => Promise<O>;

/**
 * Wraps a step attempt. Return `next(call)` to go on; what it returns is the attempt's output
 * (validated by the step's output schema afterwards); a throw fails the attempt (and is retried
 * like any step error).
 *
 * @example
 * ```ts
 * const timing: StepInterceptor = async (call, next) => {
 *   const t0 = performance.now();
 *   try {
 *     return await next(call);
 *   } finally {
 *     call.ctx.logger.info('step done', { path: call.path, ms: performance.now() - t0 });
 *   }
 * };
 * ```
 */
export type StepInterceptor<I = unknown, O = unknown> = (call: StepCall<I>, next: StepNext<I, O>) => Promise<O>;

/** Hooks of {@link defineInterceptor}. */
export interface InterceptorHooks<I = unknown, O = unknown> {
  /** Before the attempt; may return a replacement input. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook with a block body and no return is `void`.
  before?: (call: StepCall<I>) => undefined | I | Promise<undefined | I> | void;
  /** After a successful attempt; may return a replacement output. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook with a block body and no return is `void`.
  after?: (call: StepCall<I>, output: O) => undefined | O | Promise<undefined | O> | void;
  /** After a failed attempt (the error is rethrown afterwards unless this throws another). */
  onError?: (call: StepCall<I>, error: unknown) => void | Promise<void>;
}

/**
 * Builds a {@link StepInterceptor} from before / after / onError hooks.
 *
 * @example
 * ```ts
 * const audit = defineInterceptor({
 *   before: (call) => void console.log('start', call.path),
 *   after: (call, output) => void console.log('done', call.path, output),
 * });
 * ```
 */
export function defineInterceptor<I = unknown, O = unknown>(hooks: InterceptorHooks<I, O>): StepInterceptor<I, O> {
  const { before, after, onError } = hooks;
  return async function interceptor(call, next) {
    let c = call;
    if (before) {
      const replaced = await before(call);
      if (replaced !== undefined) c = { ...call, input: replaced };
    }
    let output: O;
    try {
      output = await next(c);
    } catch (e) {
      if (onError) await onError(c, e);
      throw e;
    }
    if (after) {
      const replaced = await after(c, output);
      if (replaced !== undefined) return replaced;
    }
    return output;
  };
}

/** Composes interceptors into one: the first is outermost. */
export function composeInterceptors(interceptors: readonly StepInterceptor<any, any>[]): StepInterceptor {
  return (call, last) => {
    const dispatch = (i: number, c: StepCall): Promise<unknown> => {
      const f = interceptors[i];
      return f ? Promise.resolve(f(c, (next) => dispatch(i + 1, next))) : last(c);
    };
    return dispatch(0, call);
  };
}
