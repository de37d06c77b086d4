/** Runs still leased to one owner (a process restarted with the same id takes them back at once). */
import { INFLIGHT } from './schema.js';
import type { SqlBackend } from './sql-exec.js';

/** Ids and workflow ids of `running` runs whose lease owner is `owner` (no JSON decoded). */
export async function listLeasedRuns(
  sql: SqlBackend,
  owner: string,
): Promise<Array<{ id: string; workflowId: string }>> {
  const rows = await sql.all<{ id: string; workflow_id: string }>(
    `SELECT id, workflow_id FROM weft_runs WHERE ${INFLIGHT} AND status = 'running' AND lease_owner = ? ORDER BY created_at, id`,
    [owner],
  );
  return rows.map((r) => ({ id: r.id, workflowId: r.workflow_id }));
}
