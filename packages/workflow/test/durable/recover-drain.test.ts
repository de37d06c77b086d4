/**
 * recover() drains: 500 orphaned runs (their process died, leases expired) are all picked up, page
 * by page, with progress — on a libsql file and on Postgres. It returns a handle at once.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createStore, type KyselyStore, type RecoveryProgress, workflow } from '../../src/index.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const ORPHANS = 500;
const tmp = tmpDir('weft-drain-');
const schema = uniqueSchema('lifecycle_drain');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

const wf = workflow({ id: 'orphan', input: z.number() })
  .step('a', async ({ input }) => input + 1)
  .step('b', async ({ input }) => input * 2)
  .commit();

describe.each([
  { name: 'libsql file', make: () => createStore({ url: `file:${join(tmp.dir, 'drain.db')}` }) },
  { name: 'postgres', make: () => createStore({ url: PG_URL, schema }) },
])('recover() drain: $name', ({ make }) => {
  it(`picks up all ${ORPHANS} orphaned runs, paged, with progress, without being awaited first`, async () => {
    const store: KyselyStore = make();
    const now = Date.now();
    const orphan = async (i: number) => {
      const id = `orphan-${i}`;
      await store.createRun({
        id,
        workflowId: wf.id,
        definitionHash: wf.hash,
        status: i % 5 === 0 ? 'queued' : 'running',
        input: i,
        ...(i % 5 === 0 ? {} : { leaseOwner: 'dead-process', leaseExpiresAt: now - 1 }),
        createdAt: now + i,
        updatedAt: now,
      });
      // Half of them had committed their first step before the process died.
      if (i % 2 === 1)
        await store.commitStep({
          step: { runId: id, path: 'a', attempt: 1, status: 'success', output: i + 1, startedAt: now },
        });
    };
    for (let i = 0; i < ORPHANS; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => orphan(i + k)));
    const engine = createEngine({ store, workflows: [wf] });
    const seen: RecoveryProgress[] = [];
    const recovery = engine.recover({ pageSize: 40, onProgress: (p) => seen.push(p) });
    // A handle, at once: nothing awaited yet.
    expect(recovery.progress.done).toBe(false);
    const results = await recovery;
    expect(results).toHaveLength(ORPHANS);
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(recovery.progress).toEqual({
      claimed: ORPHANS,
      finished: ORPHANS,
      parked: 0,
      errors: 0,
      running: 0,
      done: true,
    });
    expect(Math.max(...seen.map((p) => p.running))).toBeLessThanOrEqual(40);
    expect(seen.at(-1)?.done).toBe(true);
    const outputs = new Map(results.map((r) => [r.runId, r.status === 'success' ? r.output : undefined]));
    for (let i = 0; i < ORPHANS; i++) expect(outputs.get(`orphan-${i}`)).toBe((i + 1) * 2);
    expect((await store.listRuns({ status: ['queued', 'running'], limit: 1 })).runs).toEqual([]);
    // Nothing left: a second recover finds nothing.
    expect(await engine.recover()).toEqual([]);
    await engine.close();
    await store.close();
  }, 60_000);
});

describe('recover() options', () => {
  it('limit stops after that many runs; bad options are a TypeError', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'limit.db')}` });
    const engine = createEngine({ store, workflows: [wf] });
    for (let i = 0; i < 7; i++) await engine.enqueue(wf, i);
    const first = engine.recover({ limit: 3, pageSize: 2 });
    expect(await first).toHaveLength(3);
    expect(await engine.recover()).toHaveLength(4);
    expect(() => engine.recover({ pageSize: 0 })).toThrow(/pageSize/);
    expect(() => engine.recover({ limit: 1.5 })).toThrow(TypeError);
    await engine.close();
    await store.close();
  });
});
