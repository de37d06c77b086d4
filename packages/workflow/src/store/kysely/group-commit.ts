/**
 * Group commit for a local libsql file. Write batches submitted in the same tick (many runs
 * committing steps at once) share one `BEGIN IMMEDIATE … COMMIT`, each inside its own SAVEPOINT so
 * a failing batch rolls back alone. A lone batch — a sequential run — commits without savepoints.
 *
 * Durability is unchanged: every promise resolves only after the transaction holding its batch
 * committed. What is saved is the per-transaction cost (WAL frame writes, locking), which is most of
 * what a small SQLite write costs.
 */
import type { LocalSqlite } from './local-sqlite.js';

/** One statement of a batch. */
export interface GroupStatement {
  sql: string;
  params: readonly unknown[];
  /** When the statement changes no row: roll the batch back and reject with this error. */
  onNoChange?: () => unknown;
}

/** Runs one statement of a batch, enforcing its `onNoChange` guard. */
function runGuarded(sqlite: LocalSqlite, s: GroupStatement): number {
  const n = sqlite.run(s.sql, s.params);
  if (n === 0 && s.onNoChange) throw s.onNoChange();
  return n;
}

interface Pending {
  statements: readonly GroupStatement[];
  resolve: (changes: number[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  readonly #sqlite: LocalSqlite;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(sqlite: LocalSqlite) {
    this.#sqlite = sqlite;
  }

  /** Commits `statements` atomically (with others of the same tick); resolves to each one's changes. */
  submit(statements: readonly GroupStatement[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ statements, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  #flush(): void {
    if (this.#sqlite.lock.tryAcquire()) this.#drain();
    else void this.#sqlite.lock.acquire().then(() => this.#drain());
  }

  /** Runs with the connection lock held. */
  #drain(): void {
    const group = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    try {
      if (group.length === 1) commitOne(this.#sqlite, group[0] as Pending);
      else commitMany(this.#sqlite, group);
    } finally {
      this.#sqlite.lock.release();
    }
  }
}

function commitOne(sqlite: LocalSqlite, p: Pending): void {
  let changes: number[];
  try {
    changes = runInTransaction(sqlite, p.statements);
  } catch (error) {
    p.reject(error);
    return;
  }
  p.resolve(changes);
}

/** Runs statements in one transaction (outside any other). */
export function runInTransaction(sqlite: LocalSqlite, statements: readonly GroupStatement[]): number[] {
  if (statements.length === 0) return [];
  // One statement is atomic on its own: autocommit saves the BEGIN and COMMIT round.
  if (statements.length === 1) {
    // A guarded statement that changed nothing wrote nothing: throwing is the rollback.
    return [runGuarded(sqlite, statements[0] as GroupStatement)];
  }
  const changes: number[] = [];
  sqlite.run('BEGIN IMMEDIATE', []);
  try {
    for (const s of statements) changes.push(runGuarded(sqlite, s));
    sqlite.run('COMMIT', []);
  } catch (error) {
    rollbackQuietly(sqlite);
    throw error;
  }
  return changes;
}

/**
 * Rolls the open transaction back. SQLite has already rolled it back itself after some errors
 * (SQLITE_FULL, SQLITE_BUSY, an I/O error): then ROLLBACK fails with "no transaction is active",
 * which must not replace the error that caused it.
 */
export function rollbackQuietly(sqlite: LocalSqlite): void {
  try {
    sqlite.db.exec('ROLLBACK');
  } catch {
    // No transaction left to roll back.
  }
}

function commitMany(sqlite: LocalSqlite, group: Pending[]): void {
  const outcomes: ({ ok: true; changes: number[] } | { ok: false; error: unknown })[] = [];
  try {
    sqlite.run('BEGIN IMMEDIATE', []);
  } catch (error) {
    for (const p of group) p.reject(error);
    return;
  }
  try {
    for (const p of group) {
      sqlite.run('SAVEPOINT weft_group', []);
      try {
        const changes: number[] = [];
        for (const s of p.statements) changes.push(runGuarded(sqlite, s));
        sqlite.run('RELEASE weft_group', []);
        outcomes.push({ ok: true, changes });
      } catch (error) {
        try {
          sqlite.run('ROLLBACK TO weft_group', []);
          sqlite.run('RELEASE weft_group', []);
        } catch {
          // SQLite rolled the whole transaction back (disk full, busy): every batch of the group fails with this error.
          throw error;
        }
        outcomes.push({ ok: false, error });
      }
    }
    sqlite.run('COMMIT', []);
  } catch (error) {
    rollbackQuietly(sqlite);
    for (const p of group) p.reject(error);
    return;
  }
  group.forEach((p, i) => {
    const o = outcomes[i];
    if (o?.ok) p.resolve(o.changes);
    else p.reject(o?.error);
  });
}
