/**
 * `engine.handle(runId)`: follow and await a run from any process sharing the store — the API
 * process that enqueued it, while workers execute it elsewhere.
 */
import { RunNotFoundError } from '../errors/errors.js';
import { WeftError } from '../errors/weft-error.js';
import { Follower } from '../follow/follower.js';
import type { RunStatus, Store } from '../store/store.js';
import { type Duration, toMs } from '../util/duration.js';
import { resultFromRecord } from './drive.js';
import type { RunResult, WeftEvent } from './types.js';

/** Options of {@link RunHandle.result}. */
export interface RunResultOptions {
  /** Give up after this long with a {@link RunWaitTimeoutError} (the run itself goes on). */
  timeout?: Duration;
  /** Stop waiting: rejects with the signal's reason (the run itself goes on). */
  signal?: AbortSignal;
}

/** Options of {@link RunHandle.stream}. */
export interface RunStreamOptions {
  /** Only events after this `seq` (e.g. the last one a client saw). */
  afterSeq?: number;
  /** Ends the stream early. */
  signal?: AbortSignal;
}

/** A run by id, from any process: its status, its result when it ends, its events as they commit. */
export interface RunHandle<O = unknown> {
  readonly runId: string;
  /** The run's stored status; rejects with `RunNotFoundError` for an unknown run. */
  status(): Promise<RunStatus>;
  /**
   * Resolves when the run succeeds, fails, is canceled or suspends (at once if it already has), with
   * the stored outcome. Rejects with `RunNotFoundError` for an unknown run, `RunWaitTimeoutError`
   * after `timeout`, the signal's reason when `signal` aborts.
   */
  result(options?: RunResultOptions): Promise<RunResult<O>>;
  /**
   * The run's stored events in commit order (each with its `seq`), then every event any process
   * commits, until the run finishes or suspends — plus, while it executes in this process, its
   * live-only events (`step:chunk`, `step:start`).
   */
  stream(options?: RunStreamOptions): AsyncIterable<WeftEvent>;
}

/** `handle.result({ timeout })` ran out before the run ended. The run is not affected. */
export class RunWaitTimeoutError extends WeftError {
  readonly runId: string;
  readonly timeoutMs: number;
  readonly status: RunStatus | undefined;
  constructor(runId: string, timeoutMs: number, status: RunStatus | undefined) {
    super(
      'WEFT_RUN_WAIT_TIMEOUT',
      `Run "${runId}" did not end within ${timeoutMs} ms of handle.result({ timeout }) (it is ${status ?? 'unknown'}). It goes on: wait again, raise the timeout, or cancel it.`,
    );
    this.runId = runId;
    this.timeoutMs = timeoutMs;
    this.status = status;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId, timeoutMs: this.timeoutMs, status: this.status };
  }
}

const ENDED: ReadonlySet<RunStatus> = new Set(['success', 'failed', 'canceled', 'suspended']);

/** What a handle needs of the engine. */
export interface HandleHost {
  store: Store;
  /** This process's execution of the run, if it executes here (settles first). */
  local(runId: string): Promise<RunResult> | undefined;
  stream(runId: string, options?: RunStreamOptions): AsyncIterable<WeftEvent>;
}

/** @internal Creates the handle. */
export function createRunHandle<O>(host: HandleHost, runId: string): RunHandle<O> {
  const { store } = host;
  const status = async (): Promise<RunStatus> => {
    const rec = await store.getRun(runId);
    if (!rec) throw new RunNotFoundError(runId);
    return rec.status;
  };
  const result = async (options: RunResultOptions = {}): Promise<RunResult<O>> => {
    let timeoutMs: number | undefined;
    if (options.timeout !== undefined) {
      try {
        timeoutMs = toMs(options.timeout);
      } catch (e) {
        throw new TypeError(
          `Expected handle.result({ timeout }) of run "${runId}" to be a duration: ${(e as Error).message}`,
        );
      }
    }
    options.signal?.throwIfAborted();
    const stop = new AbortController();
    const onAbort = () => stop.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastStatus: RunStatus | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
    });
    gaveUp.catch(() => {});
    if (timeoutMs !== undefined)
      timer = setTimeout(() => stop.abort(new RunWaitTimeoutError(runId, timeoutMs as number, lastStatus)), timeoutMs);
    const wait = async (): Promise<RunResult<O>> => {
      let seq = 0;
      for (;;) {
        const rec = await store.getRun(runId);
        if (!rec) throw new RunNotFoundError(runId);
        lastStatus = rec.status;
        if (ENDED.has(rec.status)) return (await resultFromRecord(store, rec)) as RunResult<O>;
        const mine = host.local(runId);
        if (mine) {
          const r = await mine.catch(() => undefined);
          if (r) return r as RunResult<O>;
          continue;
        }
        // Until an end event (or the stored status says it ended), then read the outcome.
        const follower = new Follower(store, runId, { afterSeq: seq, signal: stop.signal });
        try {
          while ((await follower.next()) !== undefined) seq = follower.seq;
        } finally {
          follower.close();
        }
        if (stop.signal.aborted) throw stop.signal.reason;
      }
    };
    try {
      return await Promise.race([wait(), gaveUp]);
    } finally {
      if (timer) clearTimeout(timer);
      stop.abort();
      options.signal?.removeEventListener('abort', onAbort);
    }
  };
  return { runId, status, result, stream: (options) => host.stream(runId, options) };
}
