/**
 * `createStore()`: picks the dialect from a URL (or takes a ready Postgres pool) and returns a
 * {@link KyselyStore}. Drivers load lazily, so a libsql user never loads `pg` and vice versa.
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely, PostgresPool } from 'kysely';
import { StoreConfigError } from './errors.js';
import { kysely } from './kysely-module.js';
import { type KyselyStore, KyselyStoreImpl } from './kysely-store.js';
import { type LibsqlClientLike, LibsqlClientDialect, LocalLibsqlDialect } from './libsql-dialect.js';
import { LocalSqlite } from './local-sqlite.js';
import { startBackgroundCheckpoint } from './wal-checkpointer.js';
import { pgBackend } from './pg-backend.js';
import { localFeed } from './event-feed.js';
import { pgFeed } from './pg-listen.js';
import {
  backoffMs,
  classifyPgError,
  connectionLost,
  DEFAULT_PG_RETRY_MS,
  describePg,
  guardPool,
  sleep,
} from './pg-resilience.js';
import { kyselyBackend, localBackend } from './sql-exec.js';
import { sqliteUnavailable, withSqliteErrors } from './sqlite-errors.js';

/** The default database: a libsql file under the working directory, created on first use. */
export const DEFAULT_STORE_URL = 'file:.weft/weft.db';

interface CommonStoreOptions {
  /** Apply migrations automatically on first use (default true). With false, call nothing: the tables must exist. */
  migrate?: boolean;
  /** Largest JSON value (step input/output, run input/output, event data) in bytes. Default 16 MiB. */
  maxValueBytes?: number;
  /** How long a timer taken by `takeDueTimers` stays hidden before it can be taken again. Default 30 s. */
  timerLeaseMs?: number;
  /**
   * Postgres: how long (ms) one store call is retried, with backoff, across a dropped connection,
   * a server restart or a serialization failure before it fails with a `StoreConnectionError`
   * (default 20,000; 0 = no retries). Only what is safe is retried: see docs/scaling.md.
   */
  retryMs?: number;
}

/** Options of {@link createStore} for a URL: libsql file, `:memory:`, remote libsql, or Postgres. */
export interface UrlStoreOptions extends CommonStoreOptions {
  /**
   * `file:.weft/weft.db` (default), `file:/abs/path.db`, a plain path, `:memory:`,
   * `libsql://…` / `http(s)://…` / `ws(s)://…` (remote libsql / sqld), or `postgres://…`.
   */
  url?: string;
  /** Auth token for remote libsql. */
  authToken?: string;
  /** libsql files: busy timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /** libsql files: `NORMAL` (default; a process crash loses nothing, a power loss may lose the last commits) or `FULL`. */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /**
   * libsql files: page size of a new file in bytes (default 4096). Applies only when the file is
   * created (an existing file keeps its page size until `VACUUM`); see docs/scaling.md.
   */
  pageSize?: number;
  /** libsql files: page cache per connection in KiB (default 65536 = 64 MiB; SQLite's own default is 2 MiB). */
  cacheSizeKiB?: number;
  /** libsql files: bytes of the file read through mmap (default 268435456 = 256 MiB; 0 turns mmap off). */
  mmapSizeBytes?: number;
  /**
   * libsql files: where WAL checkpoints (copying committed pages from the `-wal` file into the
   * database file, with its fsyncs) run.
   * - `'background'` (default): a worker thread with its own connection to the file runs a PASSIVE
   *   checkpoint once {@link walCheckpointPages} WAL pages wait to be copied, and a RESTART one once
   *   the WAL holds 8× that (so it stays bounded); commits never run a checkpoint. The worker does not
   *   keep the process alive and ends on `close()`; if it fails, the inline checkpoint comes back.
   * - `'inline'`: SQLite's automatic checkpoint, run by the commit that crosses
   *   {@link walCheckpointPages} pages (that commit waits for the copy and the fsyncs).
   *
   * Durability is the same either way (docs/durability.md). `:memory:` has no WAL: ignored.
   */
  walCheckpoint?: 'background' | 'inline';
  /**
   * libsql files: WAL pages that start a checkpoint (default 1000 with `walCheckpoint: 'background'`,
   * 10,000 with `'inline'`, which is also used if the background worker fails).
   */
  walCheckpointPages?: number;
  /** Postgres: schema for the tables (created if missing; set as the connections' search_path). */
  schema?: string;
  /**
   * Postgres: `synchronous_commit` for the store's connections (default: the server's, normally
   * `on`: every commit waits for a WAL fsync). `off` is the libsql `synchronous=NORMAL` trade-off:
   * a crash of the Weft process loses nothing, a crash of the database server can lose the last
   * few hundred milliseconds of commits (never consistency).
   */
  synchronousCommit?: 'on' | 'off' | 'local' | 'remote_write' | 'remote_apply';
  /** Postgres: pool size (default 10). */
  poolSize?: number;
}

