/**
 * Group commit on Postgres: the step commits of different runs that arrive in the same event-loop
 * turn (100 runs executing at once each commit a step, then all of them the next one) are written
 * by **one** statement — one round trip, one transaction, one WAL flush — instead of one each.
 *
 * The statement takes the commits as two JSON parameters (steps, events) and applies each run's
 * guard on its own: a commit whose fence fails (another owner holds the run, it was canceled) or
 * whose run is gone is left out of every write, and only that commit rejects (`LeaseLostError`,
 * run not found). The rest commit together. When the statement fails as a whole (a constraint, a
 * concurrent append racing for an event seq, a dropped connection), every commit of the group is
 * settled on its own by the store's single-commit path — after checking, when the outcome is
 * unknown, whether it committed after all — so one bad commit never fails the others.
 *
 * Durability is that of a single commit: every promise resolves only after the statement holding
 * its commit committed. What is shared is the statement, its parse/plan, the network round trip and
 * the commit record; with `synchronous_commit=on`, the WAL fsync.
 *
 * Only the common shape is grouped: a step row, its events, the run's fence and (for the final step
 * of a run) a patch of its status, output, error, update time and traceparent. Suspensions, timers
 * and resolved suspensions take the single-commit path.
 */
import type { SqlExec } from './sql-exec.js';
import { StoreConnectionError } from './errors.js';

/** One step commit, encoded (JSON values are already text). */
export interface PgGroupedCommit {
  /** The fence: the run must be `running` and leased to this owner. */
  owner: string | undefined;
  /** The step row's 9 values in STEP_COLUMNS order. */
  step: readonly unknown[];
  events: readonly { type: string; path: string | null; data: string | null; at: number }[];
  /** Encoded run patch (only the grouped columns). */
  patch?: PgGroupedPatch | undefined;
}

/** The run columns a grouped commit may set. */
export interface PgGroupedPatch {
  status?: string | null;
  output?: string | null;
  error?: string | null;
  updated_at?: number | null;
  traceparent?: string | null;
}
export const GROUPED_PATCH_KEYS: Record<string, keyof PgGroupedPatch> = {
  status: 'status',
  output: 'output',
  error: 'error',
  updatedAt: 'updated_at',
  traceparent: 'traceparent',
};

/** A write waiting for its turn: a step commit, or the creation of a run. */
export interface PgQueuedCommit {
  runId: string;
  /** The write as a group member; undefined for a shape that is written alone. */
  grouped: { kind: 'step'; commit: PgGroupedCommit } | { kind: 'create'; run: readonly unknown[] } | undefined;
  /** The single-commit path (alone, or when the group's statement failed as a whole). */
  alone(): Promise<void>;
  /** Whether the commit is stored (settles a group whose outcome is unknown). */
  applied(): Promise<boolean>;
  /**
   * The error of a commit its guard left out of the group (lease lost, run not found); without
   * it, a member left out is written alone (a run id that exists: the single path reports it).
   */
  missed?(): unknown;
}

