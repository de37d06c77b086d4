/** Public types of the engine: run results, runs, events and the Engine interface. */
import type { CanceledError } from '../errors/errors.js';
import type { Workflow } from '../definition/workflow.js';
import type { ResumeMapOf, ResumeTypes, TypedResumeArgs } from '../builder/resume-types.js';
import type { StepInterceptor } from '../step/interceptors.js';
import type { Logger } from '../step/types.js';
import type { RunLogOptions } from '../logs/run-logs.js';
import type { RunRecord, Store, SuspensionRecord, TimerRecord } from '../store/store.js';
import type { QueueDepth, RunFlowInfo, StartOptions } from '../flow-control/types.js';
import type { ScheduleApi } from '../schedule/scheduler.js';
import type { EventDelivery } from '../trigger/types.js';
import type { Duration } from '../util/duration.js';
import type { ForkOptions, RestartOptions, RunLineage } from './restart.js';
import type { MigrateOptions, MigrationResult } from '../versioning/migrate.js';
import type { CloseOptions } from './close.js';
import type { RecoverOptions, Recovery } from './recovery.js';
import type { RunHandle, RunStreamOptions } from './handle.js';

/** Fields every run result has. */
interface RunResultBase {
  runId: string;
  /** Outputs of the completed steps, by path. */
  steps: Record<string, unknown>;
  /** The run's shared state (merged `ctx.setState` patches). */
  state: Record<string, unknown>;
}

/**
 * The outcome of start / resume / execute: a tagged union on `status`. Runs never throw for a
 * workflow failure; they return `status: 'failed'` with the error.
 */
export type RunResult<O = unknown> =
  | (RunResultBase & { status: 'success'; output: O })
  | (RunResultBase & { status: 'failed'; error: Error })
  | (RunResultBase & { status: 'suspended'; suspended: SuspensionRecord[] })
  | (RunResultBase & { status: 'canceled'; error: CanceledError });

/** Built-in event types; custom events from `ctx.emit` use their own type. */
export type BuiltInEventType =
  | 'run:start'
  | 'run:success'
  | 'run:failed'
  | 'run:suspended'
  | 'run:resume'
  | 'run:canceled'
  | 'step:start'
  | 'step:success'
  | 'step:failed'
  | 'step:retry'
  | 'step:suspended'
  | 'step:resume'
  | 'step:lost'
  | 'log'
  | 'log:truncated'
  | 'timer';

/** An event of a run, live or replayed. `seq` is set on events read back from the store. */
export interface WeftEvent {
  runId: string;
  type: BuiltInEventType | (string & {});
  path?: string;
  data?: unknown;
  at: number;
  seq?: number;
}

/** A listener for {@link WeftEvent}s. */
export type EventListener = (event: WeftEvent) => void;

/** Arguments of resume. `step` is the suspended step's path. */
export interface ResumeArgs<T = unknown> {
  step: string;
  data?: T;
}

/**
 * What `resume` accepts for a workflow whose resume map is `M`: with a typed map (a workflow built
 * by `workflow()…commit()`), one `{ step, data }` per suspendable step path, `data` typed by the
 * step's resume schema (an approval gate's decision, an event's schema); else `ResumeArgs<T>`.
 */
export type ResumeArgsOf<M, T = unknown> = unknown extends M ? ResumeArgs<T> : TypedResumeArgs<M>;

/**
 * A handle on one run of one workflow. `M` is the workflow's resume map (see {@link ResumeArgsOf}),
 * `unknown` for any step and data.
 */
export interface Run<I = unknown, O = unknown, M = unknown> {
  readonly runId: string;
  /**
   * Starts the run and resolves when it finishes or suspends. With an `idempotencyKey` that
   * names a run already (this or another process), resolves to that run's result instead (its
   * `runId` then differs from this handle's). Runs of workflows with flow control wait for their
   * slot (per-key concurrency, throttle, debounce) before they start here. `timeout` (over the
   * workflow's own) gives the run a deadline: past it the run fails with a `RunTimeoutError`,
   * even across restarts and while suspended (then a worker's durable timer fails it).
   */
  start(
    args: { input: I; timeout?: Duration } & Pick<StartOptions, 'idempotencyKey' | 'idempotencyTtl' | 'priority'>,
  ): Promise<RunResult<O>>;
  /**
   * Resumes the run at a suspended step. For a typed workflow, `step` must be one of its
   * suspendable step paths and `data` that step's resume payload type, or the call fails to compile.
   */
  resume<T = unknown>(args: ResumeArgsOf<M, T>): Promise<RunResult<O>>;
  /** Cancels the run: its status becomes `canceled` and running steps see their signal abort. */
  cancel(): Promise<void>;
  /** Listens to this run's events (`'*'` for all); returns an unsubscribe function. */
  on(type: string, listener: EventListener): () => void;
  /**
   * Replays stored events of this run, then follows the events any process commits (and the live
   * `step:chunk` / `step:start` events of an execution in this process) until the run finishes or
   * suspends.
   */
  stream(): AsyncIterable<WeftEvent>;
}

