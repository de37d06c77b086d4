/**
 * A local SQLite file (or `:memory:`) opened through the synchronous `libsql` package
 * (better-sqlite3-compatible API). Synchronous prepared statements are what make the hot path
 * cheap: ≈15 µs per autocommit write, no promise hop into a thread pool.
 *
 * One connection is shared by the store and by the kysely instance handed to other packages;
 * {@link AsyncLock} serializes them, so an async kysely transaction never interleaves with a
 * store write on the same connection.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The part of a libsql / better-sqlite3 statement used here. */
export interface SyncStatement {
  readonly reader: boolean;
  run(params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  all(params: unknown[]): unknown[];
  get(params: unknown[]): unknown;
  /** Raw mode: rows come back as arrays of column values. */
  raw(on?: boolean): SyncStatement;
}

/** The part of a libsql / better-sqlite3 database used here. */
export interface SyncDatabase {
  prepare(sql: string): SyncStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

/** A FIFO mutex whose uncontended acquire costs one resolved promise. */
export class AsyncLock {
  #held = false;
  #waiters: Array<() => void> = [];

  /** Takes the lock if it is free (synchronous fast path); false when someone holds it. */
  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** Connection settings applied on open; see docs/durability.md for the trade-offs. */
export interface LocalSqliteOptions {
  /** Milliseconds a writer waits for another process's write lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * `NORMAL` (default) in WAL mode: a process crash never loses a committed transaction; a power
   * loss or OS crash can lose the last few. `FULL` fsyncs every commit (slower, survives power loss).
   */
  synchronous?: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  /** WAL pages between automatic checkpoints (default 10 000). */
  walAutocheckpointPages?: number;
  /** Page size of a new database file in bytes (default 4096, SQLite's own; an existing file keeps its own). */
  pageSize?: number;
  /** Page cache of the connection in KiB (default 65536 = 64 MiB; SQLite's own default is 2 MiB). */
  cacheSizeKiB?: number;
  /** Bytes of the file read through mmap instead of read() calls (default 256 MiB; 0 turns it off). */
  mmapSizeBytes?: number;
}

/** Rows from libsql carry a non-column `_metadata` field; strip it before handing rows out. */
export function cleanRow<R>(row: unknown): R {
  if (row !== null && typeof row === 'object' && '_metadata' in row) {
    delete (row as { _metadata?: unknown })._metadata;
  }
  return row as R;
}

/** An open local SQLite database with a statement cache and a connection lock. */
export class LocalSqlite {
  readonly db: SyncDatabase;
  readonly lock = new AsyncLock();
  readonly path: string;
  #statements = new Map<string, SyncStatement>();
  #rawStatements = new Map<string, SyncStatement>();

  constructor(path: string, options: LocalSqliteOptions = {}) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const require = createRequire(import.meta.url);
    const Database = require('libsql') as new (path: string, options?: { timeout?: number }) => SyncDatabase;
    const busy = options.busyTimeoutMs ?? 5000;
    this.db = new Database(path, { timeout: busy });
    this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busy))}`);
    // Applies only when the file is new (or after VACUUM). 4 KiB: the OS page, so a page read or
    // written is one aligned block; a b-tree of months of history is two levels shallower than with
    // 1 KiB pages (docs/scaling.md, "History at scale").
    this.db.exec(`PRAGMA page_size = ${Math.floor(options.pageSize ?? 4096)}`);
    // The hot path (a new run's rows, at the right edge of every b-tree with time-ordered ids) and the
    // interior pages of each b-tree stay in this cache; mmap serves the rest without a read() call.
    this.db.exec(`PRAGMA cache_size = -${Math.max(0, Math.floor(options.cacheSizeKiB ?? 65_536))}`);
    if (path !== ':memory:') {
      this.db.exec(`PRAGMA mmap_size = ${Math.max(0, Math.floor(options.mmapSizeBytes ?? 268_435_456))}`);
    }
    if (path !== ':memory:') {
      this.db.exec('PRAGMA journal_mode = WAL');
      // With synchronous=NORMAL the only fsyncs are at checkpoints: checkpoint every 10,000 WAL pages
      // instead of 1,000 (fewer fsyncs per run), and truncate the WAL back to 64 MB.
      this.db.exec(`PRAGMA wal_autocheckpoint = ${options.walAutocheckpointPages ?? 10_000}`);
      this.db.exec('PRAGMA journal_size_limit = 67108864');
    }
    this.db.exec(`PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.exec('PRAGMA foreign_keys = ON');
  }

  statement(sql: string): SyncStatement {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all<R>(sql: string, params: readonly unknown[]): R[] {
    return this.statement(sql).all(params as unknown[]) as R[];
  }

  run(sql: string, params: readonly unknown[]): number {
    return this.statement(sql).run(params as unknown[]).changes;
  }

  /**
   * The first row of `sql` as an array of its column values (in SELECT order), undefined when there
   * is none. One native call and no row object: `all` goes through libsql's row iterator, and a row
   * object of many columns (with libsql's `_metadata`) costs more to build and clean than the read.
   */
  firstRaw(sql: string, params: readonly unknown[]): unknown[] | undefined {
    let stmt = this.#rawStatements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw(true);
      this.#rawStatements.set(sql, stmt);
    }
    return stmt.get(params as unknown[]) as unknown[] | undefined;
  }

  close(): void {
    this.#statements.clear();
    this.#rawStatements.clear();
    this.db.close();
  }
}
