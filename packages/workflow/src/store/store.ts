/**
 * The storage contract between the engine and a backend.
 *
 * Modelled on kysely's Dialect/Driver split: the engine only ever talks to this interface; the
 * in-memory store (tests, scripts) and the kysely store (libsql file by default, Postgres to scale
 * out) implement it with the same semantics. Third-party clients never leak through it.
 *
 * Durability rule the engine relies on: every method that writes is atomic — when its promise
 * resolves the write is committed, and when it rejects nothing of it is visible. In particular
 * {@link Store.commitStep} writes the step row, its events and the run patch in one transaction,
 * so a step's result is committed before any successor starts and one step costs one write.
 *
 * Changelog (additive changes after the first version):
 * - `updateRun(runId, patch, expect, events)`: optional events appended in the same transaction
 *   when the patch applies, so finishing a run (status + `run:success`) is one atomic write and a
 *   crash can never leave a finished run without its final event. (store engineer)
 * - `ClaimOptions.excludeWorkflowIds`: claim runs of every workflow but these (a worker with
 *   per-workflow limits claims the limited ones separately). (store engineer)
 * - Lease fencing: `StepCommit.leaseOwner` and `updateRun(…, leaseOwner)` make a write apply only
 *   while the run's lease owner is still the writer, checked in the same statement/transaction
 *   (a fenced-out commitStep rejects with `LeaseLostError` and writes nothing). (store engineer)
 * - `RunRecord.deadlineAt`, `RunRecord.forkedFrom`, `RunQuery.forkedFrom` (migration 0005) and
 *   `deleteSteps(runId, paths)`: run deadlines, fork lineage and restart from a step. (authoring)
 * - `readEvents(runId, afterSeq, types)`: only events of these types (the engine folds the run
 *   state from `state:patch` events without reading every event of the run). (store engineer)
 * - Recovery (lifecycle engineer): optional `listLeasedRuns(owner)`.
 * - Versioning (lifecycle engineer): run status `parked`; optional `saveDefinition`,
 *   `getDefinition`, `listDefinitions` keep a snapshot of each definition a run started on, so a
 *   later deploy can be compared with it (a store without them falls back to checking stored
 *   outputs against the new schemas).
 * - Run logs (observability): optional `countEvents(runId, types)`.
 * - Tracing: `RunRecord.traceparent` (migration 0007), written by `createRun` and `updateRun`.
 * - Run handles (run-handle engineer): `createRun(run, events)` (enqueue is one write); optional
 *   `watchEvents` / `eventsScope` wake followers of a run when its events commit.
 */

/**
 * Status of a workflow run. `queued` runs wait for a worker; `running` runs hold a lease; `parked`
 * runs wait for a migration (their definition is gone and the registered one cannot continue them;
 * `error` holds the reason, a `RunParkedError`).
 */
export type RunStatus = 'queued' | 'running' | 'suspended' | 'parked' | 'success' | 'failed' | 'canceled';

/** Status of one step attempt. */
export type StepStatus = 'running' | 'success' | 'failed' | 'suspended' | 'skipped' | 'canceled';

/** A JSON-serializable error as stored. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  /** Extra fields of typed errors (workflow id, step path, zod issues, …). */
  details?: Record<string, unknown>;
  cause?: SerializedError;
}

