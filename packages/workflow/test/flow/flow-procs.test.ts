/**
 * Flow control across real processes sharing Postgres (and a libsql file for idempotency):
 * idempotency keys, per-key concurrency under 4 workers, rate limits, debounce and priorities.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { defineTrigger } from '../../src/trigger/types.js';
import { createWorker } from '../../src/worker/worker.js';
import { type Child, spawnTs } from '../durable/helpers/child.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from '../durable/helpers/stores.js';
import { tenantWorkflow } from './fixtures/workflows.js';

const CHILD = fileURLToPath(new URL('./fixtures/flow-child.ts', import.meta.url));
const tmp = tmpDir('weft-flow-procs-');
const schemas: string[] = [];
const pgStore = (tag: string) => {
  const schema = uniqueSchema(`schedules_${tag}`);
  schemas.push(schema);
  return { store: createStore({ url: PG_URL, schema }), schema };
};
afterAll(async () => {
  tmp.cleanup();
  for (const s of schemas) await dropSchema(s);
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lines = (c: Child) => c.output().split('\n--- stderr ---\n')[0] as string;

describe('flow control across processes', () => {
  it.each([
    ['postgres', () => pgStore('idem')],
    ['libsql file', () => ({ store: createStore({ url: `file:${join(tmp.dir, 'idem.db')}` }), schema: '-' })],
  ])('1,000 starts with 100 idempotency keys from 4 processes at once make exactly 100 runs (%s)', async (_n, make) => {
    const { store, schema } = make();
    await store.init();
    const url = schema === '-' ? `file:${join(tmp.dir, 'idem.db')}` : PG_URL;
    const startAt = Date.now() + 1500;
    const children = Array.from({ length: 4 }, () =>
      spawnTs(CHILD, ['idem', url, schema, '250', '100', String(startAt)]),
    );
    await Promise.all(children.map((c) => c.exited));
    for (const c of children) expect(lines(c)).toContain('distinct 100');
    const runs = (await sql<{ n: string | number }>`SELECT COUNT(*) AS n FROM weft_runs`.execute(store.db)).rows;
    expect(Number(runs[0]?.n)).toBe(100);
    const keys = (
      await sql<{ n: string | number }>`SELECT COUNT(DISTINCT idempotency_key) AS n FROM weft_runs`.execute(store.db)
    ).rows;
    expect(Number(keys[0]?.n)).toBe(100);
    await store.close();
  });

  it('8 tenants, limit 2, 400 runs across 4 worker processes: never more than 2 running per tenant, all finish', async () => {
    const { store, schema } = pgStore('tenants');
    await store.init();
    const wf = tenantWorkflow(2, 10);
    const engine = createEngine({ store, workflows: [wf] });
    for (let i = 0; i < 400; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => engine.enqueue(wf, { tenantId: `t${(i + j) % 8}`, i: i + j })),
      );
    const workers = Array.from({ length: 4 }, () => spawnTs(CHILD, ['tenants', PG_URL, schema, '2', '10']));
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    let peak = 0;
    let samples = 0;
    const tenantsSeen = new Set<string>();
    for (;;) {
      const rows = (
        await sql<{ k: string; n: string | number }>`
          SELECT concurrency_key AS k, COUNT(*) AS n FROM weft_runs WHERE status = 'running' GROUP BY concurrency_key`.execute(
          store.db,
        )
      ).rows;
      samples++;
      for (const r of rows) {
        peak = Math.max(peak, Number(r.n));
        tenantsSeen.add(r.k);
      }
      const open = await store.listRuns({ status: ['queued', 'running'], limit: 1 });
      if (open.runs.length === 0) break;
    }
    for (const w of workers) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    expect(samples).toBeGreaterThan(10);
    expect(peak).toBe(2);
    expect(tenantsSeen.size).toBe(8);
    const done = await store.listRuns({ status: 'success', limit: 1000 });
    expect(done.runs).toHaveLength(400);
    await store.close();
  });

  it('a rate limit shared by 4 processes: accepted starts never exceed the limit in any window', async () => {
    const { store, schema } = pgStore('rate');
    await store.init();
    const LIMIT = 10;
    const PERIOD = 500;
    const startAt = Date.now() + 1500;
    const children = Array.from({ length: 4 }, () =>
      spawnTs(CHILD, ['rate', PG_URL, schema, String(LIMIT), String(PERIOD), '2000', String(startAt)]),
    );
    await Promise.all(children.map((c) => c.exited));
    const refused = children.reduce((sum, c) => sum + Number(/refused (\d+)/.exec(lines(c))?.[1] ?? 0), 0);
    expect(refused).toBeGreaterThan(0);
    const times = (await store.listRuns({ limit: 10_000 })).runs.map((r) => r.createdAt).sort((a, b) => a - b);
    // Sliding windows of the period over the accepted starts (their creation time is the admission time).
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] as number) - (times[j] as number) >= PERIOD) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(LIMIT);
    expect(times.length).toBeGreaterThanOrEqual(LIMIT * 2);
    await store.close();
  });

  it('debounce on Postgres: a burst of 50 events starts one run, with the last payload', async () => {
    const { store } = pgStore('debounce');
    const seen: number[] = [];
    const wf = workflow({
      id: 'reindex',
      input: z.object({ doc: z.string(), version: z.number() }),
      flow: { debounce: { key: (input) => input.doc, period: '300ms' } },
      triggers: [defineTrigger({ event: 'doc.changed', schema: z.object({ doc: z.string(), version: z.number() }) })],
    })
      .step('index', ({ input }) => {
        seen.push(input.version);
        return input;
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const started = new Set<string>();
    for (let v = 1; v <= 50; v++) {
      const out = await engine.sendEvent('doc.changed', { doc: 'readme', version: v });
      for (const s of out.started) started.add(s.runId);
    }
    expect(started.size).toBe(1);
    const [runId] = [...started] as [string];
    expect((await engine.getRun(runId))?.waitReason).toBe('debounced');
    const worker = createWorker({ engine, pollMs: 10 });
    worker.start();
    while ((await engine.getRun(runId))?.status !== 'success') await sleep(20);
    await worker.stop();
    expect(seen).toEqual([50]);
    expect((await store.listRuns()).runs).toHaveLength(1);
    await store.close();
  });

  it('priority on Postgres: with a full queue, high-priority runs start first', async () => {
    const { store } = pgStore('priority');
    const order: number[] = [];
    const wf = workflow({
      id: 'prio',
      input: z.object({ p: z.number() }),
      flow: { priority: (input) => input.p },
    })
      .step('s', ({ input }) => {
        order.push(input.p);
        return input;
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    for (let i = 0; i < 30; i++) await engine.enqueue(wf, { p: i % 3 });
    const worker = createWorker({ engine, concurrency: 1, pollMs: 5 });
    worker.start();
    while (order.length < 30) await sleep(20);
    await worker.stop();
    expect(order).toEqual([...order].sort((a, b) => b - a));
    await store.close();
  });
});
