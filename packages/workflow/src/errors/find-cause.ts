/** `findCause()`: the typed way to ask "was this failure (somewhere down the chain) a X?". */
import { RestoredError } from './serialize.js';

type ErrorClass<T> = abstract new (...args: any[]) => T;

/**
 * Walks `error` and its `cause` chain (at most 16 levels) and returns the first error that is a
 * `type` — or, for a run read back from the store (its errors are {@link RestoredError}s), the
 * first one whose `name` is `type`'s name; a restored error carries the original's fields (its
 * `details`) as properties. Pass a `code` string instead of a class to match on `error.code`.
 *
 * @example
 * ```ts
 * const r = await engine.run(wf).start({ input });
 * const timeout = r.status === 'failed' ? findCause(r.error, TimeoutError) : undefined;
 * if (timeout) console.log(`${timeout.stepPath} took over ${timeout.timeoutMs} ms`);
 * ```
 */
export function findCause<T extends Error>(error: unknown, type: ErrorClass<T>): T | undefined;
export function findCause(error: unknown, code: string): (Error & { code: string }) | undefined;
export function findCause(error: unknown, what: ErrorClass<Error> | string): Error | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 16 && e !== undefined && e !== null; depth++) {
    if (typeof what === 'string') {
      if ((e as { code?: unknown }).code === what) return e as Error;
    } else if (e instanceof what || (e instanceof RestoredError && e.name === what.name)) {
      return e as Error;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
