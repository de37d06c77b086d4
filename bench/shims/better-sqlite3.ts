// A better-sqlite3-compatible Database over Node's built-in node:sqlite (DatabaseSync), enough for
// @langchain/langgraph-checkpoint-sqlite's SqliteSaver: prepare/run/get/all, exec, pragma and
// transaction(). better-sqlite3 itself cannot be compiled on these machines (no Node headers
// offline), so the bench hands SqliteSaver an instance of this instead.
import { DatabaseSync, type StatementSync } from 'node:sqlite';

type Params = unknown[];
/** better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it. */
const bind = (params: Params) => params.map((p) => (p === undefined ? null : p)) as never[];

class Statement {
  readonly #stmt: StatementSync;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
  }
  run(...params: Params) {
    const r = this.#stmt.run(...bind(params));
    return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
  }
  get(...params: Params) {
    return this.#stmt.get(...bind(params));
  }
  all(...params: Params) {
    return this.#stmt.all(...bind(params));
  }
}

/** The subset of better-sqlite3's Database that SqliteSaver uses. */
export class ShimDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, Statement>();
  #depth = 0;
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
  }
  prepare(sql: string): Statement {
    let s = this.#cache.get(sql);
    if (!s) {
      s = new Statement(this.#db.prepare(sql));
      this.#cache.set(sql, s);
    }
    return s;
  }
  exec(sql: string): this {
    this.#db.exec(sql);
    return this;
  }
  pragma(source: string): unknown {
    return this.#db.prepare(`PRAGMA ${source}`).all();
  }
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      // Nested calls join the outer transaction, like better-sqlite3's savepoint-free default.
      if (this.#depth > 0) return fn(...args);
      this.#db.exec('BEGIN');
      this.#depth++;
      try {
        const result = fn(...args);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      } finally {
        this.#depth--;
      }
    };
  }
  close(): void {
    this.#db.close();
  }
}