/** One row of the `runs` table. */
export interface RunRecord {
  id: string;
  workflowId: string;
  /** Structural hash of the committed workflow definition the run started with. */
  definitionHash: string;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: SerializedError;
  /** For runs of nested workflows started as their own run; undefined for top-level runs. */
  parentRunId?: string;
  /**
   * When the run must be over (epoch ms), from `start({ timeout })` / `workflow({ timeout })`.
   * Past it the run fails with a `RunTimeoutError`, wherever it is (running, recovered, suspended).
   */
  deadlineAt?: number;
  /** Set on a run created by `engine.fork()`: the run and step it was forked from. */
  forkedFrom?: { runId: string; step: string };
  /**
   * The run's trace context (a W3C `traceparent`), when it was started or enqueued with an
   * OpenTelemetry tracer provider registered: every later execution (resume, takeover) continues
   * that trace (migration 0007).
   */
  traceparent?: string;
  /** Worker that holds the run, and until when (epoch ms). Expired leases are recoverable. */
  leaseOwner?: string;
  leaseExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** One row of the `steps` table: one attempt of one step at one path. */
export interface StepRecord {
  runId: string;
  /** Path unique inside the run: `fetch`, `review/lint`, `items[3]/summarize`, `plan/tasks/t1`. */
  path: string;
  attempt: number;
  status: StepStatus;
  input?: unknown;
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  endedAt?: number;
}

/** A suspended point of a run, resumable by its step path. */
export interface SuspensionRecord {
  runId: string;
  path: string;
  /** What the step handed to `suspend(payload)`: resume validates against this, never a stale output. */
  payload: unknown;
  /** Id of the schema resume data must satisfy (the step's resumeSchema), if any. */
  resumeSchemaId?: string;
  /** Set for waitForEvent / approval gates: the external event name that resumes it. */
  eventName?: string;
  createdAt: number;
}

/** An append-only event of a run; `seq` is assigned by the store and increases per run. */
export interface EventRecord {
  runId: string;
  seq: number;
  type: string;
  path?: string;
  data?: unknown;
  at: number;
}

/** A durable timer: sleeps, waitForEvent timeouts, approval timeouts and reminders. */
export interface TimerRecord {
  id: string;
  runId: string;
  path: string;
  kind: 'sleep' | 'event-timeout' | 'approval-timeout' | 'approval-reminder' | (string & {});
  dueAt: number;
  data?: unknown;
}

/** A stored snapshot of one workflow definition, by structural hash (see `engine.migrate`). */
export interface DefinitionRecord {
  /** The definition's structural hash (`workflow.hash`, the runs' `definitionHash`). */
  hash: string;
  workflowId: string;
  /** `String(workflow.version)`, when it has one. */
  version?: string;
  /** What versioning compares: the input schema and each step path's kind and schemas (JSON). */
  shape: unknown;
  createdAt: number;
}

/** Options of {@link Store.purgeRuns}. */
export interface PurgeOptions {
  /** Runs deleted per transaction (default 500): the longest a writer waits behind the purge. */
  batchSize?: number;
  /** Called after each batch's transaction committed (progress, or to watch transaction times). */
  onBatch?: (progress: PurgeProgress) => void;
}

/** One committed batch of a purge, passed to {@link PurgeOptions.onBatch}. */
export interface PurgeProgress {
  /** 0 for the first batch. */
  batch: number;
  /** Runs deleted by this batch. */
  deleted: number;
  /** Runs deleted so far. */
  total: number;
  /** Milliseconds the batch's transaction took (begin to commit). */
  ms: number;
}

/** Filters for {@link Store.listRuns}. */
export interface RunQuery {
  status?: RunStatus | RunStatus[];
  workflowId?: string;
  createdAfter?: number;
  createdBefore?: number;
  limit?: number;
  /** Only runs forked from this run (`engine.fork`), i.e. its lineage children. */
  forkedFrom?: string;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/** A page of runs. */
export interface RunPage {
  runs: RunRecord[];
  nextCursor?: string;
}

/** Everything one step commit writes, atomically. */
export interface StepCommit {
  step: StepRecord;
  events?: Omit<EventRecord, 'seq' | 'runId'>[];
  /** Patch applied to the run in the same transaction (e.g. final status and output). */
  run?: Partial<Pick<RunRecord, 'status' | 'output' | 'error' | 'updatedAt'>>;
  /** Suspension created by this commit (a step that suspended). */
  suspension?: SuspensionRecord;
  /** Suspension removed by this commit (a resumed step). */
  resolvedSuspensionPath?: string;
  /** Timer created with this commit (sleep, timeouts). */
  timer?: TimerRecord;
  /**
   * Fence: when set, the commit applies only if the run is still `running` with this `leaseOwner`,
   * checked atomically with the write. Otherwise nothing is written and the promise rejects with a
   * `LeaseLostError` (another process took the run over, or it was canceled meanwhile). A fenced
   * commit with a `run` patch is therefore a compare-and-set like `updateRun(…, ['running'])`.
   */
  leaseOwner?: string;
}

/** A run with what an execution replays of it: see {@link Store.loadRun}. */
export interface LoadedRun {
  run: RunRecord;
  steps: StepRecord[];
  suspensions: SuspensionRecord[];
  events: EventRecord[];
}

/** Options for claiming work in {@link Store.claimRuns}. */
export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  /** Only runs of these workflows. */
  workflowIds?: string[];
  /** Never runs of these workflows. */
  excludeWorkflowIds?: string[];
  now?: number;
}

/**
 * A storage backend for runs, steps, suspensions, events and timers.
 *
 * Implementations: `createMemoryStore()` and `createStore({ url })` (kysely: libsql or Postgres).
 */
export interface Store {
  /** Creates tables / applies migrations. Idempotent and safe when several processes call it at once. */
  init(): Promise<void>;
  /** Releases connections and handles; the store is unusable afterwards. */
  close(): Promise<void>;

