/**
 * The store's hand-written statements (`?` placeholders; rewritten to `$n` for Postgres) and the
 * small helpers that build them. Statement texts are cached, so each one is prepared once.
 */
import type { EventRecord, RunRecord, RunStatus } from '../store.js';
import { StoreError } from './errors.js';
import { EVENT_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, SUSPENSION_COLUMNS, TIMER_COLUMNS } from './rows.js';
import { INFLIGHT } from './schema.js';
import type { SqlStatement } from './sql-exec.js';

export const FINISHED: RunStatus[] = ['success', 'failed', 'canceled'];

export const RUN_PATCH_COLUMNS: Record<string, string> = {
  workflowId: 'workflow_id',
  definitionHash: 'definition_hash',
  status: 'status',
  input: 'input',
  output: 'output',
  error: 'error',
  parentRunId: 'parent_run_id',
  leaseOwner: 'lease_owner',
  leaseExpiresAt: 'lease_expires_at',
  updatedAt: 'updated_at',
  deadlineAt: 'deadline_at',
  traceparent: 'traceparent',
};
export const JSON_COLUMNS = new Set(['input', 'output', 'error']);

const placeholderTexts: string[] = [];
/** `?, ?, …` for `n` parameters (each text made once: the hot path asks for the same few). */
export function placeholders(n: number): string {
  let text = placeholderTexts[n];
  if (text === undefined) {
    text = n > 0 ? `?${', ?'.repeat(n - 1)}` : '';
    if (n < 1024) placeholderTexts[n] = text;
  }
  return text;
}

export function cursorOf(run: RunRecord): string {
  return Buffer.from(`${run.createdAt}:${run.id}`).toString('base64url');
}
export function parseCursor(cursor: string): { createdAt: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = text.indexOf(':');
  const createdAt = Number(text.slice(0, i));
  if (i < 0 || !Number.isFinite(createdAt)) {
    throw new StoreError('WEFT_STORE_BAD_CURSOR', `Expected a cursor from a previous listRuns page, got "${cursor}".`);
  }
  return { createdAt, id: text.slice(i + 1) };
}

const claimSql = new Map<string, string>();
/**
 * The claim statement (atomic UPDATE … RETURNING), with optional `workflow_id IN (…)` and
 * `workflow_id NOT IN (…)` filters of `include` and `exclude` ids; its parameters come from
 * {@link claimParams}. Queued runs with `available_at` (flow-controlled: keys, priorities, debounce)
 * are left to the flow claim (src/flow-control).
 *
 * Postgres: the oldest queued runs and the oldest running runs whose lease expired are found by two
 * separate walks of the in-flight index (each `ORDER BY created_at, id LIMIT n FOR UPDATE SKIP
 * LOCKED`), and the oldest `n` of their union are claimed — the same runs, in the same order, as
 * one scan of the OR'd condition, without one walk filtering the other's rows. (A branch can lock
 * up to `n` rows the statement then leaves unclaimed; they are unlocked when it commits, and a
 * concurrent claimer only skips them, as it skips any row being claimed.) The ids are matched with
 * `id = ANY(ARRAY(…))`, so the update goes through the primary key: with `id IN (…)` the planner
 * may hash-join the ids against a sequential scan of the whole table, history included.
 */
export function claimStatement(dialect: 'sqlite' | 'postgres', include: number, exclude = 0): string {
  const key = `${dialect}:${include}:${exclude}`;
  let text = claimSql.get(key);
  if (text === undefined) {
    const filter =
      (include > 0 ? ` AND workflow_id IN (${placeholders(include)})` : '') +
      (exclude > 0 ? ` AND workflow_id NOT IN (${placeholders(exclude)})` : '');
    const set = "UPDATE weft_runs SET status = 'running', lease_owner = ?, lease_expires_at = ?, updated_at = ?";
    if (dialect === 'postgres') {
      const branch = (condition: string) =>
        `SELECT id, created_at FROM (SELECT id, created_at FROM weft_runs WHERE ${condition}${filter}
        ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED)`;
      text = `${set}
      WHERE id = ANY(ARRAY(SELECT id FROM (${branch("status = 'queued' AND available_at IS NULL")} AS queued
        UNION ALL ${branch("status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?)")} AS expired) AS claimable
      ORDER BY created_at, id LIMIT ?)) RETURNING ${RUN_COLUMNS}`;
    } else {
      text = `${set}
      WHERE id IN (SELECT id FROM weft_runs WHERE ${INFLIGHT} AND ((status = 'queued' AND available_at IS NULL) OR (status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?)))${filter}
      ORDER BY created_at, id LIMIT ?) RETURNING ${RUN_COLUMNS}`;
    }
    if (include + exclude <= 32) claimSql.set(key, text);
  }
  return text;
}

