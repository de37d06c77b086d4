/**
 * libsql file: the seq of each run's last event as this store last wrote it, so a step commit can
 * give its events their seqs without reading `weft_events` inside the statement (which costs
 * SQLite a read of the table and a temporary copy of the rows, about a quarter of a commit's CPU).
 *
 * It is a hint, never trusted: the (run_id, seq) primary key refuses a seq another writer took in
 * the meantime (another process appending to the run, a resume elsewhere), and the commit is then
 * retried with the seq read from the table. An entry is known only from this store's own writes
 * (a run it created, or a seq it read), dropped after any failed write, when the run finishes and
 * when it is deleted; at most `max` runs are held (the entries first written go first; a suspended run's
 * entry saves a read when it is resumed in this process).
 */
export class LastSeq {
  readonly #last = new Map<string, number>();
  /** Per run, how many of its writes have begun and take their seqs only after an await. */
  readonly #pending = new Map<string, number>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  get(runId: string): number | undefined {
    return this.#last.get(runId);
  }

  set(runId: string, seq: number): void {
    // An entry keeps its place (first written, first dropped): updating a key in place costs the
    // map no delete and no growth, where moving it to the end on every step commit did.
    const known = this.#last.has(runId);
    this.#last.set(runId, seq);
    if (!known && this.#last.size > this.#max) {
      const oldest = this.#last.keys().next();
      if (!oldest.done) this.#last.delete(oldest.value);
    }
  }

  /**
   * Whether a write of `runId` that takes its seqs only after an await has begun and not ended: a
   * commit that reserves seqs synchronously must not go ahead of it (its events came first live).
   */
  held(runId: string): boolean {
    return this.#pending.has(runId);
  }

  /** A write of `runId` that takes its seqs after an await has begun: until {@link end}, it is {@link held}. */
  begin(runId: string): void {
    this.#pending.set(runId, (this.#pending.get(runId) ?? 0) + 1);
  }

  /** The write {@link begin} announced has ended (committed or failed). */
  end(runId: string): void {
    const n = (this.#pending.get(runId) ?? 1) - 1;
    if (n > 0) this.#pending.set(runId, n);
    else this.#pending.delete(runId);
  }

  forget(runId: string): void {
    this.#last.delete(runId);
  }

  clear(): void {
    this.#last.clear();
  }
}

/** Whether `error` is SQLite refusing an event seq that is already taken. */
export function isSeqTaken(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return (
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && typeof e.message === 'string' && e.message.includes('weft_events')
  );
}
