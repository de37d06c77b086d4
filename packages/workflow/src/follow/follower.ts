/**
 * Following one run's stored events from any process, in commit order (`seq`): read what is
 * there, then wait for more — woken by the store's feed ({@link Store.watchEvents}: Postgres
 * LISTEN/NOTIFY, the in-process signal of a libsql file) and, where the feed cannot see other
 * processes (libsql), polling with backoff (5 ms doubling to `maxPollMs`, back to 5 ms after each
 * new event). A follower over a feed that sees every process polls only once a second, as a net.
 */
import type { EventRecord, RunStatus, Store } from '../store/store.js';

/** Options of {@link followRun}. */
export interface FollowOptions {
  /** Only events after this `seq` (default: from the first). */
  afterSeq?: number;
  /** Stops following (the iteration ends quietly). */
  signal?: AbortSignal;
  /**
   * End at `run:suspended` too (default true). With false, a suspended run is followed through its
   * resume until it succeeds, fails or is canceled.
   */
  endOnSuspend?: boolean;
  /** Longest pause between two reads when other processes' commits are not signalled (default 50 ms). */
  maxPollMs?: number;
}

const FINAL = new Set(['run:success', 'run:failed', 'run:canceled']);
const FINISHED: ReadonlySet<RunStatus> = new Set(['success', 'failed', 'canceled']);
const MIN_POLL_MS = 5;
const NET_POLL_MS = 1000;
/** How often a run with no new events is checked for having ended without an end event. */
const STATUS_CHECK_MS = 1000;

/** @internal Reads a run's events in batches; `poke()` makes a pending `next()` return early. */
export class Follower {
  readonly #store: Store;
  readonly #runId: string;
  readonly #endOnSuspend: boolean;
  readonly #maxPollMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #global: boolean;
  #seq: number;
  #dirty = true;
  #poked = false;
  #ended = false;
  #delay = MIN_POLL_MS;
  #checkedAt = 0;
  #wake: (() => void) | undefined;
  #off: (() => void) | undefined;
  readonly #onAbort = () => this.#wake?.();

  constructor(store: Store, runId: string, options: FollowOptions = {}) {
    this.#store = store;
    this.#runId = runId;
    this.#seq = options.afterSeq ?? 0;
    this.#endOnSuspend = options.endOnSuspend ?? true;
    this.#maxPollMs = Math.max(MIN_POLL_MS, options.maxPollMs ?? 50);
    this.#signal = options.signal;
    this.#signal?.addEventListener('abort', this.#onAbort);
    this.#off = store.watchEvents?.((id) => {
      if (id !== runId && id !== '*') return;
      this.#dirty = true;
      this.#wake?.();
    });
    this.#global = this.#off !== undefined && store.eventsScope === 'database';
  }

  /** The `seq` of the last event returned. */
  get seq(): number {
    return this.#seq;
  }

  /** Makes a waiting {@link Follower.next} return (with nothing new unless a commit was signalled). */
  poke(): void {
    this.#poked = true;
    this.#wake?.();
  }

  /** The next events (possibly none, after a poke), or undefined once the run ended or the signal aborted. */
  async next(): Promise<EventRecord[] | undefined> {
    for (;;) {
      if (this.#ended || this.#signal?.aborted) return this.#end();
      if (this.#dirty || !this.#global) {
        this.#dirty = false;
        const events = await this.#read();
        if (events.length > 0) return events;
        if (this.#ended) return this.#end();
      }
      if (this.#poked) {
        this.#poked = false;
        return [];
      }
      // The net of a database-wide feed: read again after a quiet second.
      if (await this.#pause(this.#global ? NET_POLL_MS : this.#delay)) this.#dirty = true;
      this.#delay = Math.min(this.#delay * 2, this.#maxPollMs);
    }
  }

  /** Stops listening; later `next()` calls return undefined. */
  close(): void {
    this.#ended = true;
    this.#end();
  }

  async #read(): Promise<EventRecord[]> {
    const events = await this.#store.readEvents(this.#runId, this.#seq);
    if (events.length === 0) {
      // A run that ended without an end event (written by an older version, or deleted): stop.
      const now = Date.now();
      if (now - this.#checkedAt >= STATUS_CHECK_MS) {
        this.#checkedAt = now;
        const run = await this.#store.getRun(this.#runId);
        if (run && (FINISHED.has(run.status) || (this.#endOnSuspend && run.status === 'suspended'))) {
          const late = await this.#store.readEvents(this.#runId, this.#seq);
          if (late.length === 0) this.#ended = true;
          else return this.#take(late);
        }
      }
      return events;
    }
    return this.#take(events);
  }

  #take(events: EventRecord[]): EventRecord[] {
    this.#delay = MIN_POLL_MS;
    const end = events.findIndex((e) => FINAL.has(e.type) || (this.#endOnSuspend && e.type === 'run:suspended'));
    if (end >= 0) {
      this.#ended = true;
      events = events.slice(0, end + 1);
    }
    this.#seq = (events[events.length - 1] as EventRecord).seq;
    return events;
  }

  #end(): undefined {
    this.#off?.();
    this.#off = undefined;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    return undefined;
  }

  /** Resolves true when the time ran out, false when woken. */
  #pause(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (timedOut: boolean) => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(timedOut);
      };
      const timer = setTimeout(() => done(true), ms);
      this.#wake = () => done(false);
      if (this.#dirty || this.#poked || this.#signal?.aborted) done(false);
    });
  }
}

/**
 * Yields a run's stored events in commit order, every one with its `seq`, then follows the events
 * any process commits — ending after `run:success`, `run:failed`, `run:canceled` or (by default)
 * `run:suspended`, or when `signal` aborts. A run that does not exist yet is waited for. This is
 * what `engine.stream()`, run handles, the SSE handler and Studio's live view follow.
 *
 * @example
 * ```ts
 * for await (const e of followRun(store, runId)) console.log(e.seq, e.type, e.path ?? '');
 * ```
 */
export async function* followRun(
  store: Store,
  runId: string,
  options: FollowOptions = {},
): AsyncGenerator<EventRecord, void, undefined> {
  const follower = new Follower(store, runId, options);
  try {
    for (;;) {
      const batch = await follower.next();
      if (batch === undefined) return;
      yield* batch;
    }
  } finally {
    follower.close();
  }
}
