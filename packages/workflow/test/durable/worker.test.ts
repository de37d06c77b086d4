/**
 * Workers on the durable stores: per-worker and per-workflow (global) concurrency limits, durable
 * timers fired by a worker, graceful stop, and migrations racing from two processes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import {
  createStore,
  type KyselyStore,
  WORKFLOW_MIGRATION_TABLE,
  workflowMigrations,
} from '../../src/store/kysely/index.js';
import { createWorker, WorkerConfigError } from '../../src/worker/index.js';
import { runTs } from './helpers/child.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir('weft-worker-');
const schema = uniqueSchema('worker');
const schemas: string[] = [schema];
afterAll(async () => {
  tmp.cleanup();
  for (const s of schemas) await dropSchema(s);
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A workflow whose single step tracks how many of its executions overlap. */
function gauge(id: string, delayMs = 15) {
  const stats = { now: 0, max: 0, runs: 0 };
  const wf = workflow({ id })
    .step('work', async () => {
      stats.now++;
      stats.max = Math.max(stats.max, stats.now);
      await sleep(delayMs);
      stats.now--;
      stats.runs++;
      return 'ok';
    })
    .commit();
  return { wf, stats };
}

async function until(cond: () => Promise<boolean> | boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe.each([
  { name: 'libsql file', make: (): KyselyStore => createStore({ url: `file:${join(tmp.dir, 'w.db')}` }) },
  { name: 'postgres', make: (): KyselyStore => createStore({ url: PG_URL, schema }) },
])('worker: $name', ({ make }) => {
  it('respects the per-worker concurrency and completes every queued run', async () => {
    const store = make();
    const { wf, stats } = gauge('gauge-a');
    const engine = createEngine({ store, workflows: [wf], logger: quiet });
    for (let i = 0; i < 20; i++) await engine.enqueue(wf, null);
    const worker = createWorker({ engine, concurrency: 3, pollMs: 10, leaseMs: 2000 });
    worker.start();
    await until(
      async () => (await store.listRuns({ workflowId: 'gauge-a', status: 'success', limit: 100 })).runs.length === 20,
    );
    await worker.stop();
    expect(stats.runs).toBe(20);
    expect(stats.max).toBeLessThanOrEqual(3);
    expect(stats.max).toBeGreaterThan(1);
    await store.close();
  });

  it('enforces a global per-workflow limit across two workers', async () => {
    const store = make();
    const limited = gauge('gauge-limited');
    const free = gauge('gauge-free');
    const workflows = [limited.wf, free.wf];
    const e1 = createEngine({ store, workflows, logger: quiet });
    const e2 = createEngine({ store, workflows, logger: quiet });
    // The limited workflow's runs are all older: they must not starve the free ones.
    for (let i = 0; i < 12; i++) await e1.enqueue(limited.wf, null);
    for (let i = 0; i < 12; i++) await e1.enqueue(free.wf, null);
    const options = { concurrency: 6, pollMs: 5, leaseMs: 2000, workflowConcurrency: { 'gauge-limited': 2 } };
    const w1 = createWorker({ engine: e1, ...options });
    const w2 = createWorker({ engine: e2, ...options });
    w1.start();
    w2.start();
    await until(async () => {
      const page = await store.listRuns({ status: 'success', limit: 100 });
      return (
        page.runs.filter((r) => r.workflowId.startsWith('gauge-l') || r.workflowId.startsWith('gauge-f')).length === 24
      );
    });
    await Promise.all([w1.stop(), w2.stop()]);
    expect(limited.stats.runs).toBe(12);
    expect(limited.stats.max).toBeLessThanOrEqual(2);
    expect(free.stats.max).toBeGreaterThan(2);
    await store.close();
  });

  it('fires durable timers: a waitForEvent timeout wakes the run from a worker', async () => {
    const store = make();
    const wf = workflow({ id: 'waits' })
      .waitForEvent('ci', { event: 'ci.done', schema: z.object({ ok: z.boolean() }), timeout: '300ms' })
      .commit();
    const starter = createEngine({ store, workflows: [wf], logger: quiet });
    const r = await starter.run(wf).start({ input: undefined });
    expect(r.status).toBe('suspended');
    // Another engine (a fresh process) runs the worker; the starter is idle.
    const engine = createEngine({ store, workflows: [wf], logger: quiet });
    const worker = createWorker({ engine, pollMs: 20 });
    worker.start();
    await until(async () => (await store.getRun(r.runId))?.status === 'failed');
    await worker.stop();
    const run = await store.getRun(r.runId);
    expect(JSON.stringify(run?.error)).toMatch(/TimeoutError/);
    expect(await store.takeDueTimers(Date.now() + 60_000, 10)).toEqual([]);
    await store.close();
  });

  it('createWorker({ store, workflows }) builds its own engine and claims only those workflows', async () => {
    const store = make();
    const mine = gauge('gauge-mine');
    const other = gauge('gauge-other');
    const enqueuer = createEngine({ store, workflows: [mine.wf, other.wf], logger: quiet });
    const a = await enqueuer.enqueue(mine.wf, null);
    const b = await enqueuer.enqueue(other.wf, null);
    const worker = createWorker({ store, workflows: [mine.wf], workerId: 'worker-mine', pollMs: 5 });
    expect(worker.id).toBe('worker-mine');
    worker.start();
    await until(async () => (await store.getRun(a))?.status === 'success');
    await worker.stop();
    expect((await store.getRun(b))?.status).toBe('queued');
    await store.deleteRun(b);
    await store.close();
  });

  it('wakes a long sleep (the run suspended) from its durable timer, in another engine', async () => {
    const store = make();
    const wf = workflow({ id: 'long-nap' })
      .step('before', async () => 1)
      .sleep('600ms', { id: 'nap' })
      .step('after', async ({ input }) => (input as number) + 1)
      .commit();
    // Sleeps longer than maxInProcessSleep suspend the run; only the timer brings it back.
    const starter = createEngine({ store, workflows: [wf], logger: quiet, maxInProcessSleep: '100ms' });
    const r = await starter.run(wf).start({ input: undefined });
    expect(r.status).toBe('suspended');
    const engine = createEngine({ store, workflows: [wf], logger: quiet, maxInProcessSleep: '100ms' });
    const worker = createWorker({ engine, pollMs: 20 });
    worker.start();
    await until(async () => (await store.getRun(r.runId))?.status === 'success');
    await worker.stop();
    expect((await store.getRun(r.runId))?.output).toBe(2);
    await store.close();
  });

  it('stop() waits for runs in flight', async () => {
    const store = make();
    const { wf, stats } = gauge('gauge-stop', 200);
    const engine = createEngine({ store, workflows: [wf], logger: quiet });
    for (let i = 0; i < 4; i++) await engine.enqueue(wf, null);
    const worker = createWorker({ engine, concurrency: 4, pollMs: 5 });
    worker.start();
    await until(() => stats.now > 0);
    await worker.stop();
    expect(stats.now).toBe(0);
    expect(worker.active).toBe(0);
    await store.close();
  });
});

describe('worker options and migrations', () => {
  it('rejects bad options with a WorkerConfigError', () => {
    const engine = createEngine({ logger: quiet });
    expect(() => createWorker({ engine, concurrency: 0 })).toThrow(WorkerConfigError);
    expect(() => createWorker({ engine, concurrency: 0 })).toThrow(/integer from 1 and up/);
    expect(() => createWorker({})).toThrow(WorkerConfigError);
    expect(() => createWorker({ store: createEngine().store, workflows: [] })).toThrow(/at least one workflow/);
  });

  const MIGRATE = fileURLToPath(new URL('./fixtures/migrate-child.ts', import.meta.url));
  it('createStore() with no options creates .weft/weft.db under the working directory', async () => {
    const cwd = join(tmp.dir, 'app');
    mkdirSync(cwd);
    expect(await runTs(MIGRATE, ['default'], {}, cwd)).toContain('migrated');
    expect(existsSync(join(cwd, '.weft', 'weft.db'))).toBe(true);
  });

  it.each([
    { name: 'libsql file', url: `file:${join(tmp.dir, 'race.db')}`, schema: '' },
    { name: 'postgres', url: PG_URL, schema: uniqueSchema('race') },
  ])('applies migrations once when three processes start at once ($name)', async ({ url, schema: s }) => {
    if (s) schemas.push(s);
    const outs = await Promise.all([0, 1, 2].map(() => runTs(MIGRATE, [url, s])));
    for (const out of outs) expect(out).toContain('migrated');
    const store = createStore({ url, ...(s ? { schema: s } : {}), migrate: false });
    const rows = (
      await sql<{ name: string }>`SELECT name FROM ${sql.table(WORKFLOW_MIGRATION_TABLE)}`.execute(store.db)
    ).rows;
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(workflowMigrations).sort());
    expect(await store.listRuns()).toEqual({ runs: [] });
    await store.close();
  });
});