/** Options of `engine.execute(runId, options)`. */
export interface ExecuteOptions {
  /**
   * The caller took this run's lease from another owner (`store.claimRuns`, as workers do): a run
   * taken from a lost process then reports `process lost: lease expired` rather than `recovered at
   * start-up` (which is what a run already leased to this engine's `ownerId` means).
   */
  claimed?: boolean;
}

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Where runs live (default: a new in-memory store). */
  store?: Store;
  /** Workflows this engine can execute, resume and recover by id. */
  workflows?: Workflow<string, any, any>[];
  /** Reach every step as `ctx.resources` (merged under the workflow's own resources). */
  resources?: Record<string, unknown>;
  /** Max user steps running at once across all runs of this engine. */
  concurrency?: number;
  logger?: Logger;
  /**
   * @deprecated Versioning decides per run: a run continues on its own definition while it is
   * registered, moves to a registered one that can continue it, or is parked for `engine.migrate()`.
   * With `true`, every run whose definition is not registered continues on the newest registered
   * definition without that check (recorded as a `run:migrated` event), and parked runs resume.
   */
  allowDefinitionChange?: boolean;
  /** Lease length for runs this engine executes (default 30 s); renewed while they run. */
  leaseMs?: number;
  /**
   * Identifies this engine as lease owner (default: a random id). Give each process a stable,
   * unique id (e.g. the host or pod name): a process restarted with the same id takes its own
   * interrupted runs back at once in `recover()` (and a worker's start), instead of waiting for their
   * leases to expire. Two live processes must never share one.
   */
  ownerId?: string;
  /** Close the store in `engine.close()` (default: only when the engine created it, i.e. no `store` given). */
  closeStore?: boolean;
  /**
   * Sleeps up to this long wait in process (default 5 minutes); longer ones suspend the run and a
   * worker's `fireTimer` wakes it when due.
   */
  maxInProcessSleep?: import('../util/duration.js').Duration;
  /** Interceptors around every step attempt of every run (outside the workflows' own). */
  interceptors?: readonly StepInterceptor<any, any>[];
  /**
   * How `ctx.logger` lines are stored with their run (default: `info` and up, at most 1000 lines
   * per run, then one `log:truncated` marker); `false` stores none. Lines always reach `logger` too.
   */
  runLogs?: RunLogOptions | false;
}

