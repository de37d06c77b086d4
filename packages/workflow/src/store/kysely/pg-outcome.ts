/**
 * Did a write whose connection dropped mid-flight commit? One read per kind of write, keyed on
 * values only that write can have stored (its exact timestamps), so the store can finish a
 * commit of unknown outcome without applying it twice (see `settle` in pg-resilience.ts).
 * Each check is a plain SELECT, which the Postgres backend retries across the blip itself.
 */
import type { RunRecord, StepRecord } from '../store.js';
import { RUN_COLUMNS, type RunRow } from './rows.js';
import type { SqlExec } from './sql-exec.js';

/** The run row `createRun` wrote (same id, creation time and definition). */
export async function runCreated(sql: SqlExec, run: RunRecord): Promise<{ value: undefined } | undefined> {
  const rows = await sql.all<{ id: string }>(
    'SELECT id FROM weft_runs WHERE id = ? AND created_at = ? AND definition_hash = ?',
    [run.id, run.createdAt, run.definitionHash],
  );
  return rows.length > 0 ? { value: undefined } : undefined;
}

/**
 * The step row a commit wrote: a step commit is one statement, so its step row with this
 * attempt's status and timestamps proves the events, run patch, suspension and timer of the same
 * statement committed too.
 */
export async function stepCommitted(sql: SqlExec, step: StepRecord): Promise<{ value: undefined } | undefined> {
  const rows = await sql.all<{ n: number }>(
    `SELECT 1 AS n FROM weft_steps WHERE run_id = ? AND path = ? AND attempt = ? AND status = ? AND started_at = ?
     AND ${step.endedAt === undefined ? 'ended_at IS NULL' : 'ended_at = ?'}`,
    [
      step.runId,
      step.path,
      step.attempt,
      step.status,
      step.startedAt,
      ...(step.endedAt === undefined ? [] : [step.endedAt]),
    ],
  );
  return rows.length > 0 ? { value: undefined } : undefined;
}

/** The last event of an append (same type, path and time) is stored. */
export async function eventsAppended(
  sql: SqlExec,
  runId: string,
  last: { type: string; path?: string | undefined; at: number },
): Promise<{ value: undefined } | undefined> {
  const rows = await sql.all<{ n: number }>(
    `SELECT 1 AS n FROM weft_events WHERE run_id = ? AND type = ? AND at = ? AND ${last.path === undefined ? 'path IS NULL' : 'path = ?'}`,
    [runId, last.type, last.at, ...(last.path === undefined ? [] : [last.path])],
  );
  return rows.length > 0 ? { value: undefined } : undefined;
}

/**
 * The run shows every scalar column of the patch (status, lease owner and expiry, updated_at):
 * a compare-and-set that stamped its own `updatedAt` applied. Without an `updatedAt` in the patch
 * the check cannot tell, and says no (the caller's CAS then decides).
 */
export async function runPatched(
  sql: SqlExec,
  runId: string,
  patch: Partial<RunRecord>,
): Promise<{ value: boolean } | undefined> {
  if (patch.updatedAt === undefined) return undefined;
  const rows = await sql.all<RunRow>(`SELECT ${RUN_COLUMNS} FROM weft_runs WHERE id = ?`, [runId]);
  const row = rows[0];
  if (!row) return undefined;
  const same = (a: unknown, b: unknown) => ((a ?? null) === null ? (b ?? null) === null : String(a) === String(b));
  if (!same(row.updated_at, patch.updatedAt)) return undefined;
  if (patch.status !== undefined && row.status !== patch.status) return undefined;
  if ('leaseOwner' in patch && !same(row.lease_owner, patch.leaseOwner)) return undefined;
  if ('leaseExpiresAt' in patch && !same(row.lease_expires_at, patch.leaseExpiresAt)) return undefined;
  return { value: true };
}

/**
 * The runs a claim leased: owned by `owner` with exactly the claim's lease expiry and update time.
 * None found means the claim took nothing or did not apply: claiming again is safe either way.
 */
export async function runsClaimed(
  sql: SqlExec,
  owner: string,
  expiresAt: number,
  now: number,
): Promise<{ value: RunRow[] } | undefined> {
  const rows = await sql.all<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM weft_runs WHERE lease_owner = ? AND lease_expires_at = ? AND updated_at = ? AND status = 'running'`,
    [owner, expiresAt, now],
  );
  return rows.length > 0 ? { value: rows } : undefined;
}
