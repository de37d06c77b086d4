/**
 * Errors of @weft/studio: one base class with a stable `code` (extends {@link WeftError}), one
 * subclass per failure the handler turns into an HTTP status.
 */
import { WeftError, type WeftErrorOptions } from '@weft/workflow';

/** Base class of Studio's errors. */
export class StudioError extends WeftError {
  /** HTTP status the handler answers with. */
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: WeftErrorOptions) {
    super(code, message, options);
    this.status = status;
  }
}

/** A run, eval run or approval that does not exist (HTTP 404). */
export class StudioNotFoundError extends StudioError {
  constructor(what: string, id: string) {
    super(
      'STUDIO_NOT_FOUND',
      404,
      `No ${what} with id "${id}" in this store. Check the id, or the --db the Studio was started with.`,
      {
        details: { what, id },
      },
    );
  }
}

/** A request Studio refuses: bad Host header, cross-site form, expired CSRF token (HTTP 403). */
export class StudioForbiddenError extends StudioError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('STUDIO_FORBIDDEN', 403, message, details ? { details } : undefined);
  }
}

/** A malformed request: bad filter value, bad cursor, bad JSON (HTTP 400). */
export class StudioBadRequestError extends StudioError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('STUDIO_BAD_REQUEST', 400, message, details ? { details } : undefined);
  }
}

/** An action the Studio cannot take here, e.g. resume without an engine that has the workflow (HTTP 409). */
export class StudioActionError extends StudioError {
  constructor(message: string, options?: WeftErrorOptions) {
    super('STUDIO_ACTION_UNAVAILABLE', 409, message, options);
  }
}

/** Bad options passed to {@link createStudioHandler} or {@link startStudio}. */
export class StudioConfigError extends StudioError {
  constructor(message: string) {
    super('STUDIO_CONFIG', 500, message);
  }
}
