/**
 * Group commit for a local libsql file. Write batches submitted in the same tick (many runs
 * committing steps at once) share one `BEGIN IMMEDIATE … COMMIT`. A lone batch — a sequential run —
 * commits on its own.
 *
 * Inside the group, consecutive batches of the same statements (100 runs committing a step each) run
 * as merged statements (statement-merge.ts): one multi-row INSERT per statement of the batch instead
 * of one per batch, every batch's guard still in its own SELECT. When a merged statement fails or
 * changes fewer rows than its batches declared (a guard stopped one), that part of the group is
 * rolled back to its savepoint and retried in halves, down to batches run one by one, each in its
 * own SAVEPOINT, so a failing batch rolls back alone. A batch of one statement needs no savepoint: a statement is
 * atomic, and a guarded one that changed nothing wrote nothing.
 *
 * Durability is unchanged: every promise resolves only after the transaction holding its batch
 * committed (docs/durability.md, "What is durable when"). What is saved is the per-transaction cost
 * (WAL frame writes, locking) and the per-statement native cost, most of what a small write costs.
 */
import type { LocalSqlite } from './local-sqlite.js';
import { chunkSizes, type InsertParts, mergedText, parseInsert } from './statement-merge.js';

/** One statement of a batch. */
export interface GroupStatement {
  sql: string;
  params: readonly unknown[];
  /** When the statement changes no row: roll the batch back and reject with this error. */
  onNoChange?: () => unknown;
  /**
   * The exact change count SQLite reports for this statement when it applies (an INSERT into a
   * view with an INSTEAD OF trigger reports 0). With {@link key}, lets group commit merge the
   * statement with the same statement of other batches: a merged statement that reports fewer
   * changes than its batches' sum (a guard in a WHERE stopped one) falls back.
   */
  rows?: number;
  /**
   * What the statement reads and writes belongs to (a run id): statements of different keys never
   * see each other's rows. Batches whose statements all have keys, none shared, may run position
   * by position (all first statements, then all second ones…), which merging needs.
   */
  key?: string;
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

/** Queues write batches and commits those of one tick together (see the file comment). */
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

type Outcome = { ok: true; changes: number[] } | { ok: false; error: unknown };

/** Counts of what group commit did (tests and benchmarks read it; never reset). */
export const groupCommitStats = {
  /** Transactions holding more than one batch. */
  groups: 0,
  /** Batches committed in such transactions. */
  groupedBatches: 0,
  /** Largest number of batches in one transaction. */
  largestGroup: 0,
  /** Batches written through merged statements. */
  mergedBatches: 0,
  /** Merged runs that fell back to batch-by-batch (a guard stopped a batch, or an error). */
  fallbacks: 0,
};

function commitMany(sqlite: LocalSqlite, group: Pending[]): void {
  const outcomes: Outcome[] = new Array(group.length);
  try {
    sqlite.run('BEGIN IMMEDIATE', []);
  } catch (error) {
    for (const p of group) p.reject(error);
    return;
  }
  try {
    let i = 0;
    while (i < group.length) {
      const end = sameStatementsEnd(group, i);
      commitRange(sqlite, group, i, end, outcomes);
      i = end;
    }
    sqlite.run('COMMIT', []);
  } catch (error) {
    rollbackQuietly(sqlite);
    for (const p of group) p.reject(error);
    return;
  }
  groupCommitStats.groups++;
  groupCommitStats.groupedBatches += group.length;
  if (group.length > groupCommitStats.largestGroup) groupCommitStats.largestGroup = group.length;
  group.forEach((p, i) => {
    const o = outcomes[i] as Outcome;
    if (o.ok) p.resolve(o.changes);
    else p.reject(o.error);
  });
}

/**
 * Commits batches `start…end` of the same statements: merged, else (a guard stopped one, or an
 * error) each half on its own, down to one by one, so one bad batch costs a few retries only.
 */
function commitRange(sqlite: LocalSqlite, group: Pending[], start: number, end: number, outcomes: Outcome[]): void {
  if (end - start >= 2 && commitMerged(sqlite, group, start, end, outcomes)) return;
  if (end - start >= 4) {
    const mid = start + ((end - start) >> 1);
    commitRange(sqlite, group, start, mid, outcomes);
    commitRange(sqlite, group, mid, end, outcomes);
    return;
  }
  for (let k = start; k < end; k++) outcomes[k] = commitAlone(sqlite, group[k] as Pending);
}

/** Runs one batch of a group; throws only when SQLite rolled the whole transaction back. */
function commitAlone(sqlite: LocalSqlite, p: Pending): Outcome {
  if (p.statements.length === 1) {
    try {
      return { ok: true, changes: [runGuarded(sqlite, p.statements[0] as GroupStatement)] };
    } catch (error) {
      // A failed statement rolled itself back; a failure that ended the transaction fails the group.
      if (!inTransaction(sqlite)) throw error;
      return { ok: false, error };
    }
  }
  sqlite.run('SAVEPOINT weft_group', []);
  try {
    const changes: number[] = [];
    for (const s of p.statements) changes.push(runGuarded(sqlite, s));
    sqlite.run('RELEASE weft_group', []);
    return { ok: true, changes };
  } catch (error) {
    try {
      sqlite.run('ROLLBACK TO weft_group', []);
      sqlite.run('RELEASE weft_group', []);
    } catch {
      // SQLite rolled the whole transaction back (disk full, busy): every batch of the group fails with this error.
      throw error;
    }
    return { ok: false, error };
  }
}

/** Whether the group's transaction is still open (SQLite ends it itself after some errors). */
function inTransaction(sqlite: LocalSqlite): boolean {
  return (sqlite.db as { inTransaction?: boolean }).inTransaction !== false;
}

/**
 * End (exclusive) of the run of batches from `start` that can run position by position: the same
 * statement texts, every statement keyed, no key twice (statements of different keys never see
 * each other's rows, so the order between batches does not matter), no `changes()` (it would see
 * another batch's statement).
 */
function sameStatementsEnd(group: Pending[], start: number): number {
  const first = (group[start] as Pending).statements;
  if (!keyedPlan(first)) return start + 1;
  const keys = new Set<string>();
  for (const s of first) keys.add(s.key as string);
  let end = start + 1;
  outer: while (end < group.length) {
    const next = (group[end] as Pending).statements;
    if (next.length !== first.length) break;
    for (let j = 0; j < first.length; j++) {
      const s = next[j] as GroupStatement;
      const f = first[j] as GroupStatement;
      if (s.sql !== f.sql || s.key === undefined || (s.rows === undefined) !== (f.rows === undefined)) break outer;
    }
    // Keys of this batch, checked against the earlier batches' keys only.
    const own = new Set<string>();
    for (const s of next) own.add(s.key as string);
    for (const key of own) if (keys.has(key)) break outer;
    for (const key of own) keys.add(key);
    end++;
  }
  return end;
}

/** Per statement text: its merge form (a mergeable INSERT), false (run as it is), or null (never reordered). */
const planCache = new Map<string, InsertParts | false | null>();

function planOf(sql: string): InsertParts | false | null {
  let plan = planCache.get(sql);
  if (plan === undefined) {
    plan = /\bchanges\s*\(|\blast_insert_rowid\s*\(/i.test(sql) ? null : (parseInsert(sql) ?? false);
    if (planCache.size < 1024) planCache.set(sql, plan);
  }
  return plan;
}

/** Every statement is keyed and may be reordered, and at least one can be merged. */
function keyedPlan(statements: readonly GroupStatement[]): boolean {
  let merges = false;
  for (const s of statements) {
    if (s.key === undefined) return false;
    const plan = planOf(s.sql);
    if (plan === null) return false;
    if (plan && s.rows !== undefined) merges = true;
  }
  return merges;
}

/**
 * Runs batches `start…end` (same statement texts, distinct keys) position by position: a mergeable
 * statement as merged statements, any other one batch by batch (its guard enforced). False
 * (everything of theirs rolled back) when a statement failed or a guard stopped a batch: the caller
 * then runs them on their own. Throws when SQLite rolled the transaction back.
 */
function commitMerged(sqlite: LocalSqlite, group: Pending[], start: number, end: number, outcomes: Outcome[]): boolean {
  const first = (group[start] as Pending).statements;
  const changes: number[][] = Array.from({ length: end - start }, () => new Array<number>(first.length));
  sqlite.run('SAVEPOINT weft_merge', []);
  try {
    for (let j = 0; j < first.length; j++) {
      const head = first[j] as GroupStatement;
      const parts = planOf(head.sql);
      if (!parts || head.rows === undefined) {
        for (let k = start; k < end; k++) {
          (changes[k - start] as number[])[j] = runGuarded(
            sqlite,
            (group[k] as Pending).statements[j] as GroupStatement,
          );
        }
        continue;
      }
      let b = start;
      for (const size of chunkSizes(end - start)) {
        const params: unknown[] = [];
        let expected = 0;
        for (let k = b; k < b + size; k++) {
          const s = (group[k] as Pending).statements[j] as GroupStatement;
          for (const v of s.params) params.push(v);
          expected += s.rows as number;
          (changes[k - start] as number[])[j] = s.rows as number;
        }
        const text = size === 1 ? head.sql : mergedText(head.sql, parts, size);
        if (sqlite.run(text, params) !== expected) throw MISMATCH;
        b += size;
      }
    }
    sqlite.run('RELEASE weft_merge', []);
  } catch (error) {
    try {
      sqlite.run('ROLLBACK TO weft_merge', []);
      sqlite.run('RELEASE weft_merge', []);
    } catch {
      throw error;
    }
    groupCommitStats.fallbacks++;
    return false;
  }
  for (let k = start; k < end; k++) outcomes[k] = { ok: true, changes: changes[k - start] as number[] };
  groupCommitStats.mergedBatches += end - start;
  return true;
}

/** A merged statement changed fewer rows than declared: some batch's guard stopped it. */
const MISMATCH = new Error('merged statement changed fewer rows than its batches declared');