interface Pending {
  commit: PgQueuedCommit;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface PgGroupOptions {
  /** The statement executor (retries across blips as for any statement). */
  exec: () => Promise<SqlExec>;
  /** Most commits per statement (default 500). */
  maxBatch?: number;
  /**
   * Most grouped statements in flight at once (default 2). While they are, new commits wait and
   * join the next statement: under load the groups grow instead of the statements multiplying.
   */
  maxInFlight?: number;
}

const PATCH_SETS = ['status', 'output', 'error', 'updated_at', 'traceparent']
  .map(
    (c) =>
      `${c} = CASE WHEN u.m & ${1 << ['status', 'output', 'error', 'updated_at', 'traceparent'].indexOf(c)} <> 0 THEN u.${c} ELSE weft_runs.${c} END`,
  )
  .join(', ');

/**
 * The grouped statement. `c`: the commits (i: index in the group, o: fence owner or null);
 * `ok`: those whose guard holds, their run rows locked FOR SHARE (a concurrent claim or cancel is
 * waited for and the guard re-checked on the newest row version, as for a single commit) in id
 * order — the order a lease renewal locks them in too, so the two never deadlock; the step
 * upserts, event inserts (seq = the run's max + k, one commit per run per group) and run patches of
 * `ok` only. Returns the index of every commit that was applied.
 *
 * Both reads of `weft_runs` go through its primary key whatever the planner estimates: the fence is
 * a LATERAL probe per commit (a locking subquery is never flattened into a join) and the patch
 * carries a redundant `id = ANY(ARRAY(…))` index condition. As plain joins, a generic plan made
 * while the table looked small (or still looked cheaper to scan at 5,000 runs, by the cost model)
 * hashed a sequential scan of every run into each statement: a cost that grew with the stored runs
 * (measured: ≈ 0.9 ms of a 100-commit statement's ≈ 5 ms at 5,000 runs).
 */
export const GROUP_COMMIT_SQL = `WITH c AS MATERIALIZED (SELECT * FROM json_to_recordset(CAST(? AS json)) AS t(i int, r text, o text, p text, a int, s text, inp text, outp text, err text, st bigint, en bigint)),
ok AS MATERIALIZED (SELECT q.i, q.r FROM (SELECT c.i, c.r, c.o FROM c ORDER BY c.r) q CROSS JOIN LATERAL
  (SELECT 1 FROM weft_runs WHERE weft_runs.id = q.r AND (q.o IS NULL OR (weft_runs.lease_owner = q.o AND weft_runs.status = 'running')) FOR SHARE) l),
s AS (INSERT INTO weft_steps (run_id, path, attempt, status, input, output, error, started_at, ended_at)
  SELECT c.r, c.p, c.a, c.s, c.inp, c.outp, c.err, c.st, c.en FROM c JOIN ok ON ok.i = c.i
  ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = excluded.status,
  input = COALESCE(excluded.input, weft_steps.input), output = excluded.output,
  error = excluded.error, ended_at = excluded.ended_at RETURNING 1),
v AS (SELECT * FROM json_to_recordset(CAST(? AS json)) AS t(i int, k int, ty text, p text, d text, at bigint)),
e AS (INSERT INTO weft_events (run_id, seq, type, path, data, at)
  SELECT ok.r, COALESCE((SELECT MAX(w.seq) FROM weft_events w WHERE w.run_id = ok.r), 0) + v.k, v.ty, v.p, v.d, v.at
  FROM v JOIN ok ON ok.i = v.i RETURNING 1),
u AS (SELECT * FROM json_to_recordset(CAST(? AS json)) AS t(i int, m int, status text, output text, error text, updated_at bigint, traceparent text)),
x AS MATERIALIZED (SELECT u.*, ok.r FROM u JOIN ok ON ok.i = u.i),
w AS (UPDATE weft_runs SET ${PATCH_SETS} FROM x u WHERE weft_runs.id = u.r AND weft_runs.id = ANY (ARRAY(SELECT r FROM x)) RETURNING 1)
SELECT i FROM ok`;

const RUN_COLUMN_TYPES =
  'id text, workflow_id text, definition_hash text, status text, input text, output text, error text, parent_run_id text, lease_owner text, lease_expires_at bigint, created_at bigint, updated_at bigint, deadline_at bigint, forked_from_run_id text, forked_from_step text, traceparent text';
const RUN_NAMES = RUN_COLUMN_TYPES.split(', ').map((c) => c.split(' ')[0] as string);

/** Run creations of one turn: one INSERT; a run id that exists is left out (and written alone, which reports it). */
export const GROUP_CREATE_SQL = `INSERT INTO weft_runs (${RUN_NAMES.join(', ')})
  SELECT ${RUN_NAMES.join(', ')} FROM json_to_recordset(CAST(? AS json)) AS t(i int, ${RUN_COLUMN_TYPES})
  ON CONFLICT (id) DO NOTHING RETURNING id`;

/** Encodes run creations (each the 16 values in RUN_COLUMNS order). */
export function createParams(runs: readonly (readonly unknown[])[]): string {
  return JSON.stringify(
    runs.map((values, i) => {
      const row: Record<string, unknown> = { i };
      RUN_NAMES.forEach((name, k) => {
        row[name] = values[k] ?? null;
      });
      return row;
    }),
  );
}

/** Encodes a group as the statement's three parameters. */
export function groupParams(commits: readonly PgGroupedCommit[]): [string, string, string] {
  const steps: unknown[] = [];
  const events: unknown[] = [];
  const patches: unknown[] = [];
  commits.forEach((c, i) => {
    const s = c.step;
    steps.push({
      i,
      r: c.step[0],
      o: c.owner ?? null,
      p: s[1],
      a: s[2],
      s: s[3],
      inp: s[4],
      outp: s[5],
      err: s[6],
      st: s[7],
      en: s[8],
    });
    c.events.forEach((e, k) => {
      events.push({ i, k: k + 1, ty: e.type, p: e.path, d: e.data, at: e.at });
    });
    if (c.patch) {
      let m = 0;
      const row: Record<string, unknown> = { i };
      (['status', 'output', 'error', 'updated_at', 'traceparent'] as const).forEach((key, bit) => {
        if (c.patch && key in c.patch) {
          m |= 1 << bit;
          row[key] = c.patch[key] ?? null;
        }
      });
      row.m = m;
      patches.push(row);
    }
  });
  return [JSON.stringify(steps), JSON.stringify(events), JSON.stringify(patches)];
}

/** Collects the commits of one event-loop turn and writes them as one statement. */
export class PgCommitGroup {
  readonly #options: PgGroupOptions;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #inFlight = 0;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Runs with a commit being written: their next commits wait, so a run's commits keep their order. */
  readonly #busy = new Set<string>();

