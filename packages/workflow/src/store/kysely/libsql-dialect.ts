/**
 * kysely has no libsql dialect: these two small ones reuse kysely's SQLite adapter, compiler and
 * introspector and only supply a driver.
 *
 * - {@link LocalLibsqlDialect}: a local file or `:memory:` through the synchronous `libsql`
 *   package, sharing one connection (and its lock) with the store's hot path.
 * - {@link LibsqlClientDialect}: a remote libsql / sqld server through `@libsql/client`.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
} from 'kysely';
import { rollbackQuietly } from './group-commit.js';
import { kysely } from './kysely-module.js';
import { cleanRow, type LocalSqlite } from './local-sqlite.js';

abstract class SqliteDialectBase implements Dialect {
  abstract createDriver(): Driver;
  createQueryCompiler(): QueryCompiler {
    return new (kysely().SqliteQueryCompiler)();
  }
  /**
   * kysely's SQLite adapter (still `instanceof SqliteAdapter`), saying that SQLite does run DDL
   * inside transactions. That makes kysely's Migrator apply migrations in one write transaction
   * (`BEGIN IMMEDIATE` here), which is what makes two processes starting at once safe: the second
   * waits for the lock, then sees the first one's migrations as applied.
   */
  createAdapter(): DialectAdapter {
    return Object.create(new (kysely().SqliteAdapter)(), {
      supportsTransactionalDdl: { get: () => true },
    }) as DialectAdapter;
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new (kysely().SqliteIntrospector)(db);
  }
}

/** kysely dialect over a {@link LocalSqlite} connection. */
export class LocalLibsqlDialect extends SqliteDialectBase {
  readonly #sqlite: LocalSqlite;
  readonly #ownsConnection: boolean;
  constructor(sqlite: LocalSqlite, ownsConnection = false) {
    super();
    this.#sqlite = sqlite;
    this.#ownsConnection = ownsConnection;
  }
  createDriver(): Driver {
    return new LocalLibsqlDriver(this.#sqlite, this.#ownsConnection);
  }
}

class LocalLibsqlConnection implements DatabaseConnection {
  readonly #sqlite: LocalSqlite;
  constructor(sqlite: LocalSqlite) {
    this.#sqlite = sqlite;
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#sqlite.statement(query.sql);
    if (stmt.reader) return { rows: stmt.all(query.parameters as unknown[]).map((r) => cleanRow<R>(r)) };
    const { changes, lastInsertRowid } = stmt.run(query.parameters as unknown[]);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const result = await this.executeQuery<R>(query);
    for (const row of result.rows) yield { rows: [row] };
  }
}

class LocalLibsqlDriver implements Driver {
  readonly #sqlite: LocalSqlite;
  readonly #owns: boolean;
  readonly #connection: LocalLibsqlConnection;
  constructor(sqlite: LocalSqlite, owns: boolean) {
    this.#sqlite = sqlite;
    this.#owns = owns;
    this.#connection = new LocalLibsqlConnection(sqlite);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#sqlite.lock.acquire();
    return this.#connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // IMMEDIATE takes the write lock up front: two processes never deadlock upgrading read locks.
    await connection.executeQuery(kysely().CompiledQuery.raw('BEGIN IMMEDIATE'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(kysely().CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(): Promise<void> {
    // SQLite may have rolled back already (disk full, busy): that must not hide the first error.
    rollbackQuietly(this.#sqlite);
  }
  async releaseConnection(): Promise<void> {
    this.#sqlite.lock.release();
  }
  async destroy(): Promise<void> {
    if (this.#owns) this.#sqlite.close();
  }
}

/** The part of `@libsql/client`'s Client used here (described structurally). */
export interface LibsqlClientLike {
  /** Runs one statement (`args` is `any[]` so the client's own `InValue[]` type fits). */
  execute(stmt: { sql: string; args: any[] }): Promise<LibsqlResultLike>;
  /** Opens an interactive transaction (`'write'` starts it with `BEGIN IMMEDIATE`). */
  transaction(mode: 'write' | 'read' | 'deferred'): Promise<LibsqlTransactionLike>;
  /** Closes the client. */
  close(): void;
}
interface LibsqlResultLike {
  columns: string[];
  rows: ArrayLike<unknown>[];
  rowsAffected: number;
  lastInsertRowid: bigint | undefined;
}
interface LibsqlTransactionLike {
  execute(stmt: { sql: string; args: any[] }): Promise<LibsqlResultLike>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): void;
}

/** kysely dialect over an `@libsql/client` Client (remote libsql / sqld). */
export class LibsqlClientDialect extends SqliteDialectBase {
  readonly #client: LibsqlClientLike;
  constructor(client: LibsqlClientLike) {
    super();
    this.#client = client;
  }
  createDriver(): Driver {
    return new LibsqlClientDriver(this.#client);
  }
}

function toResult<R>(result: LibsqlResultLike): QueryResult<R> {
  const rows = result.rows.map((row) => {
    const obj: Record<string, unknown> = {};
    result.columns.forEach((column, i) => {
      const value = row[i];
      obj[column] = typeof value === 'bigint' ? Number(value) : value;
    });
    return obj as R;
  });
  return {
    rows,
    numAffectedRows: BigInt(result.rowsAffected),
    ...(result.lastInsertRowid === undefined ? {} : { insertId: result.lastInsertRowid }),
  };
}

class LibsqlClientConnection implements DatabaseConnection {
  readonly #client: LibsqlClientLike;
  #tx: LibsqlTransactionLike | undefined;
  constructor(client: LibsqlClientLike) {
    this.#client = client;
  }
  async begin(): Promise<void> {
    this.#tx = await this.#client.transaction('write');
  }
  async end(commit: boolean): Promise<void> {
    const tx = this.#tx;
    this.#tx = undefined;
    if (!tx) return;
    try {
      if (commit) await tx.commit();
      else await tx.rollback();
    } finally {
      tx.close();
    }
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = { sql: query.sql, args: query.parameters as unknown[] };
    return toResult<R>(await (this.#tx ?? this.#client).execute(stmt));
  }
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const result = await this.executeQuery<R>(query);
    for (const row of result.rows) yield { rows: [row] };
  }
}

class LibsqlClientDriver implements Driver {
  readonly #client: LibsqlClientLike;
  constructor(client: LibsqlClientLike) {
    this.#client = client;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new LibsqlClientConnection(this.#client);
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as LibsqlClientConnection).begin();
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as LibsqlClientConnection).end(true);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as LibsqlClientConnection).end(false);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.#client.close();
  }
}
