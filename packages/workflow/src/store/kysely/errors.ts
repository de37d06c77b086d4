import { WeftError } from '../../errors/weft-error.js';

/**
 * Typed errors of the durable (kysely) store. Each has a stable `code`, keeps its `cause` and
 * serializes with `toJSON()`, so a failure can be logged or returned over HTTP as data.
 */

/** Base class of every error thrown by the kysely store and the worker. */
export class StoreError extends WeftError {}

/** A stored row could not be decoded (corrupt JSON, unknown status). The row is left untouched. */
export class CorruptRowError extends StoreError {
  /** The table holding the row, e.g. `weft_steps`. */
  readonly table: string;
  /** The row's key, e.g. `run=… path=… attempt=1`. */
  readonly key: string;
  /** The column that could not be decoded, e.g. `output`. */
  readonly column: string;
  constructor(table: string, key: string, column: string, cause: unknown) {
    super(
      'WEFT_STORE_CORRUPT_ROW',
      `Expected valid JSON in ${table}.${column} for ${key}, but it could not be parsed. The row was left unchanged; fix or delete it (store.deleteRun) to continue.`,
      { cause },
    );
    this.table = table;
    this.key = key;
    this.column = column;
  }
  override details(): Record<string, unknown> {
    return { table: this.table, key: this.key, column: this.column };
  }
}

/** Which database a {@link StoreUnavailableError} came from. */
export interface StoreFailureSource {
  /** `sqlite` (libsql file, `:memory:`, remote libsql) or `postgres`. */
  dialect: 'sqlite' | 'postgres';
  /** The driver's own code: `SQLITE_FULL`, `SQLITE_READONLY`, `57P01`, `ECONNRESET`, … */
  driverCode: string | undefined;
  /** The file path (libsql) or `host:port/database` (Postgres), when known. */
  where: string | undefined;
}

/**
 * The database refused or could not take a statement for a reason outside the data: it is full,
 * read-only, locked by another writer, or unreachable. Nothing of the failed write was stored
 * (for {@link StoreConnectionError} see its `outcome`); the store works again once the cause is
 * gone — no restart, no new store needed.
 *
 * @example
 * ```ts
 * if (result.status === 'failed' && result.error instanceof StoreUnavailableError) retryLater(result.error.code);
 * ```
 */
export class StoreUnavailableError extends StoreError {
  /** `sqlite` or `postgres`. */
  readonly dialect: 'sqlite' | 'postgres';
  /** The driver's code (`SQLITE_FULL`, `57P01`, `ECONNRESET`, …), when it gave one. */
  readonly driverCode: string | undefined;
  /** The file path or `host:port/database`, when known. */
  readonly where: string | undefined;
  constructor(code: string, message: string, source: StoreFailureSource, cause?: unknown) {
    super(code, message, { cause });
    this.dialect = source.dialect;
    this.driverCode = source.driverCode;
    this.where = source.where;
  }
  override details(): Record<string, unknown> {
    return { dialect: this.dialect, driverCode: this.driverCode, where: this.where };
  }
}

const at = (source: StoreFailureSource) => (source.where ? ` ${source.where}` : '');

/** The database (or its disk) is full: `SQLITE_FULL` (also `PRAGMA max_page_count`), Postgres 53100. */
export class StoreFullError extends StoreUnavailableError {
  constructor(source: StoreFailureSource, cause?: unknown) {
    super(
      'WEFT_STORE_FULL',
      `The database${at(source)} is full (${source.driverCode ?? 'disk full'}); nothing of this write was stored. Free disk space (or raise PRAGMA max_page_count) and retry: the store works again as soon as there is room, and runs continue from their last committed step.`,
      source,
      cause,
    );
  }
}

/**
 * The database accepts no writes: `SQLITE_READONLY` (a read-only file or directory,
 * `PRAGMA query_only`), or a Postgres read-only transaction / hot standby (25006).
 */
export class StoreReadOnlyError extends StoreUnavailableError {
  constructor(source: StoreFailureSource, cause?: unknown) {
    super(
      'WEFT_STORE_READ_ONLY',
      `The database${at(source)} is read-only (${source.driverCode ?? 'read-only'}); nothing was written. Give the process write access to the file, its directory and its -wal/-shm files (or turn PRAGMA query_only off; on Postgres connect to the primary), then retry.`,
      source,
      cause,
    );
  }
}

/** Another connection held the write lock longer than the busy timeout (`SQLITE_BUSY` / `SQLITE_LOCKED`). */
export class StoreBusyError extends StoreUnavailableError {
  constructor(source: StoreFailureSource, cause?: unknown) {
    super(
      'WEFT_STORE_BUSY',
      `The database${at(source)} stayed locked by another connection past the busy timeout (${source.driverCode ?? 'busy'}); nothing was written. Retry, raise createStore({ busyTimeoutMs }), or keep long write transactions of other processes short.`,
      source,
      cause,
    );
  }
}

/**
 * The connection to the database was lost (server restart, failover, `pg_terminate_backend`,
 * network) and retrying with backoff did not get the statement through.
 * `outcome: 'not-applied'`: the statement certainly did not commit. `'unknown'`: it may have
 * committed before the connection dropped (the store checks that itself wherever it can; this
 * error reaches you only when it could not).
 */
export class StoreConnectionError extends StoreUnavailableError {
  /** Whether the failed statement may have been applied. */
  readonly outcome: 'not-applied' | 'unknown';
  constructor(source: StoreFailureSource, outcome: 'not-applied' | 'unknown', retriedMs: number, cause?: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause ?? 'connection lost');
    super(
      'WEFT_STORE_CONNECTION_LOST',
      `Lost the connection to the database${at(source)} (${source.driverCode ?? 'no code'}: ${reason}) and could not get the statement through after retrying for ${Math.round(retriedMs)} ms. ${outcome === 'unknown' ? 'It may or may not have been applied.' : 'It was not applied.'} Check that the server is up and reachable; the store reconnects by itself once it is.`,
      source,
      cause,
    );
    this.outcome = outcome;
  }
  override details(): Record<string, unknown> {
    return { ...super.details(), outcome: this.outcome };
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
