/**
 * Errors of @weft/eval. One base class with a stable `code`, an optional `cause` and a
 * JSON rendering, so CI logs and stored runs carry the same information as the thrown error.
 */

/** Stable codes of {@link WeftEvalError}s. */
export type EvalErrorCode =
  | 'EVAL_INVALID_DEFINITION'
  | 'EVAL_DATA_ERROR'
  | 'EVAL_TASK_TIMEOUT'
  | 'EVAL_TASK_FAILED'
  | 'EVAL_SCORER_ERROR'
  | 'EVAL_STORAGE_ERROR'
  | 'EVAL_COMPARE_ERROR'
  | 'EVAL_STATISTICS_ERROR'
  | 'EVAL_MISSING_SCORE'
  | 'EVAL_THRESHOLD_FAILED'
  | 'EVAL_CLI_USAGE';

const BRAND = Symbol.for('weft.error');

/**
 * Base class of every error thrown by @weft/eval. Carries the `weft.error` brand, so
 * `instanceof WeftError` of @weft/workflow holds for it too (same shape: `code`, `details()`,
 * `toJSON()`).
 *
 * @example
 * ```ts
 * try { await runEval(def); } catch (e) { if (e instanceof WeftEvalError) console.log(e.code, e.toJSON()); }
 * ```
 */
export class WeftEvalError extends Error {
  /** Stable machine-readable code. */
  readonly code: EvalErrorCode;
  readonly #details: Record<string, unknown>;

  constructor(
    code: EvalErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeftEvalError';
    this.code = code;
    this.#details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Extra structured details (eval name, item id, file, line …). */
  details(): Record<string, unknown> {
    return { ...this.#details };
  }

  /** A JSON-serializable view: name, code, message, details and the cause chain. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.#details,
      ...(this.cause === undefined ? {} : { cause: serializeError(this.cause) }),
    };
  }
}

/** A task did not finish within the per-item timeout. */
export class EvalTimeoutError extends WeftEvalError {
  constructor(timeoutMs: number, details: Record<string, unknown>) {
    super(
      'EVAL_TASK_TIMEOUT',
      `Expected the task to finish within ${timeoutMs} ms, but it was still running (item ${String(details.itemId)}). Raise \`timeoutMs\` or make the task faster.`,
      { details: { ...details, timeoutMs } },
    );
    this.name = 'EvalTimeoutError';
  }
}

/** Data could not be loaded or an item is malformed. */
export class EvalDataError extends WeftEvalError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('EVAL_DATA_ERROR', message, options);
    this.name = 'EvalDataError';
  }
}

/** A stored-history operation failed (unknown run id, database error). */
export class EvalStorageError extends WeftEvalError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('EVAL_STORAGE_ERROR', message, options);
    this.name = 'EvalStorageError';
  }
}

/**
 * A statistical function got input it cannot give an honest answer for: a non-finite value (NaN,
 * ±Infinity, `undefined` — `details().index` names it), an empty or too small sample, unequal
 * paired lengths, or a bad option. Never silently a 0 or a NaN.
 */
export class EvalStatisticsError extends WeftEvalError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('EVAL_STATISTICS_ERROR', message, options);
    this.name = 'EvalStatisticsError';
  }
}

/**
 * Two runs cannot be compared: they are runs of different evals (pass `allowDifferentEvals` to
 * override), share no item ids, or an option is invalid.
 */
export class EvalCompareError extends WeftEvalError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('EVAL_COMPARE_ERROR', message, options);
    this.name = 'EvalCompareError';
  }
}

/**
 * `compare(…, { missingScores: 'throw' })` found an item whose score is missing or errored (the
 * scorer threw or returned NaN) in one of the runs; `details()` names the run, item and scorer.
 */
export class EvalMissingScoreError extends WeftEvalError {
  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super('EVAL_MISSING_SCORE', message, options);
    this.name = 'EvalMissingScoreError';
  }
}

/** Converts any thrown value to a JSON-safe object. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (error instanceof WeftEvalError) return error.toJSON();
  if (error instanceof Error) {
    const out: Record<string, unknown> = { name: error.name, message: error.message };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (error.cause !== undefined) out.cause = serializeError(error.cause);
    return out;
  }
  return { name: 'NonError', message: String(error) };
}
