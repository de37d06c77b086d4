import { WeftError } from '../../errors/weft-error.js';

/**
 * Typed errors of the durable (kysely) store. Each has a stable `code`, keeps its `cause` and
 * serializes with `toJSON()`, so a failure can be logged or returned over HTTP as data.
 */

/** Base class of every error thrown by the kysely store and the worker. */
export class StoreError extends WeftError {}

/** A stored row could not be decoded (corrupt JSON, unknown status). The row is left untouched. */
export class CorruptRowError extends StoreError {
  constructor(table: string, key: string, column: string, cause: unknown) {
    super(
      'WEFT_STORE_CORRUPT_ROW',
      `Expected valid JSON in ${table}.${column} for ${key}, but it could not be parsed. The row was left unchanged; fix or delete it (store.deleteRun) to continue.`,
      { cause, details: { table, key, column } },
    );
  }
}

/** A value could not be stored: not JSON-serializable, or larger than `maxValueBytes`. */
export class StoreValueError extends StoreError {
  constructor(message: string, details: Record<string, unknown>, cause?: unknown) {
    super('WEFT_STORE_VALUE', message, { cause, details });
  }
}

/** The store options or URL were invalid. */
export class StoreConfigError extends StoreError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('WEFT_STORE_CONFIG', message, { cause, details });
  }
}

/** Applying migrations failed; `details.migration` names the failing one. */
export class MigrationError extends StoreError {
  constructor(message: string, details: Record<string, unknown>, cause?: unknown) {
    super('WEFT_STORE_MIGRATION', message, { cause, details });
  }
}
