/** Definition snapshots (`weft_definitions`, migration 0002): one row per definition hash, written once. */
import type { DefinitionRecord } from '../store.js';
import { decode } from './rows.js';
import type { SqlBackend } from './sql-exec.js';

interface DefinitionRow {
  hash: string;
  workflow_id: string;
  version: string | null;
  shape: string | null;
  created_at: number | string;
}

const COLUMNS = 'hash, workflow_id, version, shape, created_at';

const toDefinition = (row: DefinitionRow): DefinitionRecord => ({
  hash: row.hash,
  workflowId: row.workflow_id,
  ...(row.version === null ? {} : { version: row.version }),
  shape: decode(row.shape, 'weft_definitions', row.hash, 'shape'),
  createdAt: Number(row.created_at),
});

/** Inserts the snapshot unless its hash is stored already (several processes may race: first wins). */
export async function saveDefinition(sql: SqlBackend, d: DefinitionRecord): Promise<void> {
  await sql.run(`INSERT INTO weft_definitions (${COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`, [
    d.hash,
    d.workflowId,
    d.version ?? null,
    JSON.stringify(d.shape ?? null),
    d.createdAt,
  ]);
}

/** The snapshot with this hash. */
export async function getDefinition(sql: SqlBackend, hash: string): Promise<DefinitionRecord | undefined> {
  const rows = await sql.all<DefinitionRow>(`SELECT ${COLUMNS} FROM weft_definitions WHERE hash = ?`, [hash]);
  return rows[0] ? toDefinition(rows[0]) : undefined;
}

/** Every snapshot of a workflow, oldest first. */
export async function listDefinitions(sql: SqlBackend, workflowId: string): Promise<DefinitionRecord[]> {
  const rows = await sql.all<DefinitionRow>(
    `SELECT ${COLUMNS} FROM weft_definitions WHERE workflow_id = ? ORDER BY created_at, hash`,
    [workflowId],
  );
  return rows.map(toDefinition);
}
