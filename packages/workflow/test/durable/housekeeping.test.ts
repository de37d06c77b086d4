/** Housekeeping on the durable stores: nested deletes, retention purge with every row, vacuum, reopen. */
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, type KyselyStore } from '../../src/store/kysely/index.js';
import type { RunRecord } from '../../src/store/store.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir('weft-house-');
const schema = uniqueSchema('house');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

const run = (id: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  id,
  workflowId: 'hk',
  definitionHash: 'h',
  status: 'success',
  input: { id },
  createdAt: 100,
  updatedAt: 100,
  ...extra,
});

async function count(store: KyselyStore, table: string, runId: string): Promise<number> {
  const key = table === 'weft_runs' ? 'id' : 'run_id';
  const rows = (
    await sql<{
      n: number | string;
    }>`SELECT COUNT(*) AS n FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ${runId}`.execute(store.db)
  ).rows;
  return Number(rows[0]?.n ?? 0);
}

async function fill(store: KyselyStore, id: string, extra: Partial<RunRecord> = {}) {
  await store.createRun(run(id, extra));
  await store.commitStep({
    step: { runId: id, path: 'wait', attempt: 1, status: 'suspended', startedAt: 1 },
    events: [{ type: 'step:suspended', path: 'wait', at: 1 }],
    suspension: { runId: id, path: 'wait', payload: { q: 1 }, createdAt: 1 },
    timer: { id: `t-${id}`, runId: id, path: 'wait', kind: 'approval-timeout', dueAt: 10 },
  });
}

const TABLES = ['weft_runs', 'weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers'];

describe.each([
  { name: 'libsql file', make: () => createStore({ url: `file:${join(tmp.dir, 'hk.db')}` }) },
  { name: 'postgres', make: () => createStore({ url: PG_URL, schema }) },
])('housekeeping: $name', ({ make }) => {
  it('deleteRun removes the run, every row of it and its nested runs', async () => {
    const store = make();
    await fill(store, 'parent');
    await fill(store, 'child', { parentRunId: 'parent' });
    await fill(store, 'grandchild', { parentRunId: 'child' });
    await fill(store, 'bystander');
    await store.deleteRun('parent');
    for (const id of ['parent', 'child', 'grandchild']) {
      for (const table of TABLES) expect(await count(store, table, id), `${table} ${id}`).toBe(0);
    }
    for (const table of TABLES) expect(await count(store, table, 'bystander')).toBe(1);
    await store.deleteRun('bystander');
    await store.close();
  });

  it('purgeRuns deletes finished runs older than the cutoff with all their rows, nothing else', async () => {
    const store = make();
    await fill(store, 'old-done', { status: 'success', updatedAt: 1_000 });
    await fill(store, 'old-failed', { status: 'failed', updatedAt: 1_000 });
    await fill(store, 'old-suspended', { status: 'suspended', updatedAt: 1_000 });
    await fill(store, 'new-done', { status: 'success', updatedAt: 9_000 });
    expect(await store.purgeRuns(5_000)).toBe(2);
    for (const id of ['old-done', 'old-failed'])
      for (const table of TABLES) expect(await count(store, table, id)).toBe(0);
    for (const id of ['old-suspended', 'new-done']) expect(await count(store, 'weft_steps', id)).toBe(1);
    for (const id of ['old-suspended', 'new-done']) await store.deleteRun(id);
    await store.close();
  });

  it('purgeRuns deletes in batches of batchSize, reports each, and skips unfinished runs between them', async () => {
    const store = make();
    const ids = Array.from({ length: 7 }, (_, i) => `batch-${i}`);
    for (const [i, id] of ids.entries()) await fill(store, id, { createdAt: 10 + i, updatedAt: 1_000 });
    await fill(store, 'batch-open', { status: 'suspended', createdAt: 12, updatedAt: 1_000 });
    const batches: number[] = [];
    const purged = await store.purgeRuns(5_000, {
      batchSize: 3,
      onBatch: (b) => {
        expect(b.ms).toBeGreaterThanOrEqual(0);
        batches.push(b.deleted);
      },
    });
    expect(purged).toBe(7);
    expect(batches.filter((n) => n > 0)).toEqual([3, 3, 1]);
    for (const id of ids) for (const table of TABLES) expect(await count(store, table, id)).toBe(0);
    expect(await count(store, 'weft_steps', 'batch-open')).toBe(1);
    await store.deleteRun('batch-open');
    await store.close();
  });

  it('a write submitted during a long purge commits before the purge ends', async () => {
    const store = make();
    for (let i = 0; i < 40; i++) await fill(store, `long-${i}`, { createdAt: 10 + i, updatedAt: 1_000 });
    const order: string[] = [];
    const purge = store.purgeRuns(5_000, { batchSize: 2 }).then((n) => {
      order.push('purge');
      return n;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await store.createRun(run('writer', { status: 'running', createdAt: 2, updatedAt: 2 }));
    order.push('write');
    expect(await purge).toBe(40);
    expect(order).toEqual(['write', 'purge']);
    expect(await store.getRun('writer')).toMatchObject({ id: 'writer' });
    await store.deleteRun('writer');
    await store.close();
  });

  it('close() waits for writes already submitted', async () => {
    const store = make();
    await store.createRun(run('closing', { status: 'running' }));
    const commits = Array.from({ length: 20 }, (_, i) =>
      store.commitStep({ step: { runId: 'closing', path: `s${i}`, attempt: 1, status: 'success', startedAt: i } }),
    );
    await store.close();
    await Promise.all(commits);
    const again = make();
    expect(await again.listSteps('closing')).toHaveLength(20);
    await again.deleteRun('closing');
    await again.close();
  });

  it('vacuum keeps the data, and a reopened store sees everything', async () => {
    const store = make();
    await fill(store, 'kept');
    await store.vacuum();
    await store.close();
    const again = make();
    expect(await again.getRun('kept')).toMatchObject({ id: 'kept', input: { id: 'kept' } });
    expect(await again.listSuspensions('kept')).toHaveLength(1);
    await again.deleteRun('kept');
    await again.close();
  });
});
