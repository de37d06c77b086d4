/**
 * The durable {@link Store} on kysely: one implementation, two dialects (libsql, Postgres), the
 * same schema and the same statements (`?` placeholders, rewritten to `$n` for Postgres).
 *
 * Cost model: one step commit is one statement (libsql: an INSERT into the `weft_step_commits` view,
 * whose trigger fences, upserts the step and appends its events; Postgres: data-modifying CTEs),
 * plus, in the same transaction, the run patch, suspension and timer when there are any. Event seqs
 * are computed inside the statement. No SELECT before a write, no whole-run document. On Postgres
 * the step commits and run creations of different runs made in the same event-loop turn share one
 * statement (pg-group-commit.ts).
 */
import type { Kysely } from 'kysely';
import type {
  ClaimOptions,
  DefinitionRecord,
  EventRecord,
  LoadedRun,
  RunPage,
  RunQuery,
  RunRecord,
  RunStatus,
  StepCommit,
  StepRecord,
  Store,
  SuspensionRecord,
  TimerRecord,
  PurgeOptions,
} from '../store.js';
import { LeaseLostError } from '../../errors/errors.js';
import { StoreError } from './errors.js';
import { migrate } from './migrate.js';
import { eventsAppended, runCreated, runPatched, stepCommitted } from './pg-outcome.js';
import { settle } from './pg-resilience.js';
import { groupedPatch, PgCommitGroup } from './pg-group-commit.js';
import * as definitions from './definitions.js';
import { listLeasedRuns } from './leased.js';
import { loadRun } from './load-run.js';
import {
  EVENT_COLUMNS,
  type EventRow,
  encode,
  RUN_COLUMNS,
  type RunRow,
  STEP_COLUMNS,
  type StepRow,
  SUSPENSION_COLUMNS,
  type SuspensionRow,
  TIMER_COLUMNS,
  type TimerRow,
  toEvent,
  toRun,
  toStep,
  toSuspension,
  toTimer,
  type ValueWhere,
} from './rows.js';
import { deleteRun, listRuns, purgeRuns } from './housekeeping.js';
import { InflightTracker } from './inflight.js';
import { isSeqTaken, LastSeq } from './last-seq.js';
import { type EventFeed, localFeed } from './event-feed.js';
import { claimRuns, claimRunsLimited, renewLeases } from './leases.js';
import { WORKFLOW_MIGRATION_TABLE, workflowMigrations } from './schema.js';
import type { SqlBackend, SqlStatement } from './sql-exec.js';
import {
  EVENTS_INSERT_PREFIX,
  eventsInsert,
  FINISHED,
  JSON_COLUMNS,
  PG_FENCE,
  PG_FENCE_CHECK,
  placeholders,
  RUN_PATCH_COLUMNS,
  runNotFound,
  STEP_COMMIT,
  STEP_COMMIT_LEAN,
  STEP_COMMIT_EVENTS,
  STEP_COMMIT_LEASE_LOST,
  eventsInsertAt,
  STEP_UPSERT,
  STEP_UPSERT_FENCED,
  SUSPENSION_UPSERT,
  TIMER_UPSERT,
} from './statements.js';

/**
 * The step-commit statement (libsql view, migration 0011) of a step row (`stepParams`, in
 * STEP_COLUMNS order) and its first two events, seqs from `seq`: {@link STEP_COMMIT_LEAN} for a
 * success without error or event data, else {@link STEP_COMMIT} with every value bound.
 */
function stepCommitStatement(
  stepParams: readonly unknown[],
  owner: string | undefined,
  seq: number,
  events: readonly Omit<EventRecord, 'seq' | 'runId'>[],
  eventData: readonly (string | null)[],
): SqlStatement {
  const e = events[0];
  if (e !== undefined && events.length === 1 && eventData[0] === null && stepParams[6] === null) {
    const p = stepParams;
    return {
      sql: STEP_COMMIT_LEAN,
      params: [p[0], p[1], p[2], p[3], p[4], p[5], p[7], p[8], owner ?? null, seq, e.type, e.path ?? null, e.at],
      rows: 0,
    };
  }
  const params: unknown[] = [...stepParams, owner ?? null, events.length > 0 ? seq : null];
  for (let i = 0; i < STEP_COMMIT_EVENTS; i++) {
    const ev = events[i];
    if (ev) params.push(ev.type, ev.path ?? null, eventData[i] ?? null, ev.at);
    else params.push(null, null, null, null);
  }
  return { sql: STEP_COMMIT, params, rows: 0 };
}

/**
 * A libsql commit's failure as the store reports it: the step-commit trigger's fence abort is a lost
 * lease of `owner`, a foreign-key violation a run that does not exist; anything else is returned as is.
 */
