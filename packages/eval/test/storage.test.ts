/**
 * Stored history round-trips on libsql (a real file in a tmp dir) and on the real PostgreSQL
 * (a schema of its own), and a baseline from the store finds a planted regression.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import Database from 'libsql';
import pg from 'pg';
import { createStore } from '@weft/workflow';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../src/compare/compare.js';
import { checkThresholds } from '../src/compare/thresholds.js';
import { suggestVariant } from '../src/feedback/similar.js';
import { defineEval } from '../src/define/define-eval.js';
import { runEval } from '../src/runner/run-eval.js';
import { defineScorer } from '../src/scorers/scorer.js';
import { createEvalStore } from '../src/storage/eval-store.js';
import { shiftedTask, syntheticEval } from './helpers.js';

const opts = { progress: false as const, gitCommit: 'c0ffee' };
let schemas = 0;
const schemaPrefix = `weft_eval_test_${process.pid}_${Date.now().toString(36)}`;

async function libsqlDb() {
  const dir = await mkdtemp(join(tmpdir(), 'weft-eval-store-'));
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'weft.db')) as never }) });
  return {
    db,
    cleanup: async () => {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresDb() {
  const schema = `${schemaPrefix}_${++schemas}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query(`create schema if not exists ${schema}`);
  await admin.end();
  const pool = new pg.Pool({
    connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    options: `-c search_path=${schema}`,
    max: 4,
  });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    cleanup: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** Through @weft/workflow's createStore: a libsql file URL, sharing the engine's database. */
async function weftStoreLibsql() {
  const dir = await mkdtemp(join(tmpdir(), 'weft-eval-weftstore-'));
  const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
  await store.init();
  return {
    db: store.db,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Through @weft/workflow's createStore on Postgres with a schema of its own. */
async function weftStorePostgres() {
  const schema = `${schemaPrefix}_ws_${++schemas}`;
  const store = createStore({ url: 'postgres://postgres@127.0.0.1:5432/test', schema, poolSize: 4 });
  await store.init();
  return {
    db: store.db,
    cleanup: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe.each([
  ['libsql', libsqlDb],
  ['postgres', postgresDb],
  ['createStore(libsql file)', weftStoreLibsql],
  ['createStore(postgres)', weftStorePostgres],
] as const)('eval store on %s', (_name, open) => {
  it('round-trips runs, results and scores; lists history per eval', async () => {
    const { db, cleanup } = await open();
    cleanups.push(cleanup);
    const store = createEvalStore({ db });
    await store.init();
    await store.init(); // idempotent
    const def = syntheticEval(12);
    const a = await runEval(def, {
      ...opts,
      variant: 'baseline',
      store,
      trials: 2,
      task: shiftedTask(0, { noise: 0.1, seed: 1 }),
    });
    const b = await runEval(def, { ...opts, variant: 'candidate', store, task: shiftedTask(0.05) });
    const loaded = await store.getRun(a.id);
    expect(loaded).toBeDefined();
    const sortResults = (r: typeof a.results) =>
      [...r].sort((x, y) => x.itemId.localeCompare(y.itemId) || x.trial - y.trial);
    expect({ ...loaded, results: sortResults(loaded?.results ?? []) }).toEqual({
      ...a,
      results: sortResults(a.results),
    });
    expect(loaded?.gitCommit).toBe('c0ffee');

    const history = await store.listRuns({ evalName: 'synthetic' });
    expect(history.map((r) => r.variant)).toEqual(['candidate', 'baseline']);
    expect(history[0]).not.toHaveProperty('results');
    expect(await store.listRuns({ evalName: 'synthetic', variant: 'baseline' })).toHaveLength(1);
    expect((await store.latestRun('synthetic'))?.id).toBe(b.id);
    expect((await store.latestRun('synthetic', { excludeRunId: b.id }))?.id).toBe(a.id);
    expect(await store.getRun('missing')).toBeUndefined();

    // Stored runs compare exactly like in-memory ones.
    expect(compare((await store.getRun(a.id))!, (await store.getRun(b.id))!)).toEqual(compare(a, b));

    await store.deleteRun(b.id);
    expect(await store.getRun(b.id)).toBeUndefined();
  });

  it('an errored score reads back as NaN with its error, never as a stored 0', async () => {
    const { db, cleanup } = await open();
    cleanups.push(cleanup);
    const store = createEvalStore({ db });
    await store.init();
    const def = defineEval({
      name: 'flaky-judge',
      data: [1, 2, 3].map((i) => ({ id: `i${i}`, input: i })),
      task: (i: number) => i,
      scorers: [
        defineScorer('judge', ({ output }) => {
          if (output === 2) throw new Error('judge timed out');
          return output === 3 ? Number.NaN : 0.75;
        }),
      ],
    });
    const run = await runEval(def, { ...opts, store });
    const loaded = (await store.getRun(run.id))!;
    const byId = Object.fromEntries(loaded.results.map((r) => [r.itemId, r.scores.judge]));
    expect(byId.i1).toEqual({ score: 0.75 });
    expect(byId.i2?.score).toBeNaN();
    expect(byId.i2?.error).toMatchObject({ message: 'judge timed out' });
    expect(byId.i3?.score).toBeNaN();
    expect(loaded.summary.scorers.judge).toMatchObject({ n: 1, mean: 0.75, errors: 2 });
  });

  it('persists the task-output cache', async () => {
    const { db, cleanup } = await open();
    cleanups.push(cleanup);
    const store = createEvalStore({ db });
    let calls = 0;
    const def = syntheticEval(5);
    const task = (input: { q: number }) => {
      calls++;
      return input.q;
    };
    await runEval(def, { ...opts, task, taskVersion: 'fixed', cache: store.cache });
    const again = await runEval(def, { ...opts, task, taskVersion: 'fixed', cache: createEvalStore({ db }).cache });
    expect(calls).toBe(5);
    expect(again.results.every((r) => r.cached)).toBe(true);
    await store.cache.set('k', { a: 1 });
    await store.cache.set('k', { a: 2 });
    expect(await store.cache.get('k')).toEqual({ output: { a: 2 } });
  });

  it('a stored baseline finds a planted regression; similar items suggest the better variant', async () => {
    const { db, cleanup } = await open();
    cleanups.push(cleanup);
    const store = createEvalStore({ db });
    const def = syntheticEval(40);
    await runEval(def, { ...opts, variant: 'baseline', store, task: shiftedTask(0, { noise: 0.05, seed: 1 }) });
    const candidate = await runEval(def, {
      ...opts,
      variant: 'candidate',
      store,
      task: shiftedTask(0, { noise: 0.05, seed: 2, drop: 0.3, k: 10 }),
    });
    const baseline = await store.latestRun('synthetic', { excludeRunId: candidate.id });
    expect(baseline?.variant).toBe('baseline');
    const cmp = compare(baseline!, candidate);
    expect(cmp.scorers.find((s) => s.scorer === 'quality')?.verdict).toBe('regressed');
    expect(checkThresholds(candidate, def.thresholds ?? {}, cmp).passed).toBe(false);
    expect(Number(cmp.regressions[0]?.itemId.split('-')[1])).toBeLessThan(10);

    // Items 0..9 regressed in the candidate; an input like item 3 should point at the baseline.
    const suggestion = await suggestVariant(
      store,
      'synthetic',
      { i: 3, text: 'question number 3 about refunds' },
      { scorer: 'quality', k: 1 },
    );
    expect(suggestion.neighbors[0]?.itemId).toBe('item-3');
    expect(suggestion.variant).toBe('baseline');
  });
});
