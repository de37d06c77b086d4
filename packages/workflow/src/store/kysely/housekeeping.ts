/** Queries and housekeeping: list runs with filters and paging, delete, retention. */
import type { RunPage, RunQuery } from '../store.js';
import { RUN_COLUMNS, type RunRow, toRun } from './rows.js';
import type { SqlBackend } from './sql-exec.js';
import { cursorOf, FINISHED, parseCursor, placeholders } from './statements.js';

/** Runs matching `query`, newest first, with a cursor for the next page. */
export async function listRuns(sql: SqlBackend, query: RunQuery): Promise<RunPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.status !== undefined) {
    const statuses = Array.isArray(query.status) ? query.status : [query.status];
    if (statuses.length === 0) return { runs: [] };
    where.push(`status IN (${placeholders(statuses.length)})`);
    params.push(...statuses);
  }
  if (query.workflowId !== undefined) {
    where.push('workflow_id = ?');
    params.push(query.workflowId);
  }
  if (query.createdAfter !== undefined) {
    where.push('created_at > ?');
    params.push(query.createdAfter);
  }
  if (query.createdBefore !== undefined) {
    where.push('created_at < ?');
    params.push(query.createdBefore);
  }
  if (query.forkedFrom !== undefined) {
    where.push('forked_from_run_id = ?');
    params.push(query.forkedFrom);
  }
  if (query.cursor !== undefined) {
    const c = parseCursor(query.cursor);
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(c.createdAt, c.createdAt, c.id);
  }
  const limit = Math.max(1, Math.min(1000, Math.floor(query.limit ?? 100)));
  params.push(limit + 1);
  const rows = await sql.all<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM weft_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`,
    params,
  );
  const runs = rows.slice(0, limit).map(toRun);
  const last = runs[runs.length - 1];
  return rows.length > limit && last ? { runs, nextCursor: cursorOf(last) } : { runs };
}

/** Deletes a run, all its rows and its nested runs, in one transaction. */
export async function deleteRun(sql: SqlBackend, runId: string): Promise<void> {
  await sql.transaction(async (tx) => {
    // Nested workflows started as their own runs go with their parent.
    const ids = [runId];
    for (let i = 0; i < ids.length; i++) {
      const children = await tx.all<{ id: string }>('SELECT id FROM weft_runs WHERE parent_run_id = ?', [ids[i]]);
      for (const child of children) ids.push(child.id);
    }
    for (const id of ids) {
      for (const table of ['weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers']) {
        await tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [id]);
      }
      await tx.run('DELETE FROM weft_runs WHERE id = ?', [id]);
    }
  });
}

/** Deletes finished runs last updated before `before` with all their rows; returns how many. */
export async function purgeRuns(sql: SqlBackend, before: number): Promise<number> {
  return sql.transaction(async (tx) => {
    const match = `SELECT id FROM weft_runs WHERE status IN (${placeholders(FINISHED.length)}) AND updated_at < ?`;
    const params = [...FINISHED, before];
    for (const table of ['weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers']) {
      await tx.run(`DELETE FROM ${table} WHERE run_id IN (${match})`, params);
    }
    return tx.run(`DELETE FROM weft_runs WHERE id IN (${match})`, params);
  });
}
