/**
 * Flow control of a workflow's runs: per-key concurrency, throttling, rate limits, debounce and
 * priorities. Declared with the workflow (`workflow({ flow })`) and/or per start
 * (`enqueue(…, { priority, idempotencyKey })`).
 */
import type { Duration } from '../util/duration.js';

/** A key computed from the run's input (e.g. `(input) => input.tenantId`), or one fixed key. */
export type FlowKey<I> = string | ((input: I) => string);

/**
 * Flow-control options of a workflow (`workflow({ flow })`). Every limit is enforced in the
 * store, across every worker and process sharing it.
 *
 * @example
 * ```ts
 * const flow: FlowOptions<{ tenantId: string }> = {
 *   concurrency: { key: (input) => input.tenantId, limit: 2 },
 *   throttle: { key: (input) => input.tenantId, limit: 10, period: '1m' },
 *   priority: (input) => (input.tenantId === 'vip' ? 10 : 0),
 * };
 * ```
 */
export interface FlowOptions<I = unknown> {
  /** At most `limit` runs with the same key `running` at once (default key: one for the workflow). */
  concurrency?: { key?: FlowKey<I>; limit: number };
  /** Runs start at most `limit` times per `period` per key; the others wait their turn (delay, never drop). */
  throttle?: { key?: FlowKey<I>; limit: number; period: Duration };
  /** At most `limit` starts per `period` per key are accepted; beyond, `enqueue`/`start` reject with `RateLimitedError` (dropped). */
  rateLimit?: { key?: FlowKey<I>; limit: number; period: Duration };
  /**
   * Starts with the same key within `period` of each other collapse into one run, which starts
   * once `period` passed without a new start (or `maxWait` after the first), with the last input.
   */
  debounce?: { key?: FlowKey<I>; period: Duration; maxWait?: Duration };
  /** Priority of a queued run (higher first; default 0). Overridden by `enqueue(…, { priority })`. */
  priority?: number | ((input: I) => number);
  /**
   * Aging of queued runs (default `'1m'`): a run waiting this long gains one priority level, so a
   * low-priority run is never starved — a run of priority p queued at t ranks as if queued at
   * `t - p × priorityAging`.
   */
  priorityAging?: Duration;
}

/** Per-start options of `enqueue`, `start` and event triggers. */
export interface StartOptions {
  /** The run id (default: a random UUID). Ignored when the idempotency key already names a run. */
  runId?: string;
  /**
   * The same key (per workflow) within `idempotencyTtl` returns the same run instead of starting
   * a new one — across processes (a unique key in the store decides).
   */
  idempotencyKey?: string;
  /** How long an idempotency key is remembered (default `'24h'`). */
  idempotencyTtl?: Duration;
  /** Priority in the queue (higher first; overrides the workflow's `flow.priority`). */
  priority?: number;
  /** Do not start before this delay passed. */
  delay?: Duration;
}

/**
 * Why a run is not running yet (`engine.getRun(id).waitReason`, `weft runs show`):
 * - `queued`: waiting for a worker (its turn in priority order);
 * - `concurrency-limited`: its key already has `limit` runs running;
 * - `throttled`: its key used its starts of the current period;
 * - `debounced`: waiting for the quiet period of its debounce key to end;
 * - `delayed`: not before `availableAt` (a `delay` start option);
 * - `scheduled`: created by a schedule and waiting for a worker.
 */
export type WaitReason = 'queued' | 'concurrency-limited' | 'throttled' | 'debounced' | 'delayed' | 'scheduled';

/** Flow-control fields of a run as the engine reports them (`engine.getRun`). */
export interface RunFlowInfo {
  /** Why a queued run is not running yet; undefined once it runs. */
  waitReason?: WaitReason;
  /** Priority it was queued with. */
  priority?: number;
  /** Concurrency key and its limit. */
  concurrencyKey?: string;
  concurrencyLimit?: number;
  /** Throttle key of the run. */
  throttleKey?: string;
  /** Debounce key of the run. */
  debounceKey?: string;
  /** Not claimable before this time (epoch ms). */
  availableAt?: number;
  /** Idempotency key it was started with. */
  idempotencyKey?: string;
  /** For runs of schedules: the schedule and the tick time the run is for (epoch ms). */
  scheduleId?: string;
  scheduledAt?: number;
}

/** Queue depth of one workflow (`engine.queueDepth()`), counted in the store. */
export interface QueueDepth {
  workflowId: string;
  /** Queued runs (all reasons). */
  queued: number;
  /** Of those: waiting on a per-key concurrency limit. */
  limited: number;
  /** Of those: waiting for a debounce period or delay to pass. */
  delayed: number;
  /** Runs running now. */
  running: number;
  /** Creation time of the oldest queued run (epoch ms). */
  oldestQueuedAt?: number;
}
