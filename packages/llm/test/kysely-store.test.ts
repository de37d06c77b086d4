/** The Kysely usage and quality stores on a real libsql file and the real PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@weft/workflow';
import { generateText } from 'ai';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  type CallRecord,
  createKyselyQualityStore,
  createKyselyUsageStore,
  createRouter,
  type KyselyStoreOptions,
} from '../src/index.js';
import { mockProvider } from './helpers/mock-provider.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function sqlite(): Promise<KyselyStoreOptions> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-llm-'));
  const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db: store.db, dialect: store.dialect };
}

async function postgres(): Promise<KyselyStoreOptions> {
  const schema = `weft_llm_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pool = new pg.Pool({
    connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    options: `-c search_path=${schema}`,
    max: 5,
  });
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  cleanups.push(async () => {
    await db.destroy();
    const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await c.connect();
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  });
  return { db, dialect: 'postgres' };
}

const record = (i: number, over: Partial<CallRecord> = {}): CallRecord => ({
  id: `call-${i}`,
  startedAt: 1_700_000_000_000 + i,
  runId: i % 2 ? 'r1' : 'r2',
  workflowId: 'wf',
  route: 'default',
  model: 'm/a',
  inputTokens: 10,
  outputTokens: 5,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0.001 * i,
  unpriced: false,
  latencyMs: 3,
  outcome: 'ok',
  streamed: false,
  fallbackChain: [{ model: 'm/a', outcome: 'ok', latencyMs: 3 }],
  ...over,
});

for (const [name, open] of [
  ['libsql', sqlite],
  ['postgres', postgres],
] as const) {
  describe(`kysely stores on ${name}`, () => {
    it('records, queries and sums calls; creates its tables once through weft_llm_migrations', async () => {
      const opts = await open();
      const store = createKyselyUsageStore(opts);
      await Promise.all(
        [1, 2, 3, 4].map((i) =>
          store.recordCall(record(i, i === 3 ? { stepId: 's', task: 't', error: 'boom', outcome: 'error' } : {})),
        ),
      );
      const again = createKyselyUsageStore(opts); // a second instance on the same database
      expect(await again.listCalls({ runId: 'r1' })).toHaveLength(2);
      expect(await store.sumCost({ runId: 'r2' })).toBeCloseTo(0.006, 12);
      expect(await store.sumCost({ since: 1_700_000_000_003 })).toBeCloseTo(0.007, 12);
      expect(await store.sumCost({ runId: 'nobody' })).toBe(0);
      const [third] = await store.listCalls({ stepId: 's' });
      expect(third).toEqual(record(3, { stepId: 's', task: 't', error: 'boom', outcome: 'error' }));
      const migrations = await opts.db.selectFrom('weft_llm_migrations').selectAll().execute();
      expect(migrations.map((m) => m.name)).toEqual(['0001_calls_cache_quality', '0002_step_scope_content']);
    });

    it('keeps the step path, attempt, finish reason and recorded content of a call', async () => {
      const opts = await open();
      const store = createKyselyUsageStore(opts);
      const rec = record(9, {
        runId: 'r9',
        stepId: 'write',
        stepPath: 'items[2]/write',
        attempt: 2,
        finishReason: 'length',
        prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
        response: 'hello',
      });
      await store.recordCall(rec);
      expect(await store.listCalls({ runId: 'r9', stepPath: 'items[2]/write' })).toEqual([rec]);
      expect(await store.listCalls({ runId: 'r9', stepPath: 'other' })).toEqual([]);
    });

    it('caches with a TTL and upserts', async () => {
      const store = createKyselyUsageStore(await open());
      await store.setCached('k', 'v1', 2000);
      expect(await store.getCached('k', 1000)).toBe('v1');
      await store.setCached('k', 'v2', 3000);
      expect(await store.getCached('k', 2500)).toBe('v2');
      expect(await store.getCached('k', 3000)).toBeUndefined();
    });

    it('aggregates quality records', async () => {
      const quality = createKyselyQualityStore(await open());
      await quality.record({ task: 't', model: 'm/a', score: 1, source: 'eval' });
      await quality.record({ task: 't', model: 'm/a', score: 0.5, source: 'step', runId: 'r' });
      await quality.record({ task: 'u', model: 'm/b', score: 0, source: 'eval' });
      expect(await quality.read('t')).toEqual([{ model: 'm/a', count: 2, meanScore: 0.75 }]);
      await expect(quality.record({ task: 't', model: 'm/a', score: 2, source: 'eval' })).rejects.toThrow(
        /from 0 to 1/,
      );
    });

    it("reads each model's newest `window` records", async () => {
      const quality = createKyselyQualityStore(await open());
      // recorded out of time order: the window is by `at`, not by insertion
      for (const [at, score] of [
        [5, 0],
        [1, 1],
        [2, 1],
        [4, 0],
        [3, 1],
      ] as const)
        await quality.record({ task: 'w', model: 'm/a', score, source: 'step', at });
      await quality.record({ task: 'w', model: 'm/b', score: 0.5, source: 'eval', at: 1 });
      const byModel = async (window?: number) =>
        (await quality.read('w', window === undefined ? {} : { window })).sort((x, y) =>
          x.model.localeCompare(y.model),
        );
      expect(await byModel(2)).toEqual([
        { model: 'm/a', count: 2, meanScore: 0 },
        { model: 'm/b', count: 1, meanScore: 0.5 },
      ]);
      expect(await byModel(3)).toEqual([
        { model: 'm/a', count: 3, meanScore: 1 / 3 },
        { model: 'm/b', count: 1, meanScore: 0.5 },
      ]);
      expect((await byModel())[0]).toEqual({ model: 'm/a', count: 5, meanScore: 0.6 });
      expect((await byModel(Number.POSITIVE_INFINITY))[0]).toEqual({ model: 'm/a', count: 5, meanScore: 0.6 });
    });

    it('backs a router: concurrent calls stay within the run budget and totals match the records', async () => {
      const store = createKyselyUsageStore(await open());
      const router = createRouter({
        providers: { m: mockProvider({ latencyMs: 2 }) },
        routes: { default: ['m/a'] },
        prices: { 'm/a': { input: 10, output: 10 } },
        budgets: { perRunUsd: 0.01 },
        store,
      });
      const run = router.withContext({ runId: 'budgeted' });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          generateText({ model: run.model(), prompt: 'x'.repeat(300), maxOutputTokens: 50 }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      expect(
        results
          .filter((r) => r.status === 'rejected')
          .every((r) => r.status === 'rejected' && r.reason instanceof BudgetExceededError),
      ).toBe(true);
      const summary = await run.usage();
      expect(summary.costUsd).toBeLessThanOrEqual(0.01);
      expect(summary.costUsd).toBeCloseTo(ok * 0.0015, 12);
      expect(summary.costUsd).toBeCloseTo(await store.sumCost({ runId: 'budgeted' }), 12);
      expect(summary.refused).toBe(20 - ok);
    });
  });
}
