/**
 * The store's hot path does not build queries: it runs a fixed set of hand-written statements
 * (written once with `?` placeholders) through this tiny executor. On a local libsql file they are
 * cached synchronous prepared statements; on Postgres and remote libsql they go through kysely's
 * driver, so pooling and transactions are kysely's.
 */
import type { Kysely } from 'kysely';
import { GroupCommitter, rollbackQuietly } from './group-commit.js';
import { kysely } from './kysely-module.js';
import type { LocalSqlite } from './local-sqlite.js';

/** Runs statements; `all` for statements that return rows (incl. RETURNING), `run` for the rest. */
export interface SqlExec {
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  run(sql: string, params: readonly unknown[]): Promise<number>;
}

/** One statement of a {@link SqlBackend.batch}. */
export interface SqlStatement {
  sql: string;
  params: readonly unknown[];
  /**
   * A guard: when the statement changes no row, the whole batch rolls back and rejects with this
   * error (used for fenced writes, whose conditional INSERT changes nothing once the lease is lost).
   */
  onNoChange?: () => unknown;
  /**
   * The exact change count SQLite reports for the statement when it applies (an INSERT into a view
   * with an INSTEAD OF trigger reports 0). On a local file it lets group commit merge the statement
   * with the same one of other runs' batches (see group-commit.ts); elsewhere it is ignored.
   */
  rows?: number;
  /**
   * The run (or other unit) whose rows the statement alone reads and writes. Keyed batches of
   * different keys may be reordered and merged by group commit; elsewhere it is ignored.
   */
  key?: string;
}

/** An executor that can also open a transaction. */
export interface SqlBackend extends SqlExec {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one write transaction; commits when it resolves, rolls back when it rejects. */
  transaction<T>(fn: (tx: SqlExec) => Promise<T>): Promise<T>;
  /**
   * Runs `statements` in order in one write transaction; resolves to each one's changed-row count.
   * On a local file this is fully synchronous under the connection lock: no promise per statement.
   */
  batch(statements: readonly SqlStatement[]): Promise<number[]>;
  /** Local files only: the connection (for VACUUM and other statements outside transactions). */
  readonly local?: LocalSqlite;
  /**
   * Local files only: the first row of a read as an array of column values (undefined: no row), under
   * the connection lock like {@link SqlExec.all}, without building a row object.
   */
  firstRaw?(sql: string, params: readonly unknown[]): Promise<unknown[] | undefined>;
}

class LocalTxExec implements SqlExec {
  readonly #sqlite: LocalSqlite;
  constructor(sqlite: LocalSqlite) {
    this.#sqlite = sqlite;
  }
  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return this.#sqlite.all<R>(sql, params);
  }
  async run(sql: string, params: readonly unknown[]): Promise<number> {
    return this.#sqlite.run(sql, params);
  }
}

/** Runs the synchronous read `read` under the connection lock: now when the lock is free. */
function locked<T>(sqlite: LocalSqlite, read: () => T): Promise<T> {
  const run = () => {
    try {
      return read();
    } finally {
      sqlite.lock.release();
    }
  };
  // Uncontended: read now, synchronously.
  if (sqlite.lock.tryAcquire()) {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return sqlite.lock.acquire().then(run);
}

/** Backend over a local libsql file: every statement and transaction holds the connection lock. */
export function localBackend(sqlite: LocalSqlite): SqlBackend {
  const tx = new LocalTxExec(sqlite);
  const group = new GroupCommitter(sqlite);
  return {
    dialect: 'sqlite',
    local: sqlite,
    all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
      return locked(sqlite, () => sqlite.all<R>(sql, params));
    },
    firstRaw(sql: string, params: readonly unknown[]): Promise<unknown[] | undefined> {
      return locked(sqlite, () => sqlite.firstRaw(sql, params));
    },
    // Writes go through group commit: batches of the same tick share one transaction.
    async run(sql: string, params: readonly unknown[]) {
      const [changes] = await group.submit([{ sql, params }]);
      return changes ?? 0;
    },
    batch(statements: readonly SqlStatement[]): Promise<number[]> {
      return group.submit(statements);
    },
    async transaction<T>(fn: (tx: SqlExec) => Promise<T>): Promise<T> {
      await sqlite.lock.acquire();
      try {
        sqlite.run('BEGIN IMMEDIATE', []);
        try {
          const result = await fn(tx);
          sqlite.run('COMMIT', []);
          return result;
        } catch (error) {
          rollbackQuietly(sqlite);
          throw error;
        }
      } finally {
        sqlite.lock.release();
      }
    },
  };
}

const pgSqlCache = new Map<string, string>();
/** `?` → `$1, $2, …` (the hand-written statements never contain a literal `?`). */
function toPg(sql: string): string {
  let out = pgSqlCache.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    pgSqlCache.set(sql, out);
  }
  return out;
}

type AnyKysely = Kysely<any>;

function kyselyExec(db: AnyKysely, pg: boolean): SqlExec {
  return {
    async all<R>(sql: string, params: readonly unknown[]) {
      const result = await db.executeQuery<R>(kysely().CompiledQuery.raw(pg ? toPg(sql) : sql, params as unknown[]));
      return result.rows as R[];
    },
    async run(sql: string, params: readonly unknown[]) {
      const result = await db.executeQuery(kysely().CompiledQuery.raw(pg ? toPg(sql) : sql, params as unknown[]));
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}

/** Backend over a kysely instance (Postgres, remote libsql). */
export function kyselyBackend(db: AnyKysely, dialect: 'sqlite' | 'postgres'): SqlBackend {
  const pg = dialect === 'postgres';
  const exec = kyselyExec(db, pg);
  return {
    dialect,
    all: exec.all,
    run: exec.run,
    transaction<T>(fn: (tx: SqlExec) => Promise<T>): Promise<T> {
      return db.transaction().execute((trx) => fn(kyselyExec(trx, pg)));
    },
    batch(statements: readonly SqlStatement[]): Promise<number[]> {
      return db.transaction().execute(async (trx) => {
        const tx = kyselyExec(trx, pg);
        const changes: number[] = [];
        for (const s of statements) {
          const n = await tx.run(s.sql, s.params);
          if (n === 0 && s.onNoChange) throw s.onNoChange();
          changes.push(n);
        }
        return changes;
      });
    },
  };
}
