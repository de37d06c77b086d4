/**
 * Claiming runs and renewing leases. libsql: one conditional UPDATE … RETURNING is atomic (SQLite
 * serializes writers). Postgres: the subquery takes its rows FOR UPDATE SKIP LOCKED, so concurrent
 * claimers get disjoint rows without waiting on each other.
 */
import type { ClaimOptions, RunRecord } from '../store.js';
import { markPartialClaim } from '../claims.js';
import { CorruptRowError } from './errors.js';
import { runsClaimed } from './pg-outcome.js';
import { settle } from './pg-resilience.js';
import { type RunRow, toRun } from './rows.js';
import type { SqlBackend } from './sql-exec.js';
import { claimParams, claimStatement, placeholders } from './statements.js';

/**
 * A claimed row as a record. A corrupt JSON column must not poison the whole claim (the other runs
 * of the batch would wait for their leases to expire, again and again): the claimer only needs ids,
 * so the corrupt column is left undefined here, and `engine.execute()` — which re-reads the run —
 * meets the CorruptRowError and fails that run.
 */
function claimed(row: RunRow): RunRecord {
  try {
    return toRun(row);
  } catch (e) {
    if (!(e instanceof CorruptRowError)) throw e;
    return markPartialClaim(toRun({ ...row, input: null, output: null, error: null }));
  }
}

const byAge = (a: RunRecord, b: RunRecord) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

/** Takes up to `limit` queued runs or running runs whose lease expired, oldest first. */
export async function claimRuns(sql: SqlBackend, options: ClaimOptions): Promise<RunRecord[]> {
  const now = options.now ?? Date.now();
  if (options.limit <= 0 || (options.workflowIds && options.workflowIds.length === 0)) return [];
  const exclude = options.excludeWorkflowIds ?? [];
  const params = claimParams(sql.dialect, {
    owner: options.owner,
    expiresAt: now + options.leaseMs,
    now,
    include: options.workflowIds ?? [],
    exclude,
    limit: options.limit,
  });
  // Postgres: a claim whose connection dropped is settled by finding the rows it leased.
  const rows = await settle(
    () => sql.all<RunRow>(claimStatement(sql.dialect, options.workflowIds?.length ?? 0, exclude.length), params),
    () => runsClaimed(sql, options.owner, now + options.leaseMs, now),
  );
  return rows.map(claimed).sort(byAge);
}

/**
 * Like {@link claimRuns} for one workflow, keeping at most `maxRunning` of its runs under a live
 * lease: count and claim in one write transaction (Postgres: an advisory lock per workflow).
 */
export async function claimRunsLimited(
  sql: SqlBackend,
  options: ClaimOptions & { workflowId: string; maxRunning: number },
): Promise<RunRecord[]> {
  const now = options.now ?? Date.now();
  const rows = await sql.transaction(async (tx) => {
    if (sql.dialect === 'postgres') {
      await tx.all('SELECT pg_advisory_xact_lock(hashtext(?))', [`weft:claim:${options.workflowId}`]);
    }
    const counted = await tx.all<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM weft_runs WHERE workflow_id = ? AND status = 'running' AND lease_expires_at > ?",
      [options.workflowId, now],
    );
    const room = Math.min(Math.floor(options.limit), options.maxRunning - Number(counted[0]?.n ?? 0));
    if (room <= 0) return [];
    return tx.all<RunRow>(
      claimStatement(sql.dialect, 1),
      claimParams(sql.dialect, {
        owner: options.owner,
        expiresAt: now + options.leaseMs,
        now,
        include: [options.workflowId],
        exclude: [],
        limit: room,
      }),
    );
  });
  return rows.map(claimed).sort(byAge);
}

/** Extends the leases `owner` still holds among `runIds`; returns those ids. */
export async function renewLeases(
  sql: SqlBackend,
  owner: string,
  runIds: string[],
  leaseMs: number,
): Promise<string[]> {
  if (runIds.length === 0) return [];
  const now = Date.now();
  const held: string[] = [];
  for (let i = 0; i < runIds.length; i += 500) {
    const chunk = runIds.slice(i, i + 500);
    const ids = placeholders(chunk.length);
    // Postgres: the rows are locked in id order, as a group commit locks them (pg-group-commit.ts):
    // two statements that each lock several runs never wait on each other in a cycle (a deadlock
    // costs deadlock_timeout, 1 s by default, and can cost a lease).
    const rows = await sql.all<{ id: string }>(
      sql.dialect === 'postgres'
        ? `UPDATE weft_runs SET lease_expires_at = ? WHERE id IN (SELECT id FROM weft_runs WHERE lease_owner = ? AND status = 'running' AND id IN (${ids}) ORDER BY id FOR UPDATE) RETURNING id`
        : `UPDATE weft_runs SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'running' AND id IN (${ids}) RETURNING id`,
      [now + leaseMs, owner, ...chunk],
    );
    for (const row of rows) held.push(row.id);
  }
  return held;
}