/** The parameters of {@link claimStatement}, in its placeholders' order. */
export function claimParams(
  dialect: 'sqlite' | 'postgres',
  claim: {
    owner: string;
    expiresAt: number;
    now: number;
    include: readonly string[];
    exclude: readonly string[];
    limit: number;
  },
): unknown[] {
  const filter = [...claim.include, ...claim.exclude];
  const limit = Math.floor(claim.limit);
  const set = [claim.owner, claim.expiresAt, claim.now];
  return dialect === 'postgres'
    ? [...set, ...filter, limit, claim.now, ...filter, limit, limit]
    : [...set, claim.now, ...filter, limit];
}

export const SUSPENSION_UPSERT = `INSERT INTO weft_suspensions (${SUSPENSION_COLUMNS}) VALUES (${placeholders(6)})
  ON CONFLICT (run_id, path) DO UPDATE SET payload = excluded.payload, resume_schema_id = excluded.resume_schema_id,
  event_name = excluded.event_name, created_at = excluded.created_at`;

export const TIMER_UPSERT = `INSERT INTO weft_timers (${TIMER_COLUMNS}) VALUES (${placeholders(6)})
  ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, path = excluded.path, kind = excluded.kind,
  due_at = excluded.due_at, data = excluded.data, taken_until = NULL`;

export function runNotFound(runId: string, cause?: unknown): StoreError {
  return new StoreError(
    'WEFT_STORE_RUN_NOT_FOUND',
    `Expected run ${runId} to exist, but it is not in the store (deleted or never created). Nothing was written.`,
    { cause, details: { runId } },
  );
}

export const STEP_UPSERT = `INSERT INTO weft_steps (${STEP_COLUMNS}) VALUES (${placeholders(9)})
  ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = excluded.status,
  input = COALESCE(excluded.input, weft_steps.input), output = excluded.output,
  error = excluded.error, ended_at = excluded.ended_at`;

/**
 * SQLite: the step upsert fenced by the run's lease owner, as one conditional INSERT (params: the
 * step's 9, then run id and owner). It changes no row once another owner holds the run. Writers
 * are serialized by SQLite, so the check and the write see the same state.
 */
export const STEP_UPSERT_FENCED = `INSERT INTO weft_steps (${STEP_COLUMNS}) SELECT ${placeholders(9)}
  WHERE EXISTS (SELECT 1 FROM weft_runs WHERE id = ? AND lease_owner = ? AND status = 'running')
  ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = excluded.status,
  input = COALESCE(excluded.input, weft_steps.input), output = excluded.output,
  error = excluded.error, ended_at = excluded.ended_at`;

/**
 * libsql: a step commit as one statement, an INSERT into the `weft_step_commits` view whose
 * INSTEAD OF trigger (migration `0011_step_commit`) runs the lease fence, the step upsert and up to
 * two events atomically (params: the step's 9, the lease owner or null, the first event's seq, then
 * type, path, data and at of each of two events, nulls for an absent one; the second event's seq
 * is the first's + 1). A lone statement autocommits: no BEGIN/COMMIT.
 */
export const STEP_COMMIT = `INSERT INTO weft_step_commits (${STEP_COLUMNS}, lease_owner, e1_seq, e1_type, e1_path, e1_data, e1_at, e2_type, e2_path, e2_data, e2_at) VALUES (${placeholders(19)})`;
/**
 * {@link STEP_COMMIT} of the most common commit, a step's success: no error and one event without
 * data. The NULLs are written into the text instead of bound (13 parameters instead of 19: the step's
 * 9 but `error`, the lease owner or null, the event's seq, type, path and at): binding costs the
 * libsql driver about 0.1 µs a parameter, a twentieth of a commit's JS.
 */
