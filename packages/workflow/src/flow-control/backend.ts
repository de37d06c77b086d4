/**
 * What flow control and schedules need from storage, beyond the {@link Store} contract: runs with
 * flow fields ("gated" runs, claimed only by the flow claim), idempotency keys, start windows,
 * schedules and their ticks. Two implementations: SQL on the kysely store's own connection
 * (`sql-backend.ts`: libsql file or Postgres, exact across processes) and in memory over any
 * store (`memory-backend.ts`: exact within one process).
 */
import type { EventRecord, RunRecord, Store } from '../store/store.js';
import type { ScheduleRecord } from '../schedule/types.js';
import { memoryBackend } from './memory-backend.js';
import { sqlBackend } from './sql-backend.js';

/** Flow fields stored with a run. A run with `availableAt` set is gated: only the flow claim takes it. */
export interface FlowFields {
  availableAt?: number;
  /** Claim order: `availableAt - priority × aging` (lower first). */
  claimOrder?: number;
  priority?: number;
  concurrencyKey?: string;
  concurrencyLimit?: number;
  throttleKey?: string;
  throttleLimit?: number;
  throttlePeriodMs?: number;
  debounceKey?: string;
  idempotencyKey?: string;
  scheduleId?: string;
  scheduledAt?: number;
}

/** A run record with its flow fields. */
export type FlowRun = RunRecord & FlowFields;

/** An event to append with a write. */
export type NewEvent = Omit<EventRecord, 'seq' | 'runId'>;

/** An idempotency claim: `key` (already scoped) is held by the created run until `expiresAt`. */
export interface IdempotencyClaim {
  key: string;
  expiresAt: number;
}

/** Options of {@link FlowBackend.claim}. */
export interface FlowClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  now: number;
  /** Only runs of these workflows. */
  workflowIds?: string[];
  /** Only these runs (a `start()` waiting for its own gated run). */
  runIds?: string[];
}

/** One tick of a schedule to commit: its time and the run created for it. */
export interface TickRun {
  tickAt: number;
  run: FlowRun;
  events: NewEvent[];
}

/** Storage operations of flow control and schedules. Every method is atomic. */
export interface FlowBackend {
  /** `true` when limits hold across processes (SQL), `false` for the in-process fallback. */
  readonly shared: boolean;
  /** Creates the run (with `idem`: unless the key names a live run, whose id is returned instead). */
  insertRun(run: FlowRun, events: NewEvent[], idem?: IdempotencyClaim): Promise<{ runId: string; created: boolean }>;
  /** Debounce: replaces input and due time of the queued run with the same debounce key, or creates it. */
  debounce(
    run: FlowRun,
    events: NewEvent[],
    maxWaitMs: number | undefined,
  ): Promise<{ runId: string; created: boolean }>;
  /** Rate limit: records a start for `key` if fewer than `limit` happened in the last `periodMs`; else the ms to wait. */
  admit(key: string, limit: number, periodMs: number, now: number): Promise<{ ok: boolean; retryAfterMs: number }>;
  /** Remembers `key` in `scope` until `expiresAt`; false when it was remembered already (a duplicate). */
  remember(scope: string, key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Claims gated runs in claim order, never past a key's concurrency limit or throttle. */
  claim(options: FlowClaimOptions): Promise<RunRecord[]>;
  /** The run with its flow fields. */
  getRun(runId: string): Promise<FlowRun | undefined>;
  /** Runs `running` with this concurrency key. */
  countRunning(concurrencyKey: string): Promise<number>;
  /** Starts recorded for this throttle/rate key since `since`. */
  countStarts(key: string, since: number): Promise<number>;
  /** Queued and running runs per workflow. */
  queueDepth(now: number, workflowIds?: string[]): Promise<FlowDepthRow[]>;

  /** Creates or replaces a schedule (keeping `nextAt` when `keepNextAt` and the spec is unchanged). */
  saveSchedule(schedule: ScheduleRecord, keepNextAt: boolean): Promise<ScheduleRecord>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  listSchedules(workflowId?: string): Promise<ScheduleRecord[]>;
  /** Patches a schedule; false when it does not exist. */
  patchSchedule(id: string, patch: Partial<Pick<ScheduleRecord, 'paused' | 'nextAt' | 'updatedAt'>>): Promise<boolean>;
  deleteSchedule(id: string): Promise<boolean>;
  /** The earliest `nextAt` of the active schedules of these workflows. */
  nextDueAt(workflowIds: string[]): Promise<number | undefined>;
  /** Schedules due at `now` (not paused), oldest `nextAt` first. */
  dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]>;
  /**
   * Commits ticks of a schedule in one transaction: moves `nextAt` from `expectNextAt` to
   * `nextAt` (compare-and-set: another process that moved it first wins) and creates one run per
   * tick whose (schedule, tick time) was never created — the unique key makes a tick run once.
   */
  commitTicks(
    scheduleId: string,
    expectNextAt: number | undefined,
    nextAt: number | undefined,
    ticks: TickRun[],
  ): Promise<RunRecord[]>;
  /** Ticks recorded for a schedule, newest first. */
  listTicks(scheduleId: string, limit: number): Promise<{ tickAt: number; runId: string }[]>;
}

/** One row of {@link FlowBackend.queueDepth}. */
export interface FlowDepthRow {
  workflowId: string;
  status: 'queued' | 'running';
  gated: boolean;
  concurrencyKey?: string;
  concurrencyLimit?: number;
  delayed: number;
  n: number;
  oldest: number;
}

const backends = new WeakMap<Store, FlowBackend>();

/** The flow backend of a store (one per store instance). */
export function flowBackendFor(store: Store): FlowBackend {
  let b = backends.get(store);
  if (!b) {
    const exec = (store as { sqlExec?: unknown }).sqlExec;
    b = typeof exec === 'function' ? sqlBackend(store) : memoryBackend(store);
    backends.set(store, b);
  }
  return b;
}
