/**
 * The base of every error Weft throws or returns.
 *
 * Errors carry a stable machine-readable `code`, an optional `cause` and render to JSON with
 * {@link WeftError.toJSON}, so a failed run can be stored and shown by any process. `instanceof`
 * works across duplicated copies of the library through a registered symbol (as in Temporal's SDK).
 */

const BRAND = Symbol.for('weft.error');

/** Options accepted by every {@link WeftError} subclass. */
export interface WeftErrorOptions {
  cause?: unknown;
  /** Structured fields (ids, paths, issues…) returned by {@link WeftError.details} and so part of `toJSON()`. */
  details?: Record<string, unknown>;
}

/**
 * Base class of Weft's errors.
 *
 * @example
 * ```ts
 * if (result.status === 'failed' && result.error instanceof WeftError) console.log(result.error.code);
 * ```
 */
export class WeftError extends Error {
  /** Stable identifier of the failure kind, e.g. `WEFT_STEP_VALIDATION`. */
  readonly code: string;
  readonly #details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options?: WeftErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.#details = options?.details;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Extra structured fields (workflow id, step path, zod issues…) included in {@link toJSON}. */
  details(): Record<string, unknown> {
    return { ...this.#details };
  }

  /** A JSON-serializable view: name, code, message, details and the cause chain. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...this.details(),
      ...(cause === undefined
        ? {}
        : {
            cause:
              cause instanceof WeftError
                ? cause.toJSON()
                : cause instanceof Error
                  ? { name: cause.name, message: cause.message }
                  : cause,
          }),
    };
  }
}

// `instanceof WeftError` must hold for errors from another copy of the library (brand check);
// subclasses keep the ordinary prototype check.
Object.defineProperty(WeftError, Symbol.hasInstance, {
  value: function hasInstance(this: abstract new (...args: never[]) => unknown, value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (this === WeftError) return (value as Record<symbol, unknown>)[BRAND] === true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  },
});