/** Options of {@link createStore} with a ready `pg` Pool (or any kysely-compatible PostgresPool). */
export interface PoolStoreOptions extends CommonStoreOptions {
  dialect: 'postgres';
  /** A `pg.Pool` (or a function creating one); the store ends it on `close()`. */
  pool: PostgresPool | (() => Promise<PostgresPool>);
}

/**
 * Options of {@link createStore} with a ready `@libsql/client` Client (remote libsql / sqld, an
 * embedded replica, or any client you configured yourself).
 */
export interface ClientStoreOptions extends CommonStoreOptions {
  /** The client (`createClient({ url, authToken })`); the store closes it on `close()`. */
  client: LibsqlClientLike;
}

/** Options of {@link createStore}. */
export type CreateStoreOptions = UrlStoreOptions | PoolStoreOptions | ClientStoreOptions;

function localPath(url: string): string | undefined {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length).split('?')[0] as string;
    return isAbsolute(path) ? path : resolve(process.cwd(), path);
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return isAbsolute(url) ? url : resolve(process.cwd(), url);
  return undefined;
}

/**
 * Creates the durable store. Synchronous: connections open lazily and migrations run on first use
 * (or on `await store.init()`), safe when several processes start at once.
 *
 * @example
 * ```ts
 * const store = createStore();                                   // .weft/weft.db under cwd
 * const test = createStore({ url: ':memory:' });
 * const pg = createStore({ url: 'postgres://postgres@127.0.0.1:5432/app' });
 * await store.init();
 * ```
 */