/** The engine: starts, resumes, recovers and observes runs stored in a {@link Store}. */
export interface Engine {
  readonly store: Store;
  readonly ownerId: string;
  /**
   * Registers a workflow definition (idempotent for the same definition). Several versions of one id
   * may be registered; a different definition with an id and version already registered throws a
   * `DuplicateWorkflowVersionError`.
   */
  register(workflow: Workflow<string, any, any>): void;
  /** A handle to start a new run of `workflow` (registered on the fly). */
  run<I, O, M = unknown>(workflow: Workflow<string, I, O> & ResumeTypes<M>, options?: { runId?: string }): Run<I, O, M>;
  /**
   * Creates a `queued` run for a worker to claim; resolves to its id — with an `idempotencyKey`
   * that names a run already, or a debounce key with a run waiting, that run's id. Rejects with
   * `RateLimitedError` beyond the workflow's `flow.rateLimit` (nothing is created).
   */
  enqueue(
    workflow: Workflow<string, any, any> | string,
    input: unknown,
    options?: StartOptions & { timeout?: Duration },
  ): Promise<string>;
  /**
   * Executes a queued run, a run this engine's `ownerId` holds (after `store.claimRuns`, or left by a
   * previous process with the same id) or one whose lease expired, memoizing committed steps. A run
   * another live owner holds is a `RunLeasedError`; a parked one a `RunParkedError`. A run that
   * was `running` when its process died counts the attempts in flight there as lost (`step:lost`
   * events with the reason) and continues with the next attempt.
   */
  execute(runId: string, options?: ExecuteOptions): Promise<RunResult>;
  /**
   * Resumes a suspended run at `step` with `data`, from any process. Pass the workflow's type to
   * check both at compile time: `engine.resume<typeof wf>(runId, { step, data })` (or resume
   * through a typed handle: `engine.run(wf, { runId }).resume(…)`); otherwise `T` is the data type.
   */
  resume<T = unknown>(
    runId: string,
    args: T extends { readonly kind: 'workflow' } ? ResumeArgsOf<ResumeMapOf<T>> : ResumeArgs<T>,
  ): Promise<RunResult>;
  /** Cancels a run (any non-finished status); running steps in this process see their signal abort. */
  cancel(runId: string, reason?: string): Promise<void>;
  /**
   * Recovers every recoverable run: first the runs still leased to this `ownerId` (a previous process
   * with the same id died — no waiting for the lease), then queued runs and runs whose lease expired,
   * a page at a time. Returns at once with a {@link Recovery} handle: `await` it for every result, or
   * read `progress` and carry on.
   *
   * @example
   * ```ts
   * const recovery = engine.recover({ onProgress: (p) => console.log(`${p.finished}/${p.claimed} recovered`) });
   * // serve traffic meanwhile; or: const results = await recovery;
   * ```
   */
  recover(options?: RecoverOptions): Recovery;
  /**
   * Moves a parked (or suspended, or queued) run to another definition of its workflow — by default
   * the newest registered one — with a `run:migrated` event recording who, why and what changed.
   * A parked run goes back to `suspended` (resume it as before) or `queued` (a worker or
   * `recover()` continues it). Throws `MigrationError` when nothing can change.
   */
  migrate(
    runId: string,
    options?: Omit<MigrateOptions, 'to'> & { to?: MigrateOptions['to'] | Workflow<string, any, any> },
  ): Promise<MigrationResult>;
  /**
   * Stops the engine: no new work is accepted (`EngineClosedError`), the lease-renewal interval stops,
   * executions in flight finish (default) or are handed back (`{ inFlight: 'release' }`), listeners
   * are dropped, and the store is closed if the engine created it. Idempotent. Also `await using`.
   */
  close(options?: CloseOptions): Promise<void>;
  /** `await using engine = createEngine(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
  /** The stored run record (status, output, error, lease…) with its flow fields (`waitReason`, `scheduledAt`…), or undefined. */
  getRun(runId: string): Promise<(RunRecord & RunFlowInfo) | undefined>;
  /**
   * Runs a failed or canceled run again, in place (same run id), from its failure — every committed
   * step result is reused — or `from` a step path (it and every step that started after it re-run).
   * Throws `RunNotRestartableError` for other statuses or an unknown step.
   */
  restart(runId: string, options?: RestartOptions): Promise<RunResult>;
  /**
   * Runs a run again as a new run linked to it (`forkedFrom`), from step `from`, reusing the
   * results committed before that step, with an edited `input` and/or `state` if given.
   */
  fork(runId: string, options: ForkOptions): Promise<RunResult>;
  /** Where a run was forked from, and the runs forked from it. */
  lineage(runId: string): Promise<RunLineage>;
  /** Listens to events of all runs (`'*'` for all types); returns an unsubscribe function. */
  on(type: string, listener: EventListener): () => void;
  /**
   * Replays a run's stored events in commit order (each with its `seq`), then follows the events
   * committed by any process sharing the store — Postgres LISTEN/NOTIFY; on libsql an in-process
   * signal and, for other processes, a read every 5–50 ms — until it finishes or suspends. While
   * the run executes in this process, its live-only `step:chunk` and `step:start` events are
   * passed on as they happen.
   */
  stream(runId: string, options?: RunStreamOptions): AsyncIterable<WeftEvent>;
  /**
   * A handle on a run by id, from any process sharing the store (e.g. the API process that enqueued
   * it while workers execute it): `status()`, `result({ timeout, signal })`, `stream()`. Pass the
   * workflow to type the result's output.
   *
   * @example
   * ```ts
   * const runId = await engine.enqueue(triage, { repo: 'acme/api' });
   * const run = engine.handle(runId, triage);
   * for await (const e of run.stream()) console.log(e.seq, e.type);
   * const result = await run.result({ timeout: '5m' });
   * ```
   */
  handle<O = unknown>(runId: string, workflow?: Workflow<string, any, O>): RunHandle<O>;
  /**
   * Delivers an event: starts (enqueues) the workflows whose `triggers` match it, then resumes
   * every run waiting for it in `waitForEvent` (or only `runId`'s; then no trigger fires). The
   * array holds the resumed runs; `.started`, `.skipped` and `.duplicate` tell the rest. An `id`
   * dedupes: the same id again (any process, 24 h) does nothing. A payload failing a trigger's
   * schema rejects with `EventPayloadError` before anything starts.
   */
  sendEvent(
    event: string,
    payload: unknown,
    options?: { runId?: string; id?: string },
  ): Promise<EventDelivery<RunResult>>;
  /** Schedules (cron and intervals): list, create, pause, resume, delete, trigger now. */
  readonly schedules: ScheduleApi;
  /** Queued and running runs per workflow (queue depth, limited, delayed), counted in the store. */
  queueDepth(workflowId?: string): Promise<QueueDepth[]>;
  /** Fires a due timer (called by workers): sleeps, waitForEvent timeouts; others emit a `timer` event. */
  fireTimer(timer: TimerRecord): Promise<RunResult | undefined>;
}
