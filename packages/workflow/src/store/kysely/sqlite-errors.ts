/**
 * SQLite failures outside the data — disk full, read-only, locked — as typed
 * {@link StoreUnavailableError}s instead of the driver's raw `SqliteError`. Every other error
 * (constraint violations the store interprets itself, syntax) passes through unchanged.
 */
import { StoreBusyError, StoreFullError, StoreReadOnlyError, type StoreUnavailableError } from './errors.js';
import type { SqlBackend } from './sql-exec.js';

/** The SQLite result code of `error` or of one of its causes (`SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`, …). */
function sqliteCode(error: unknown): string | undefined {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/** The typed error for a SQLite failure, or undefined when `error` is not one of those kinds. */
export function sqliteUnavailable(error: unknown, where: string | undefined): StoreUnavailableError | undefined {
  if (error instanceof Error && 'dialect' in error && 'driverCode' in error) return error as StoreUnavailableError;
  const code = sqliteCode(error);
  if (code === undefined) return undefined;
  const source = { dialect: 'sqlite' as const, driverCode: code, where };
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_FULL_')) return new StoreFullError(source, error);
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return new StoreReadOnlyError(source, error);
  if (
    code === 'SQLITE_BUSY' ||
    code.startsWith('SQLITE_BUSY_') ||
    code === 'SQLITE_LOCKED' ||
    code.startsWith('SQLITE_LOCKED_')
  )
    return new StoreBusyError(source, error);
  return undefined;
}

/** Rethrows a SQLite failure as its typed error; anything else unchanged. */
export function rethrowSqlite(where: string | undefined): (error: unknown) => never {
  return (error: unknown) => {
    throw sqliteUnavailable(error, where) ?? error;
  };
}

/** The same backend, with SQLite's disk-full / read-only / busy failures typed. */
export function withSqliteErrors(backend: SqlBackend, where: string | undefined): SqlBackend {
  const rethrow = rethrowSqlite(where);
  return {
    ...backend,
    all: <R>(sql: string, params: readonly unknown[]) => backend.all<R>(sql, params).catch(rethrow),
    run: (sql, params) => backend.run(sql, params).catch(rethrow),
    batch: (statements) => backend.batch(statements).catch(rethrow),
    transaction: (fn) => backend.transaction(fn).catch(rethrow),
  };
}