export function createStore(options: CreateStoreOptions = {}): KyselyStore {
  const common = {
    migrate: options.migrate ?? true,
    maxValueBytes: options.maxValueBytes ?? 16 * 1024 * 1024,
    timerLeaseMs: options.timerLeaseMs ?? 30_000,
  };
  if (!(common.maxValueBytes > 0)) {
    throw new StoreConfigError(`Expected maxValueBytes > 0, got ${options.maxValueBytes}.`);
  }
  if ('client' in options) {
    if (!options.client || typeof options.client.execute !== 'function') {
      throw new StoreConfigError('Expected { client } to be an @libsql/client Client (createClient({ url })).');
    }
    return clientStore(options.client, common);
  }
  if ('dialect' in options) {
    if (options.dialect !== 'postgres' || !options.pool) {
      throw new StoreConfigError(
        `Expected { dialect: 'postgres', pool } or { url }, got dialect ${String(options.dialect)}.`,
      );
    }
    const given = options.pool;
    const pool = once(async () => {
      const p = typeof given === 'function' ? await given() : given;
      guardPool(p);
      return p;
    });
    return pgStore(pool, undefined, common, options.retryMs);
  }
  const url = options.url ?? DEFAULT_STORE_URL;
  if (/^postgres(ql)?:\/\//i.test(url)) return postgresStore(url, options, common);
  const path = localPath(url);
  if (path !== undefined) {
    let sqlite: LocalSqlite;
    try {
      sqlite = new LocalSqlite(path, {
        ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
        ...(options.synchronous === undefined ? {} : { synchronous: options.synchronous }),
        ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
        ...(options.cacheSizeKiB === undefined ? {} : { cacheSizeKiB: options.cacheSizeKiB }),
        ...(options.mmapSizeBytes === undefined ? {} : { mmapSizeBytes: options.mmapSizeBytes }),
      });
    } catch (error) {
      throw sqliteUnavailable(error, path) ?? error;
    }
    // The file is the store's: kysely (made on first use of store.db) only borrows the connection.
    const local = sqlite;
    let checkpoint: ReturnType<typeof backgroundCheckpoint>;
    try {
      checkpoint = path === ':memory:' ? undefined : backgroundCheckpoint(local, options);
    } catch (error) {
      local.close();
      throw error;
    }
    return new KyselyStoreImpl({
      ...common,
      db: () => new (kysely().Kysely)({ dialect: new LocalLibsqlDialect(local) }),
      onClose: async () => {
        // The worker first: its connection must not be the file's last one (that one checkpoints).
        await checkpoint?.close();
        local.close();
      },
      backend: withSqliteErrors(localBackend(sqlite), path),
      translate: (e) => sqliteUnavailable(e, path),
      // Every store on this file in this process shares the signal; other processes are polled.
      ...(path === ':memory:' ? {} : { events: localFeed(`file:${path}`) }),
    });
  }
  if (/^(libsql|https?|wss?):\/\//i.test(url)) {
    const require = createRequire(import.meta.url);
    const { createClient } = require('@libsql/client') as {
      createClient(config: { url: string; authToken?: string }): LibsqlClientLike;
    };
    return clientStore(createClient({ url, ...(options.authToken ? { authToken: options.authToken } : {}) }), common);
  }
  throw new StoreConfigError(
    `Expected a store URL like file:.weft/weft.db, :memory:, libsql://host, http(s)://host or postgres://…, got "${url}".`,
    { url },
  );
}

/** Default WAL pages between inline (automatic) checkpoints; see docs/durability.md. */
const INLINE_CHECKPOINT_PAGES = 10_000;
/** Default WAL pages waiting to be copied that start a background checkpoint. */
const BACKGROUND_CHECKPOINT_PAGES = 1000;

/** Starts the background checkpoint of a file store unless `walCheckpoint: 'inline'`. */
function backgroundCheckpoint(sqlite: LocalSqlite, options: UrlStoreOptions) {
  const mode = options.walCheckpoint ?? 'background';
  if (mode !== 'background' && mode !== 'inline') {
    throw new StoreConfigError(`Expected walCheckpoint 'background' or 'inline', got ${String(mode)}.`);
  }
  const given = options.walCheckpointPages;
  if (given !== undefined && !(Number.isInteger(given) && given > 0)) {
    throw new StoreConfigError(`Expected walCheckpointPages to be a positive integer, got ${given}.`);
  }
  if (mode === 'inline') {
    if (given !== undefined) sqlite.db.exec(`PRAGMA wal_autocheckpoint = ${given}`);
    return undefined;
  }
  const pages = given ?? BACKGROUND_CHECKPOINT_PAGES;
  return startBackgroundCheckpoint(sqlite, {
    pages,
    restartPages: pages * 8,
    synchronous: options.synchronous ?? 'NORMAL',
    busyTimeoutMs: 50,
    fallbackPages: given ?? INLINE_CHECKPOINT_PAGES,
  });
}

function clientStore(
  client: LibsqlClientLike,
  common: { migrate: boolean; maxValueBytes: number; timerLeaseMs: number },
): KyselyStore {
  const db: Kysely<any> = new (kysely().Kysely)({ dialect: new LibsqlClientDialect(client) });
  // Foreign keys make a commit for an unknown run fail instead of leaving orphan rows. Servers that
  // open a connection per request may not keep the pragma; the rows are then merely unchecked.
  const prepare = async () => {
    await client.execute({ sql: 'PRAGMA foreign_keys = ON', args: [] });
  };
  return new KyselyStoreImpl({
    ...common,
    db: () => db,
    backend: withSqliteErrors(kyselyBackend(db, 'sqlite'), undefined),
    prepare,
    translate: (e) => sqliteUnavailable(e, undefined),
  });
}

/** Memoizes an async factory: every caller gets the same instance. */
function once<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= create();
    return value;
  };
}