  /**
   * Inserts a new run; rejects if the id exists. `events`, when given, are appended in the same
   * transaction (an enqueued run and its `run:queued` event are one write).
   */
  createRun(run: RunRecord, events?: Omit<EventRecord, 'seq' | 'runId'>[]): Promise<void>;
  /** The run with that id, or undefined. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * Applies `patch` if the run's status is one of `expect` (when given). Returns whether it applied.
   * Used for compare-and-set transitions (suspended → running on resume, cancel, finish).
   * `events`, when given, are appended in the same transaction, only if the patch applied.
   * `leaseOwner`, when given, is a fence: the patch applies only if the run's lease owner is still
   * that value (returns false otherwise, like a failed status check).
   */
  updateRun(
    runId: string,
    patch: Partial<Omit<RunRecord, 'id' | 'createdAt'>>,
    expect?: RunStatus[],
    events?: Omit<EventRecord, 'seq' | 'runId'>[],
    leaseOwner?: string,
  ): Promise<boolean>;
  /** Runs matching `query`, newest first, a page at a time. */
  listRuns(query?: RunQuery): Promise<RunPage>;
  /** Deletes a run with its steps, suspensions, events and timers. */
  deleteRun(runId: string): Promise<void>;
  /**
   * Deletes finished runs (success, failed, canceled) last updated before `before`, with all their
   * rows; resolves to how many. The durable stores delete in batches of `options.batchSize` runs,
   * one short transaction each, so runs in flight keep committing while a large history is purged.
   * Old runs are found by creation time: a run created at or after `before` stays even if its
   * `updatedAt` is earlier (clocks of several writers disagreeing), until a later purge.
   */
  purgeRuns(before: number, options?: PurgeOptions): Promise<number>;

  /** Writes a step attempt, its events, a run patch, a suspension and/or a timer in one transaction. */
  commitStep(commit: StepCommit): Promise<void>;
  /** All step attempts of a run, ordered by start time then attempt. */
  listSteps(runId: string): Promise<StepRecord[]>;
  /**
   * Deletes every attempt of the steps at `paths` of a run, with their suspensions and timers, in
   * one transaction (restart from a step: those steps run again). Events are kept (history).
   */
  deleteSteps(runId: string, paths: string[]): Promise<void>;

  /** Open suspensions of a run. */
  listSuspensions(runId: string): Promise<SuspensionRecord[]>;
  /** Suspensions across runs, e.g. every open approval gate (`eventName: 'approval'`). */
  findSuspensions(query: { eventName?: string; workflowId?: string; limit?: number }): Promise<SuspensionRecord[]>;

  /** Appends events to a run; the store assigns increasing `seq` numbers. */
  appendEvents(runId: string, events: Omit<EventRecord, 'seq' | 'runId'>[]): Promise<void>;
  /** A run's events in `seq` order, after `afterSeq` when given, only of `types` when given. */
  readEvents(runId: string, afterSeq?: number, types?: string[]): Promise<EventRecord[]>;
  /**
   * What an execution replays, in one read: the run, its step attempts, open suspensions and its
   * events of `eventTypes`, each ordered as {@link Store.getRun}, {@link Store.listSteps},
   * {@link Store.listSuspensions} and {@link Store.readEvents} order them (undefined when there is no
   * such run). Optional: without it the engine makes those four reads.
   */
  loadRun?(runId: string, eventTypes: string[]): Promise<LoadedRun | undefined>;
  /**
   * How many events of `types` a run has (the engine counts a run's stored `log` lines against its
   * cap without reading them). Optional: without it the engine counts what `readEvents` returns.
   */
  countEvents?(runId: string, types: string[]): Promise<number>;

  /** Atomically takes up to `limit` queued runs or running runs whose lease expired. */
  claimRuns(options: ClaimOptions): Promise<RunRecord[]>;
  /** Extends leases held by `owner`; returns the ids it still holds. */
  renewLeases(owner: string, runIds: string[], leaseMs: number): Promise<string[]>;

  /** Adds (or replaces, by id) a durable timer. */
  addTimer(timer: TimerRecord): Promise<void>;
  /** Atomically removes and returns timers due at `now` (at most `limit`). */
  takeDueTimers(now: number, limit: number): Promise<TimerRecord[]>;
  /** Deletes a run's timers, or only those at `path`. */
  deleteTimers(runId: string, path?: string): Promise<void>;

  /** Stores a definition snapshot unless one with that hash exists (idempotent). */
  saveDefinition?(definition: DefinitionRecord): Promise<void>;
  /** The definition snapshot with this hash, or undefined. */
  getDefinition?(hash: string): Promise<DefinitionRecord | undefined>;
  /** Every stored definition snapshot of a workflow, oldest first. */
  listDefinitions?(workflowId: string): Promise<DefinitionRecord[]>;
  /**
   * `running` runs leased to `owner`, oldest first (ids only: nothing decoded). `engine.recover()`
   * takes these back at once when a process restarts with the same id; without this method it pages
   * through `listRuns`.
   */
  listLeasedRuns?(owner: string): Promise<Array<{ id: string; workflowId: string }>>;
  /**
   * Wake-ups for followers of runs (`engine.stream`, run handles, the SSE handler, Studio): calls
   * `listener` with a run id after events of that run were committed — or with `'*'` when some may
   * have been missed (a reconnect). `scope` says whose commits it sees: `'process'` only this
   * process's (followers also poll), `'database'` every process's (Postgres LISTEN/NOTIFY).
   * Returns a function that stops the listener.
   */
  watchEvents?(listener: (runId: string) => void): () => void;
  /** What {@link Store.watchEvents} sees: commits of this process only, or of every process. */
  readonly eventsScope?: 'process' | 'database';
}
