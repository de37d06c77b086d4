/** Queries and housekeeping: list runs with filters and paging, delete, retention. */
import type { PurgeOptions, RunPage, RunQuery } from '../store.js';
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

/**
 * Deletes finished runs last updated before `before` with all their rows, `batchSize` runs per
 * transaction, so a writer never waits behind the purge for longer than one batch. Walks the runs
 * oldest first through the `(created_at, id)` index with a cursor: a run updated before `before`
 * was created before it, so each batch reads only the next slice of old runs, never the whole table.
 * Returns how many runs were deleted.
 */
export async function purgeRuns(sql: SqlBackend, before: number, options: PurgeOptions = {}): Promise<number> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  const scan = batchSize * 4;
  let cursor: { createdAt: number; id: string } | undefined;
  let deleted = 0;
  for (let batch = 0; ; batch++) {
    const t0 = performance.now();
    const result = await sql.transaction(async (tx) => {
      // A slice of old runs (bounded), then the finished ones of it; the cursor moves past the slice.
      const slice = await tx.all<{
        id: string;
        created_at: number | string;
        status: string;
        updated_at: number | string;
      }>(
        `SELECT id, created_at, status, updated_at FROM weft_runs WHERE created_at < ?${cursor ? ' AND (created_at > ? OR (created_at = ? AND id > ?))' : ''} ORDER BY created_at, id LIMIT ?`,
        cursor ? [before, cursor.createdAt, cursor.createdAt, cursor.id, scan] : [before, scan],
      );
      const ids: string[] = [];
      let last: { createdAt: number; id: string } | undefined;
      for (const r of slice) {
        last = { createdAt: Number(r.created_at), id: r.id };
        if ((FINISHED as string[]).includes(r.status) && Number(r.updated_at) < before) ids.push(r.id);
        if (ids.length >= batchSize) break;
      }
      if (ids.length > 0) {
        const list = placeholders(ids.length);
        for (const table of ['weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers']) {
          await tx.run(`DELETE FROM ${table} WHERE run_id IN (${list})`, ids);
        }
        await tx.run(`DELETE FROM weft_runs WHERE id IN (${list})`, ids);
      }
      return {
        deleted: ids.length,
        last,
        done: last === undefined || (slice.length < scan && last.id === slice[slice.length - 1]?.id),
      };
    });
    deleted += result.deleted;
    options.onBatch?.({ batch, deleted: result.deleted, total: deleted, ms: performance.now() - t0 });
    if (result.done || !result.last) return deleted;
    cursor = result.last;
    // Let writers queued behind this batch go first.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