function sqliteCommitError(error: unknown, runId: string, owner: string | undefined): unknown {
  const message = (error as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? message : '';
  if (owner !== undefined && text.includes(STEP_COMMIT_LEASE_LOST))
    return new LeaseLostError(runId, owner, { cause: error });
  if (/FOREIGN KEY/i.test(text)) return runNotFound(runId, error);
  return error;
}

/** A new run's row (the hot path: one constant text, one cached prepared statement). */
const RUN_INSERT = `INSERT INTO weft_runs (${RUN_COLUMNS}) VALUES (${placeholders(16)})`;

/** A {@link Store} backed by a SQL database through kysely. */
export interface KyselyStore extends Store {
  /** The kysely instance on the same database: other packages create their own tables in it. */
  readonly db: Kysely<any>;
  /** `sqlite` for libsql (file, `:memory:`, remote), `postgres` for Postgres. */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Like `claimRuns` for one workflow, but never lets more than `maxRunning` runs of it hold a live
   * lease at once, across every worker sharing the database: the count and the claim happen in one
   * write transaction (libsql: serialized writers; Postgres: an advisory lock per workflow).
   */
  claimRunsLimited(options: ClaimOptions & { workflowId: string; maxRunning: number }): Promise<RunRecord[]>;
  /** Removes one timer by id (after it fired). */
  deleteTimer(timerId: string): Promise<void>;
  /** Compacts the database file (libsql `VACUUM`, Postgres `VACUUM` of the weft tables). */
  vacuum(): Promise<void>;
  /**
   * Wakes followers of runs: Postgres LISTEN/NOTIFY (every process's commits; one pooled connection
   * is held for it from the first watcher to `close()`), libsql a signal shared by the stores on
   * the same file in this process (followers poll for other processes).
   */
  watchEvents(listener: (runId: string) => void): () => void;
  /** `'database'` on Postgres, `'process'` on libsql. */
  readonly eventsScope: 'process' | 'database';
}

/** Internal settings of {@link KyselyStoreImpl}. */
export interface KyselyStoreSettings {
  /** Creates the kysely instance, on first use of `store.db` (kysely loads then, not at import). */
  db: () => Kysely<any>;
  backend: SqlBackend;
  migrate: boolean;
  maxValueBytes: number;
  timerLeaseMs: number;
  /** Runs before migrations (e.g. CREATE SCHEMA). */
  prepare?: () => Promise<void>;
  /** The typed error for a driver failure of `init()` (disk full, read-only, connection lost), if it is one. */
  translate?: (error: unknown) => unknown;
  /** Runs the migrations (default: once); Postgres retries them across a dropped connection. */
  migrateWith?: (run: () => Promise<void>) => Promise<void>;
  /** Runs after the kysely instance (if one was made) is destroyed: ends the pool, closes the file. */
  onClose?: () => Promise<void>;
  /** Wakes followers of runs (default: an in-process signal of this store only). */
  events?: EventFeed;
}

/** The kysely store. Create it with `createStore()`. */
export class KyselyStoreImpl implements KyselyStore {
  #db: Kysely<any> | undefined;
  readonly dialect: 'sqlite' | 'postgres';
  readonly #sql: SqlBackend;
  readonly #settings: KyselyStoreSettings;
  #ready: Promise<void> | undefined;
  #initialized = false;
  /** libsql file with migration 0011: a step commit is one INSERT into the `weft_step_commits` view. */
  #stepView = false;
  /** With the step-commit view: the last event seq of runs this store wrote (a hint; see LastSeq). */
  readonly #lastSeq = new LastSeq();
  #closed = false;
  readonly #inflight = new InflightTracker();
  readonly #events: EventFeed;
  readonly eventsScope: 'process' | 'database';
  #pgGroup: PgCommitGroup | undefined;

  constructor(settings: KyselyStoreSettings) {
    this.dialect = settings.backend.dialect;
    this.#sql = this.#inflight.wrap(settings.backend);
    this.#settings = settings;
    this.#events = settings.events ?? localFeed(`store:${Math.random().toString(36).slice(2)}`);
    this.eventsScope = this.#events.scope;
  }

  watchEvents(listener: (runId: string) => void): () => void {
    return this.#events.watch(listener);
  }

  get db(): Kysely<any> {
    this.#db ??= this.#settings.db();
    return this.#db;
  }

  init(): Promise<void> {
    this.#ready ??= (async () => {
      try {
        await this.#settings.prepare?.();
        if (this.#settings.migrate) {
          const run = async () => {
            await migrate(this.db, { table: WORKFLOW_MIGRATION_TABLE, migrations: workflowMigrations });
          };
          await (this.#settings.migrateWith ? this.#settings.migrateWith(run) : run());
        }
        // Without the migration (a store opened with migrate: false on an older schema) step
        // commits use the plain statements.
        if (this.#sql.local) {
          const found = await this.#sql.all(
            "SELECT 1 AS n FROM sqlite_master WHERE type = 'trigger' AND name = 'weft_step_commit' AND EXISTS (SELECT 1 FROM pragma_table_info('weft_step_commits') WHERE name = 'e1_seq')",
            [],
          );
          this.#stepView = found.length > 0;
        }
      } catch (error) {
        throw this.#settings.translate?.(error) ?? error;
      }
      this.#initialized = true;
    })();
    this.#ready.catch(() => {
      this.#ready = undefined;
    });
    return this.#ready;
  }

  async #exec(): Promise<SqlBackend> {
    if (this.#closed)
      throw new StoreError('WEFT_STORE_CLOSED', 'The store was closed; create a new one with createStore().');
    if (!this.#initialized) await this.init();
    return this.#sql;
  }

  /** @internal The statement executor (same connection and locks), for flow control and schedules. */
  sqlExec(): Promise<SqlBackend> {
    return this.#exec();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ready?.catch(() => undefined);
    // Let calls already made reach the database, then wait for every statement in flight.
    await new Promise((resolve) => setImmediate(resolve));
    await this.#inflight.idle();
    try {
      await this.#events.close();
      await this.#db?.destroy();
    } finally {
      await this.#settings.onClose?.();
    }
  }

  #pgGroupOf(): PgCommitGroup {
    this.#pgGroup ??= new PgCommitGroup({ exec: async () => this.#sql });
    return this.#pgGroup;
  }

  /** JSON of a value to store; `where` (and `field`) only name it in the error of one that cannot be. */
  #enc(value: unknown, where: ValueWhere, field?: string): string | null {
    return encode(value, this.#settings.maxValueBytes, where, field);
  }

  // ---- runs ----

  async createRun(run: RunRecord, events?: Omit<EventRecord, 'seq' | 'runId'>[]): Promise<void> {
    const sql = await this.#exec();
    const where = { runId: run.id, workflowId: run.workflowId };
    const params = [
      run.id,
      run.workflowId,
      run.definitionHash,
      run.status,
      this.#enc(run.input, where, 'input'),
      this.#enc(run.output, where, 'output'),
      this.#enc(run.error, where, 'error'),
      run.parentRunId ?? null,
      run.leaseOwner ?? null,
      run.leaseExpiresAt ?? null,
      run.createdAt,
      run.updatedAt,
      run.deadlineAt ?? null,
      run.forkedFrom?.runId ?? null,
      run.forkedFrom?.step ?? null,
      run.traceparent ?? null,
    ];
    const insert = RUN_INSERT;
    const appended =
      events && events.length > 0
        ? eventsInsert(
            run.id,
            events,
            events.map((e, i) => this.#enc(e.data, () => ({ runId: run.id, event: e.type, index: i }))),
          )
        : undefined;
    try {
      // Postgres: a dropped connection mid-INSERT is settled by looking for this very row (the
      // run and its events are one statement, so the row proves the events too).
      const alone = () =>
        settle(
          async () => {
            // A local file: a batch, so group commit can merge the INSERTs of runs started together.
            if (!appended)
              await (sql.local ? sql.batch([{ sql: insert, params, rows: 1, key: run.id }]) : sql.run(insert, params));
            else if (sql.dialect === 'postgres')
              await sql.all(`WITH r AS (${insert} RETURNING id), e AS (${appended.sql} RETURNING 1) SELECT 1`, [
                ...params,
                ...appended.params,
              ]);
            else
              await sql.batch([
                { sql: insert, params, rows: 1, key: run.id },
                { sql: appended.sql, params: appended.params, rows: appended.rows, key: run.id },
              ]);
          },
          () => runCreated(sql, run),
        );
      if (sql.dialect === 'postgres' && !appended) {
        // The runs created in the same turn (100 starts at once) share one INSERT.
        await this.#inflight.track(
          this.#pgGroupOf().commit({
            runId: run.id,
            grouped: { kind: 'create', run: params },
            alone,
            applied: async () => (await runCreated(sql, run)) !== undefined,
          }),
        );
      } else await alone();
      // A new run: its events are seq 1…n.
      if (this.#stepView) this.#lastSeq.set(run.id, events?.length ?? 0);
      if (appended) this.#events.committed(run.id);
    } catch (cause) {
      if ((await this.getRun(run.id)) !== undefined) {
        throw new StoreError(
          'WEFT_STORE_RUN_EXISTS',
          `Expected a new run id, but run ${run.id} already exists. Use a fresh id (or getRun/resume the existing run).`,
          { cause, details: { runId: run.id } },
        );
      }
      throw cause;
    }
  }

  // ---- definitions (versioning; logic in definitions.ts) ----

  async saveDefinition(definition: DefinitionRecord): Promise<void> {
    return definitions.saveDefinition(await this.#exec(), definition);
  }

  async getDefinition(hash: string): Promise<DefinitionRecord | undefined> {
    return definitions.getDefinition(await this.#exec(), hash);
  }

  async listDefinitions(workflowId: string): Promise<DefinitionRecord[]> {
    return definitions.listDefinitions(await this.#exec(), workflowId);
  }

  async listLeasedRuns(owner: string): Promise<Array<{ id: string; workflowId: string }>> {
    return listLeasedRuns(await this.#exec(), owner);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const sql = await this.#exec();
    const rows = await sql.all<RunRow>(`SELECT ${RUN_COLUMNS} FROM weft_runs WHERE id = ?`, [runId]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  #runPatch(runId: string, patch: Record<string, unknown>): { sets: string[]; params: unknown[] } {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const key of Object.keys(patch)) {
      const column = RUN_PATCH_COLUMNS[key];
      if (!column) continue;
      const value = patch[key];
      sets.push(`${column} = ?`);
      params.push(JSON_COLUMNS.has(column) ? this.#enc(value, () => ({ runId, field: key })) : (value ?? null));
    }
    return { sets, params };
  }

  updateRun(
    runId: string,
    patch: Partial<Omit<RunRecord, 'id' | 'createdAt'>>,
    expect?: RunStatus[],
    events?: Omit<EventRecord, 'seq' | 'runId'>[],
    leaseOwner?: string,
  ): Promise<boolean> {
    if (!events || events.length === 0) return this.#updateRun(runId, patch, expect, events, leaseOwner);
    // Its events take their seqs after an await: a step commit queued meanwhile must not go first.
    return this.#ordered(runId, () => this.#updateRun(runId, patch, expect, events, leaseOwner));
  }

  /**
   * `write` of `runId`, which takes its event seqs only after an await: until it ends, the run's
   * step commits take the general path (after it, in call order) instead of reserving seqs ahead of it.
   */
  #ordered<T>(runId: string, write: () => Promise<T>): Promise<T> {
    this.#lastSeq.begin(runId);
    const end = () => this.#lastSeq.end(runId);
    const done = write();
    done.then(end, end);
    return done;
  }

  async #updateRun(
    runId: string,
    patch: Partial<Omit<RunRecord, 'id' | 'createdAt'>>,
    expect?: RunStatus[],
    events?: Omit<EventRecord, 'seq' | 'runId'>[],
    leaseOwner?: string,
  ): Promise<boolean> {
    const sql = await this.#exec();
    const { sets, params } = this.#runPatch(runId, patch as Record<string, unknown>);
    if (expect && expect.length === 0) return false;
    // Its events take seqs inside the statement (the run's max + 1…): a remembered last seq k
    // becomes k + n once they are in. A finished run needs none.
    const knownSeq = events && events.length > 0 ? this.#lastSeq.get(runId) : undefined;
    if (patch.status !== undefined && FINISHED.includes(patch.status)) this.#lastSeq.forget(runId);
    else if (events && events.length > 0) this.#lastSeq.forget(runId);
    const data = events?.map((e, i) => this.#enc(e.data, () => ({ runId, event: e.type, index: i })));
    let text: string;
    if (sets.length === 0) {
      // Nothing to set: still a compare-and-set "touch" so the result says whether it applies.
      text = 'UPDATE weft_runs SET id = id WHERE id = ?';
    } else {
      text = `UPDATE weft_runs SET ${sets.join(', ')} WHERE id = ?`;
    }
    params.push(runId);
    if (expect) {
      text += ` AND status IN (${placeholders(expect.length)})`;
      params.push(...expect);
    }
    if (leaseOwner !== undefined) {
      // The fence: a run another owner took over is not ours to finish or suspend.
      text += ' AND lease_owner = ?';
      params.push(leaseOwner);
    }
    // Postgres: a compare-and-set whose connection dropped is settled by reading the run back.
    const patched = () => runPatched(sql, runId, patch);
    if (!events || events.length === 0) return settle(async () => (await sql.run(text, params)) > 0, patched);
    if (sql.local) {
      // One synchronous batch: the INSERT only happens when the UPDATE changed the row.
      const insert = eventsInsert(runId, events, data ?? [], true);
      const [changed] = await sql.batch([
        { sql: text, params },
        { sql: insert.sql, params: insert.params },
      ]);
      if ((changed ?? 0) > 0) {
        if (knownSeq !== undefined && !FINISHED.includes(patch.status as RunStatus))
          this.#lastSeq.set(runId, knownSeq + events.length);
        this.#events.committed(runId);
      }
      return (changed ?? 0) > 0;
    }
    if (sql.dialect === 'postgres') {
      const insert = eventsInsert(runId, events, data ?? []);
      return settle(async () => {
        const rows = await sql.all<{ n: number | string }>(
          `WITH r AS (${text} RETURNING id), e AS (${insert.sql} WHERE EXISTS (SELECT 1 FROM r) RETURNING 1) SELECT COUNT(*) AS n FROM r`,
          [...params, ...insert.params],
        );
        return Number(rows[0]?.n ?? 0) > 0;
      }, patched);
    }
    const applied = await sql.transaction(async (tx) => {
      if ((await tx.run(text, params)) === 0) return false;
      const insert = eventsInsert(runId, events, data ?? []);
      await tx.run(insert.sql, insert.params);
      return true;
    });
    if (applied) this.#events.committed(runId);
    return applied;
  }

  async listRuns(query: RunQuery = {}): Promise<RunPage> {
    return listRuns(await this.#exec(), query);
  }

  async deleteRun(runId: string): Promise<void> {
    this.#lastSeq.forget(runId);
    await deleteRun(await this.#exec(), runId);
  }

  async purgeRuns(before: number, options?: PurgeOptions): Promise<number> {
    this.#lastSeq.clear();
    return purgeRuns(await this.#exec(), before, options);
  }

  // ---- steps ----

  commitStep(commit: StepCommit): Promise<void> {
    // A libsql file's common commit (a step's start or end, the run's final patch): straight to
    // group commit, with no turn of the event loop before the statement is queued.
    if (
      this.#stepView &&
      this.#initialized &&
      !this.#closed &&
      commit.suspension === undefined &&
      commit.timer === undefined &&
      commit.resolvedSuspensionPath === undefined &&
      (commit.events?.length ?? 0) <= STEP_COMMIT_EVENTS
    ) {
      const runId = commit.step.runId;
      // Not ahead of an earlier write of the run still to take its seqs (see #ordered).
      const known = this.#lastSeq.held(runId) ? undefined : commit.events?.length ? this.#lastSeq.get(runId) : 0;
      if (known !== undefined) {
        try {
          return this.#commitLocal(commit, known);
        } catch (error) {
          return Promise.reject(error);
        }
      }
    }
    return this.#ordered(commit.step.runId, () => this.#commitStep(commit));
  }

  /**
   * {@link commitStep} on a libsql file when this store knows the run's last event seq (`known`)
   * and the commit has no suspension, timer or more than two events: one step-commit statement
   * (plus the run patch), queued synchronously. A seq taken meanwhile by another writer retries
   * through the general path, which reads the seq again.
   */
  #commitLocal(commit: StepCommit, known: number): Promise<void> {
    const { step } = commit;
    const runId = step.runId;
    const { stepParams, events, eventData } = this.#stepValues(commit);
    const patch = commit.run ? this.#runPatch(runId, commit.run as Record<string, unknown>) : undefined;
    const owner = commit.leaseOwner;
    const statements: SqlStatement[] = [stepCommitStatement(stepParams, owner, known + 1, events, eventData)];
    if (patch && patch.sets.length > 0) {
      statements.push({
        sql: `UPDATE weft_runs SET ${patch.sets.join(', ')} WHERE id = ?`,
        params: [...patch.params, runId],
      });
    }
    // Every statement reads and writes only this run's rows: group commit may merge them with other runs'.
    for (const st of statements) st.key = runId;
    // Reserved now, synchronously, as the general path does (see #commitStepStatement).
    if (events.length > 0) this.#lastSeq.set(runId, known + events.length);
    return this.#sql.batch(statements).then(
      () => {
        const status = commit.run?.status;
        if (status !== undefined && FINISHED.includes(status)) this.#lastSeq.forget(runId);
        if (events.length > 0) this.#events.committed(runId);
      },
      (error: unknown) => {
        this.#lastSeq.forget(runId);
        if (isSeqTaken(error)) return this.#commitStep(commit);
        throw sqliteCommitError(error, runId, owner);
      },
    );
  }

  /** A step commit's step row (STEP_COLUMNS order) and its events' JSON data, encoded once for either path. */
  #stepValues(commit: StepCommit) {
    const { step } = commit;
    const where = { runId: step.runId, path: step.path, attempt: step.attempt };
    const stepParams = [
      step.runId,
      step.path,
      step.attempt,
      step.status,
      this.#enc(step.input, where, 'input'),
      this.#enc(step.output, where, 'output'),
      this.#enc(step.error, where, 'error'),
      step.startedAt,
      step.endedAt ?? null,
    ];
    const events = commit.events ?? [];
    const eventData = events.map((e, i) =>
      e.data === undefined ? null : this.#enc(e.data, () => ({ runId: step.runId, event: e.type, index: i })),
    );
    return { stepParams, events, eventData };
  }

  async #commitStep(commit: StepCommit): Promise<void> {
    const sql = await this.#exec();
    const { step } = commit;
    const { stepParams, events, eventData } = this.#stepValues(commit);
    const suspension = commit.suspension;
    const suspensionParams = suspension
      ? [
          suspension.runId,
          suspension.path,
          this.#enc(suspension.payload, { runId: suspension.runId, path: suspension.path, field: 'payload' }),
          suspension.resumeSchemaId ?? null,
          suspension.eventName ?? null,
          suspension.createdAt,
        ]
      : undefined;
    const timer = commit.timer;
    const timerParams = timer ? this.#timerParams(timer) : undefined;

    const owner = commit.leaseOwner;
    const pg = sql.dialect === 'postgres';
    const applied = () => stepCommitted(sql, step);
    /** The single-commit path: libsql always; Postgres alone, or when its group failed as a whole. */
    const alone = async (): Promise<void> => {
      const runPatch = commit.run ? this.#runPatch(step.runId, commit.run as Record<string, unknown>) : undefined;
      // The statements after the step and its events: the run patch, suspension and timer.
      const tail: SqlStatement[] = [];
      if (runPatch && runPatch.sets.length > 0) {
        tail.push({
          sql: `UPDATE weft_runs SET ${runPatch.sets.join(', ')} WHERE id = ?`,
          params: [...runPatch.params, step.runId],
        });
      }
      // Re-suspending at the resolved path is one upsert (a DELETE and an upsert of one row cannot
      // share a Postgres statement).
      if (commit.resolvedSuspensionPath !== undefined && commit.resolvedSuspensionPath !== suspension?.path) {
        tail.push({
          sql: 'DELETE FROM weft_suspensions WHERE run_id = ? AND path = ?',
          params: [step.runId, commit.resolvedSuspensionPath],
        });
      }
      if (suspensionParams) tail.push({ sql: SUSPENSION_UPSERT, params: suspensionParams });
      if (timerParams) tail.push({ sql: TIMER_UPSERT, params: timerParams });

      if (this.#stepView) {
        await this.#commitStepStatement(sql, stepParams, events, eventData, tail, owner, applied);
        const status = commit.run?.status;
        if (status !== undefined && FINISHED.includes(status)) this.#lastSeq.forget(step.runId);
      } else {
        // Fenced (SQLite): the step upsert itself is conditional on the lease owner, so the fence
        // costs no extra statement; changing no row rolls the batch back with a LeaseLostError.
        const statements: SqlStatement[] = [
          owner === undefined || pg
            ? { sql: STEP_UPSERT, params: stepParams, rows: 1 }
            : {
                sql: STEP_UPSERT_FENCED,
                params: [...stepParams, step.runId, owner],
                onNoChange: () => new LeaseLostError(step.runId, owner),
                rows: 1,
              },
        ];
        if (events.length > 0) statements.push(eventsInsert(step.runId, events, eventData));
        statements.push(...tail);
        // Every statement reads and writes only this run's rows: group commit may merge them with other runs'.
        for (const s of statements) s.key = step.runId;
        await this.#batch(sql, step.runId, statements, pg ? owner : undefined, applied);
      }
    };
    if (pg) {
      // Postgres: step commits of different runs in the same turn share one statement.
      const patch = commit.run
        ? groupedPatch(commit.run as Record<string, unknown>, (v, key) =>
            this.#enc(v, { runId: step.runId, field: key }),
          )
        : undefined;
      const groupable = patch !== null && !suspension && !timer && commit.resolvedSuspensionPath === undefined;
      await this.#inflight.track(
        this.#pgGroupOf().commit({
          runId: step.runId,
          grouped: groupable
            ? {
                kind: 'step',
                commit: {
                  owner,
                  step: stepParams,
                  events: events.map((e, i) => ({
                    type: e.type,
                    path: e.path ?? null,
                    data: eventData[i] ?? null,
                    at: e.at,
                  })),
                  patch,
                },
              }
            : undefined,
          alone,
          applied: async () => (await applied()) !== undefined,
          missed: () => (owner === undefined ? runNotFound(step.runId) : new LeaseLostError(step.runId, owner)),
        }),
      );
    } else {
      await alone();
    }
    if (events.length > 0) this.#events.committed(step.runId);
  }

  /**
   * libsql file: the fence, the step and its first two events as one statement (the view's
   * trigger, migration 0011), then `tail`; alone it autocommits, without BEGIN/COMMIT. The events'
   * seqs come from {@link LastSeq} (or one read of the run's max seq when this store does not know
   * it); a seq taken meanwhile by another writer fails on the primary key, and the commit is
   * retried with the seq read again.
   */
  async #commitStepStatement(
    sql: SqlBackend,
    stepParams: unknown[],
    events: Omit<EventRecord, 'seq' | 'runId'>[],
    eventData: (string | null)[],
    tail: SqlStatement[],
    owner: string | undefined,
    applied: () => Promise<{ value: undefined } | undefined>,
  ): Promise<void> {
    const runId = stepParams[0] as string;
    for (let attempt = 0; ; attempt++) {
      let last = 0;
      if (events.length > 0) {
        let known = this.#lastSeq.get(runId);
        if (known === undefined) {
          const max = await this.#maxSeq(sql, runId);
          known = this.#lastSeq.get(runId) ?? max; // another commit of the run may have reserved meanwhile
        }
        last = known;
        // Reserved now, synchronously: concurrent commits of one run (parallel branches) take
        // consecutive seqs in the order they are submitted, which is the order they commit in.
        this.#lastSeq.set(runId, last + events.length);
      }
      // rows: 0 — SQLite counts no change for an INSERT into a view (the trigger's writes are not the
      // statement's own); a lost lease aborts the statement instead.
      const statements: SqlStatement[] = [stepCommitStatement(stepParams, owner, last + 1, events, eventData)];
      if (events.length > STEP_COMMIT_EVENTS) {
        statements.push(
          eventsInsertAt(
            runId,
            events.slice(STEP_COMMIT_EVENTS),
            eventData.slice(STEP_COMMIT_EVENTS),
            last + 1 + STEP_COMMIT_EVENTS,
          ),
        );
      }
      statements.push(...tail);
      // Every statement reads and writes only this run's rows: group commit may merge them with other runs'.
      for (const s of statements) s.key = runId;
      try {
        await this.#batch(sql, runId, statements, undefined, applied, owner);
        return;
      } catch (error) {
        this.#lastSeq.forget(runId);
        if (isSeqTaken(error) && attempt < 5) continue;
        throw error;
      }
    }
  }

  /** The seq of the run's last stored event (0 when it has none). */
  async #maxSeq(sql: SqlBackend, runId: string): Promise<number> {
    const rows = await sql.all<{ s: number | null }>('SELECT MAX(seq) AS s FROM weft_events WHERE run_id = ?', [runId]);
    return Number(rows[0]?.s ?? 0);
  }

  /**
   * One transaction. A foreign-key violation means the run does not exist; on Postgres two
   * concurrent appends to one run can race for the same event seq: the loser retries. `owner`: the
   * lease owner a libsql step-commit trigger fenced the commit on (its abort is a lost lease).
   */
  async #batch(
    sql: SqlBackend,
    runId: string,
    statements: SqlStatement[],
    pgFence: string | undefined,
    applied: () => Promise<{ value: undefined } | undefined>,
    owner?: string,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (sql.dialect === 'postgres') {
          await settle(() => this.#pgStatement(sql, runId, statements, pgFence), applied);
        } else {
          await sql.batch(statements);
        }
        return;
      } catch (error) {
        const e = error as { code?: string; message?: string };
        if (pgFence !== undefined && e.code === '22012') throw new LeaseLostError(runId, pgFence, { cause: error });
        if (e.code === '23503') throw runNotFound(runId, error);
        const translated = sqliteCommitError(error, runId, owner);
        if (translated !== error) throw translated;
        if (e.code === '23505' && attempt < 5 && statements.some((s) => s.sql.startsWith(EVENTS_INSERT_PREFIX)))
          continue;
        throw error;
      }
    }
  }

  /** A Postgres commit as one statement. */
  async #pgStatement(
    sql: SqlBackend,
    runId: string,
    statements: SqlStatement[],
    pgFence: string | undefined,
  ): Promise<void> {
    // One round trip, no BEGIN/COMMIT: a single statement is atomic, and data-modifying
    // CTEs all run to completion on the same snapshot.
    if (pgFence !== undefined) {
      const parts = statements.map((st, i) => `w${i} AS (${st.sql} RETURNING 1)`);
      await sql.all(`WITH ${PG_FENCE}, ${parts.join(', ')} ${PG_FENCE_CHECK}`, [
        runId,
        pgFence,
        ...statements.flatMap((st) => st.params),
      ]);
    } else if (statements.length === 1) {
      const only = statements[0] as SqlStatement;
      await sql.run(only.sql, only.params);
    } else {
      const parts = statements.map((st, i) => `w${i} AS (${st.sql} RETURNING 1)`);
      await sql.all(
        `WITH ${parts.join(', ')} SELECT 1`,
        statements.flatMap((st) => st.params),
      );
    }
  }

  async deleteSteps(runId: string, paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    const sql = await this.#exec();
    await sql.transaction(async (tx) => {
      for (let i = 0; i < paths.length; i += 200) {
        const chunk = paths.slice(i, i + 200);
        for (const table of ['weft_steps', 'weft_suspensions', 'weft_timers']) {
          await tx.run(`DELETE FROM ${table} WHERE run_id = ? AND path IN (${placeholders(chunk.length)})`, [
            runId,
            ...chunk,
          ]);
        }
      }
    });
  }

  async loadRun(runId: string, eventTypes: string[]): Promise<LoadedRun | undefined> {
    return loadRun(await this.#exec(), runId, eventTypes);
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const sql = await this.#exec();
    const rows = await sql.all<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM weft_steps WHERE run_id = ? ORDER BY started_at, attempt, path`,
      [runId],
    );
    return rows.map(toStep);
  }

  // ---- suspensions ----

  async listSuspensions(runId: string): Promise<SuspensionRecord[]> {
    const sql = await this.#exec();
    const rows = await sql.all<SuspensionRow>(
      `SELECT ${SUSPENSION_COLUMNS} FROM weft_suspensions WHERE run_id = ? ORDER BY created_at, path`,
      [runId],
    );
    return rows.map(toSuspension);
  }

  async findSuspensions(query: {
    eventName?: string;
    workflowId?: string;
    limit?: number;
  }): Promise<SuspensionRecord[]> {
    const sql = await this.#exec();
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.eventName !== undefined) {
      where.push('s.event_name = ?');
      params.push(query.eventName);
    }
    if (query.workflowId !== undefined) {
      where.push('r.workflow_id = ?');
      params.push(query.workflowId);
    }
    params.push(Math.max(1, Math.min(10_000, Math.floor(query.limit ?? 1000))));
    const columns = SUSPENSION_COLUMNS.split(', ')
      .map((c) => `s.${c}`)
      .join(', ');
    const join = query.workflowId !== undefined ? ' JOIN weft_runs r ON r.id = s.run_id' : '';
    const rows = await sql.all<SuspensionRow>(
      `SELECT ${columns} FROM weft_suspensions s${join}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY s.created_at, s.run_id, s.path LIMIT ?`,
      params,
    );
    return rows.map(toSuspension);
  }

  // ---- events ----

  appendEvents(runId: string, events: Omit<EventRecord, 'seq' | 'runId'>[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return this.#ordered(runId, () => this.#appendEvents(runId, events));
  }

  async #appendEvents(runId: string, events: Omit<EventRecord, 'seq' | 'runId'>[]): Promise<void> {
    const sql = await this.#exec();
    const data = events.map((e, i) => this.#enc(e.data, () => ({ runId, event: e.type, index: i })));
    const last = events[events.length - 1] as Omit<EventRecord, 'seq' | 'runId'>;
    this.#lastSeq.forget(runId);
    await this.#batch(sql, runId, [eventsInsert(runId, events, data)], undefined, () =>
      eventsAppended(sql, runId, last),
    );
    this.#events.committed(runId);
  }

  async readEvents(runId: string, afterSeq = 0, types?: string[]): Promise<EventRecord[]> {
    const sql = await this.#exec();
    if (types && types.length === 0) return [];
    const filter = types ? ` AND type IN (${placeholders(types.length)})` : '';
    const rows = await sql.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM weft_events WHERE run_id = ? AND seq > ?${filter} ORDER BY seq`,
      types ? [runId, afterSeq, ...types] : [runId, afterSeq],
    );
    return rows.map(toEvent);
  }

  async countEvents(runId: string, types: string[]): Promise<number> {
    if (types.length === 0) return 0;
    const sql = await this.#exec();
    const rows = await sql.all<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM weft_events WHERE run_id = ? AND type IN (${placeholders(types.length)})`,
      [runId, ...types],
    );
    return Number(rows[0]?.n ?? 0);
  }

  // ---- leases ----

  async claimRuns(options: ClaimOptions): Promise<RunRecord[]> {
    return claimRuns(await this.#exec(), options);
  }

  async claimRunsLimited(options: ClaimOptions & { workflowId: string; maxRunning: number }): Promise<RunRecord[]> {
    return claimRunsLimited(await this.#exec(), options);
  }

  async renewLeases(owner: string, runIds: string[], leaseMs: number): Promise<string[]> {
    return renewLeases(await this.#exec(), owner, runIds, leaseMs);
  }

  // ---- timers ----

  #timerParams(timer: TimerRecord): unknown[] {
    return [
      timer.id,
      timer.runId,
      timer.path,
      timer.kind,
      timer.dueAt,
      this.#enc(timer.data, { runId: timer.runId, timer: timer.id, field: 'data' }),
    ];
  }

  async addTimer(timer: TimerRecord): Promise<void> {
    const sql = await this.#exec();
    await sql.run(TIMER_UPSERT, this.#timerParams(timer));
  }

  async takeDueTimers(now: number, limit: number): Promise<TimerRecord[]> {
    if (limit <= 0) return [];
    const sql = await this.#exec();
    // A worker polls this on every wake-up: when no timer is due, one indexed read and no write.
    const due = await sql.all<{ n: number }>(
      'SELECT 1 AS n FROM weft_timers WHERE due_at <= ? AND (taken_until IS NULL OR taken_until < ?) LIMIT 1',
      [now, now],
    );
    if (due.length === 0) return [];
    // A taken timer is hidden for timerLeaseMs rather than deleted: if the taker dies before it
    // fired (and called deleteTimer), the timer comes back instead of being lost.
    const lock = this.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await sql.all<TimerRow>(
      `UPDATE weft_timers SET taken_until = ? WHERE id IN (SELECT id FROM weft_timers
       WHERE due_at <= ? AND (taken_until IS NULL OR taken_until < ?) ORDER BY due_at, id LIMIT ?${lock})
       RETURNING ${TIMER_COLUMNS}`,
      [now + this.#settings.timerLeaseMs, now, now, Math.floor(limit)],
    );
    return rows.map(toTimer).sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
  }

  async deleteTimers(runId: string, path?: string): Promise<void> {
    const sql = await this.#exec();
    if (path === undefined) await sql.run('DELETE FROM weft_timers WHERE run_id = ?', [runId]);
    else await sql.run('DELETE FROM weft_timers WHERE run_id = ? AND path = ?', [runId, path]);
  }

  async deleteTimer(timerId: string): Promise<void> {
    const sql = await this.#exec();
    await sql.run('DELETE FROM weft_timers WHERE id = ?', [timerId]);
  }

  async vacuum(): Promise<void> {
    const sql = await this.#exec();
    if (sql.local) {
      // VACUUM cannot run inside a transaction: straight on the connection, under its lock.
      const local = sql.local;
      await local.lock.acquire();
      try {
        local.db.exec('VACUUM');
        if (local.path !== ':memory:') local.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        local.lock.release();
      }
    } else if (this.dialect === 'sqlite') {
      await sql.all('VACUUM', []);
    } else {
      for (const table of ['weft_runs', 'weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers']) {
        await sql.run(`VACUUM ${table}`, []);
      }
    }
  }
}
