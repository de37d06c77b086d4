/** Counts statements in flight, so `close()` can wait for them before closing the connections. */
import type { SqlBackend } from './sql-exec.js';

export class InflightTracker {
  #count = 0;
  #waiters: Array<() => void> = [];

  /** Counts `p` until it settles (work queued before it reaches the backend, e.g. group commit). */
  track<T>(p: Promise<T>): Promise<T> {
    this.#count++;
    return p.then(
      (v) => {
        this.#done();
        return v;
      },
      (e: unknown) => {
        this.#done();
        throw e;
      },
    );
  }

  /** The same backend, counting every call until it settles. */
  wrap(backend: SqlBackend): SqlBackend {
    const track = <T>(p: Promise<T>): Promise<T> => this.track(p);
    return {
      dialect: backend.dialect,
      ...(backend.local ? { local: backend.local } : {}),
      all: (sql, params) => track(backend.all(sql, params)),
      ...(backend.firstRaw
        ? { firstRaw: (sql, params) => track((backend.firstRaw as NonNullable<SqlBackend['firstRaw']>)(sql, params)) }
        : {}),
      run: (sql, params) => track(backend.run(sql, params)),
      batch: (statements) => track(backend.batch(statements)),
      transaction: (fn) => track(backend.transaction(fn)),
    };
  }

  /** Resolves when nothing is in flight. */
  async idle(): Promise<void> {
    while (this.#count > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  #done(): void {
    if (--this.#count === 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