  constructor(options: PgGroupOptions) {
    this.#options = options;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxInFlight = options.maxInFlight ?? 2;
  }

  /** Resolves once the commit is stored (with the others of its turn). */
  commit(commit: PgQueuedCommit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ commit, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // After every continuation of this turn has queued its commit (promise jobs, then I/O callbacks).
    setImmediate(() => {
      this.#scheduled = false;
      // Statements in flight: this turn's commits go with the next one (flushed when one returns).
      if (this.#inFlight < this.#maxInFlight) this.#flush();
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    // One commit per run per statement (their event seqs are computed from the same snapshot), and
    // none while an earlier one of the run is being written: a run's commits keep their order.
    const taken = new Set<string>();
    const steps: Pending[] = [];
    const creates: Pending[] = [];
    for (const p of queue) {
      const runId = p.commit.runId;
      const kind = p.commit.grouped?.kind;
      const group = kind === 'step' ? steps : kind === 'create' ? creates : undefined;
      if (taken.has(runId) || this.#busy.has(runId) || (group && group.length >= this.#maxBatch)) {
        taken.add(runId);
        this.#queue.push(p);
        continue;
      }
      taken.add(runId);
      this.#busy.add(runId);
      if (group) group.push(p);
      else void this.#settle([p], this.#alone(p));
    }
    if (steps.length > 0) void this.#settle(steps, this.#write(steps, 'step'), true);
    if (creates.length > 0) void this.#settle(creates, this.#write(creates, 'create'), true);
  }

  async #settle(group: Pending[], written: Promise<void>, counted = false): Promise<void> {
    if (counted) this.#inFlight++;
    await written;
    if (counted) this.#inFlight--;
    for (const p of group) this.#busy.delete(p.commit.runId);
    if (this.#queue.length > 0) this.#schedule();
  }

  #alone(p: Pending): Promise<void> {
    return p.commit.alone().then(p.resolve, p.reject);
  }

  async #write(group: Pending[], kind: 'step' | 'create'): Promise<void> {
    if (group.length === 1) return this.#alone(group[0] as Pending);
    let applied: Set<number>;
    try {
      const sql = await this.#options.exec();
      const members = group.map((p) => p.commit.grouped);
      const rows = await sql.all<{ i?: number; id?: string }>(
        kind === 'step' ? GROUP_COMMIT_SQL : GROUP_CREATE_SQL,
        kind === 'step'
          ? groupParams(members.map((m) => (m as { commit: PgGroupedCommit }).commit))
          : [createParams(members.map((m) => (m as { run: readonly unknown[] }).run))],
      );
      if (kind === 'step') applied = new Set(rows.map((r) => Number(r.i)));
      else {
        const index = new Map(group.map((p, i) => [p.commit.runId, i]));
        applied = new Set(rows.map((r) => index.get(r.id as string) ?? -1));
      }
    } catch (error) {
      // The statement failed as a whole: settle each commit on its own.
      const unknown = error instanceof StoreConnectionError && error.outcome === 'unknown';
      await Promise.all(
        group.map(async (p) => {
          try {
            if (unknown && (await p.commit.applied())) return p.resolve();
            await p.commit.alone();
            p.resolve();
          } catch (e) {
            p.reject(e);
          }
        }),
      );
      return;
    }
    await Promise.all(
      group.map((p, i) => {
        if (applied.has(i)) p.resolve();
        else if (p.commit.missed) p.reject(p.commit.missed());
        else return this.#alone(p);
        return undefined;
      }),
    );
  }
}

/**
 * A run patch as grouped columns (JSON columns encoded with `encode`), or null when it sets a
 * column the grouped statement does not (that commit is written alone).
 */
export function groupedPatch(
  patch: Record<string, unknown>,
  encode: (value: unknown, key: string) => string | null,
): PgGroupedPatch | null | undefined {
  const out: PgGroupedPatch = {};
  let any = false;
  for (const key of Object.keys(patch)) {
    const column = GROUPED_PATCH_KEYS[key];
    if (!column) return null;
    any = true;
    const value = patch[key];
    (out as Record<string, unknown>)[column] =
      column === 'output' || column === 'error' ? encode(value, key) : (value ?? null);
  }
  return any ? out : undefined;
}