interface PgModule {
  Pool: new (config: Record<string, unknown>) => unknown;
  Client: new (config: {
    connectionString: string;
  }) => {
    connect(): Promise<unknown>;
    query(sql: string): Promise<unknown>;
    end(): Promise<void>;
  };
}

/**
 * `pg` is an optional peer: loaded on first use of a postgres:// URL, never bundled (a plain
 * `import('pg')` would be inlined by the bundler).
 */
function loadPg(): PgModule {
  const load = createRequire(import.meta.url);
  try {
    return load('pg') as PgModule;
  } catch (cause) {
    throw new StoreConfigError('A postgres:// store needs the `pg` package: npm install pg', {}, cause);
  }
}

function postgresStore(
  url: string,
  options: UrlStoreOptions,
  common: { migrate: boolean; maxValueBytes: number; timerLeaseMs: number },
): KyselyStore {
  const schema = options.schema;
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreConfigError(`Expected a plain Postgres schema name ([A-Za-z_][A-Za-z0-9_]*), got "${schema}".`, {
      schema,
    });
  }
  const settings: string[] = [];
  if (schema) settings.push(`-c search_path=${schema}`);
  if (options.synchronousCommit) settings.push(`-c synchronous_commit=${options.synchronousCommit}`);
  const pool = once(async (): Promise<PostgresPool> => {
    const pg = loadPg();
    const created = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    }) as unknown as PostgresPool;
    guardPool(created);
    return created;
  });
  const prepare = schema
    ? async () => {
        const pg = loadPg();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        } catch (error) {
          // Two processes creating it at once: the loser sees a unique violation; the schema exists.
          if ((error as { code?: string }).code !== '23505') throw error;
        } finally {
          await client.end();
        }
      }
    : undefined;
  return pgStore(pool, url, common, options.retryMs, prepare);
}

/**
 * The Postgres store over one pool, shared by the kysely instance (store.db) and the store's own
 * prepared statements. The store ends the pool itself on close() — once, and awaited — so kysely
 * gets a view of it whose `end()` does nothing.
 */
function pgStore(
  pool: () => Promise<PostgresPool>,
  url: string | undefined,
  common: { migrate: boolean; maxValueBytes: number; timerLeaseMs: number },
  retryMs: number | undefined,
  prepare?: () => Promise<void>,
): KyselyStore {
  if (retryMs !== undefined && !(retryMs >= 0)) {
    throw new StoreConfigError(`Expected retryMs >= 0 (milliseconds), got ${retryMs}.`, { retryMs });
  }
  const where = describePg(url);
  let created: PostgresPool | undefined;
  const shared = async (): Promise<PostgresPool> => {
    created = await pool();
    return created;
  };
  const view = async (): Promise<PostgresPool> => {
    const p = await shared();
    return {
      connect: () => p.connect(),
      end: async () => {},
      options: p.options,
      ...(p.Client ? { Client: p.Client } : {}),
    };
  };
  const budget = retryMs ?? DEFAULT_PG_RETRY_MS;
  const backend = pgBackend(shared, { retryMs: budget, where });
  // init(): the schema and the migrations are retried across a blip too (both are idempotent).
  const retried = async (fn: () => Promise<void>) => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error;
        const failure = classifyPgError(cause, true) ?? classifyPgError(error, true);
        if (failure === undefined) throw error;
        if (Date.now() - started >= budget) throw connectionLost(cause, 'not-applied', Date.now() - started, where);
        await sleep(backoffMs(attempt));
      }
    }
  };
  return new KyselyStoreImpl({
    ...common,
    db: () => new (kysely().Kysely)({ dialect: new (kysely().PostgresDialect)({ pool: view }) }),
    backend,
    prepare: () => retried(async () => prepare?.()),
    migrateWith: (run) => retried(run),
    events: pgFeed(shared),
    onClose: async () => {
      const p = created;
      created = undefined;
      if (p) await p.end();
    },
  });
}