export const STEP_COMMIT_LEAN = `INSERT INTO weft_step_commits (${STEP_COLUMNS}, lease_owner, e1_seq, e1_type, e1_path, e1_data, e1_at, e2_type, e2_path, e2_data, e2_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, NULL)`;
/** The message the step-commit trigger aborts with when the fence fails (the run is another owner's). */
export const STEP_COMMIT_LEASE_LOST = 'WEFT_LEASE_LOST';
/** Events a {@link STEP_COMMIT} statement holds; the rest go in an events INSERT after it. */
export const STEP_COMMIT_EVENTS = 2;

const eventsAtSql = new Map<number, string>();
/** libsql: appends events with the given seqs `firstSeq…` (a taken seq fails on the primary key). */
export function eventsInsertAt(
  runId: string,
  events: Omit<EventRecord, 'seq' | 'runId'>[],
  data: (string | null)[],
  firstSeq: number,
): SqlStatement {
  let text = eventsAtSql.get(events.length);
  if (text === undefined) {
    text = `${EVENTS_INSERT_PREFIX} (${EVENT_COLUMNS}) VALUES ${events.map(() => `(${placeholders(6)})`).join(', ')}`;
    if (events.length <= 16) eventsAtSql.set(events.length, text);
  }
  const params: unknown[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Omit<EventRecord, 'seq' | 'runId'>;
    params.push(runId, firstSeq + i, e.type, e.path ?? null, data[i] ?? null, e.at);
  }
  return { sql: text, params, rows: events.length };
}

/**
 * Postgres: the fence of a step commit, a CTE of the commit's single statement. `FOR SHARE` waits
 * for a concurrent claim of the run to commit and re-checks the owner on the newest row version (a
 * claim's `SKIP LOCKED` skips a run being committed); the statement ends with
 * `1 / (SELECT COUNT(*) FROM fence)`, a division by zero (22012) that rolls back the whole
 * statement when the fence matched nothing.
 */
export const PG_FENCE =
  "fence AS (SELECT 1 FROM weft_runs WHERE id = ? AND lease_owner = ? AND status = 'running' FOR SHARE)";
export const PG_FENCE_CHECK = 'SELECT 1 / (SELECT COUNT(*) FROM fence)';

export const EVENTS_INSERT_PREFIX = 'INSERT INTO weft_events';
const eventsSql = new Map<number, string>();

/**
 * Appends events with seq = the run's current max + 1…n, computed inside the INSERT: no SELECT
 * round trip, no counter row to update. The casts type the VALUES list for Postgres.
 */
export function eventsInsert(
  runId: string,
  events: Omit<EventRecord, 'seq' | 'runId'>[],
  data: (string | null)[],
  /** SQLite only: insert only if the previous statement changed a row. */
  ifChanged = false,
): SqlStatement {
  const key = ifChanged ? -events.length : events.length;
  let text = eventsSql.get(key);
  if (text === undefined) {
    const rows = events.map(
      (_, i) => `(${i + 1}, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT))`,
    );
    text = `${EVENTS_INSERT_PREFIX} (${EVENT_COLUMNS}) SELECT CAST(? AS TEXT), COALESCE((SELECT MAX(seq) FROM weft_events WHERE run_id = ?), 0) + v.column1, v.column2, v.column3, v.column4, v.column5 FROM (VALUES ${rows.join(', ')}) AS v${ifChanged ? ' WHERE changes() > 0' : ''}`;
    if (events.length <= 16) eventsSql.set(key, text);
  }
  const params: unknown[] = [runId, runId];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Omit<EventRecord, 'seq' | 'runId'>;
    params.push(e.type, e.path ?? null, data[i] ?? null, e.at);
  }
  // Mergeable by group commit (not with changes(): that would see the merged statement).
  return ifChanged ? { sql: text, params } : { sql: text, params, rows: events.length };
}
