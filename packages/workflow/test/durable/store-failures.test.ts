/**
 * The store itself failing — disk full, read-only, locked, Postgres unreachable — on real
 * databases: a typed StoreUnavailableError subclass, `start()` resolves to a failed result (never
 * rejects), nothing half-written stays behind, and the same store works again once the cause is
 * gone.
 */
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import { WeftError } from '../../src/errors/weft-error.js';
import {
  createStore,
  type KyselyStore,
  StoreBusyError,
  StoreConnectionError,
  StoreError,
  StoreFullError,
  StoreReadOnlyError,
  StoreUnavailableError,
} from '../../src/store/kysely/index.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';
import pg from 'pg';

const tmp = tmpDir('weft-store-fail-');
afterAll(() => tmp.cleanup());
async function pgAdmin(text: string, params: unknown[]): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

// Every step execution is counted, so a step that ran before a failure is seen not to run again.
const executed: string[] = [];
const report = workflow({ id: 'report', input: z.object({ text: z.string() }) })
  .step('fetch', async ({ input }) => {
    executed.push('fetch');
    return { text: input.text };
  })
  .step('grow', async ({ input }) => {
    executed.push('grow');
    // Big enough to need new pages when the file is full.
    return { text: input.text, padding: 'x'.repeat(input.text === 'big' ? 300_000 : 10) };
  })
  .step('done', async ({ input }) => ({ length: input.padding.length }))
  .commit();

async function pragma(store: KyselyStore, text: string): Promise<Record<string, unknown>[]> {
  return (await sql.raw(text).execute(store.db)).rows as Record<string, unknown>[];
}
const countRuns = async (store: KyselyStore) => (await store.listRuns({ limit: 1000 })).runs.length;

describe('libsql file: disk full (PRAGMA max_page_count)', () => {
  it('start() resolves failed with a StoreFullError, stores nothing, and works again once there is room', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'full.db')}` });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    expect((await engine.run(report).start({ input: { text: 'warm' } })).status).toBe('success');
    const before = await countRuns(store);

    const pages = Number((await pragma(store, 'PRAGMA page_count'))[0]?.page_count);
    await pragma(store, `PRAGMA max_page_count = ${pages}`);
    const run = engine.run(report);
    const result = await run.start({ input: { text: 'y'.repeat(400_000) } });
    expect(result.status).toBe('failed');
    const error = (result as { error: Error }).error;
    expect(error).toBeInstanceOf(StoreFullError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toBeInstanceOf(WeftError);
    expect((error as StoreFullError).code).toBe('WEFT_STORE_FULL');
    expect((error as StoreFullError).driverCode).toBe('SQLITE_FULL');
    expect((error as StoreFullError).dialect).toBe('sqlite');
    expect(error.message).toContain('full.db');
    expect((error as StoreFullError).toJSON()).toMatchObject({ code: 'WEFT_STORE_FULL', driverCode: 'SQLITE_FULL' });
    // Nothing half-written: the run does not exist.
    expect(await store.getRun(run.runId)).toBeUndefined();
    expect(await countRuns(store)).toBe(before);

    // Room again: the same store and engine work.
    await pragma(store, 'PRAGMA max_page_count = 1073741823');
    expect((await engine.run(report).start({ input: { text: 'again' } })).status).toBe('success');
    await store.close();
  });

  it('a step commit that does not fit fails the run as a result; the committed steps stay and it finishes later', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'full-mid.db')}` });
    const engine = createEngine({ store, workflows: [report], logger: quiet, leaseMs: 60_000 });
    await store.init();
    // A small run fits; a 300 KB step output does not.
    const pages = Number((await pragma(store, 'PRAGMA page_count'))[0]?.page_count);
    await pragma(store, `PRAGMA max_page_count = ${pages + 40}`);
    executed.length = 0;
    const run = engine.run(report);
    const result = await run.start({ input: { text: 'big' } });
    expect(result.status).toBe('failed');
    expect((result as { error: Error }).error).toBeInstanceOf(StoreFullError);
    expect(executed).toEqual(['fetch', 'grow']);
    // The failed step's output was not stored (no half-written commit); fetch's commit is kept.
    const steps = await store.listSteps(run.runId);
    expect(steps.filter((s) => s.path === 'grow' && s.status === 'success')).toEqual([]);
    expect(steps.filter((s) => s.path === 'fetch' && s.status === 'success')).toHaveLength(1);

    await pragma(store, 'PRAGMA max_page_count = 1073741823');
    const rec = await store.getRun(run.runId);
    if (rec?.status === 'running') {
      // The failure could not be stored either: the run continues from its last committed step.
      const done = await engine.execute(run.runId);
      expect(done.status).toBe('success');
      expect(executed).toEqual(['fetch', 'grow', 'grow']);
    } else {
      expect(rec?.status).toBe('failed');
    }
    expect((await engine.run(report).start({ input: { text: 'ok' } })).status).toBe('success');
    await store.close();
  });
});

describe('libsql file: read-only (PRAGMA query_only)', () => {
  it('start() resolves failed with a StoreReadOnlyError, stores nothing, and works again with writes allowed', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'ro.db')}` });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    await store.init();
    await pragma(store, 'PRAGMA query_only = ON');
    const run = engine.run(report);
    const result = await run.start({ input: { text: 'a' } });
    expect(result.status).toBe('failed');
    const error = (result as { error: Error }).error as StoreReadOnlyError;
    expect(error).toBeInstanceOf(StoreReadOnlyError);
    expect(error.code).toBe('WEFT_STORE_READ_ONLY');
    expect(error.driverCode).toBe('SQLITE_READONLY');
    // Reads still work, and nothing was written.
    expect(await store.getRun(run.runId)).toBeUndefined();
    await expect(store.appendEvents(run.runId, [{ type: 'x', at: 1 }])).rejects.toBeInstanceOf(StoreReadOnlyError);

    await pragma(store, 'PRAGMA query_only = OFF');
    expect((await engine.run(report).start({ input: { text: 'b' } })).status).toBe('success');
    await store.close();
  });
});

describe('libsql file: locked by another process (SQLITE_BUSY)', () => {
  it('start() resolves failed with a StoreBusyError after busyTimeoutMs; works once the lock is released', async () => {
    const file = join(tmp.dir, 'busy.db');
    const store = createStore({ url: `file:${file}`, busyTimeoutMs: 50 });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    await store.init();
    const Database = createRequire(import.meta.url)('libsql') as new (
      path: string,
    ) => { exec(sql: string): void; close(): void };
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const result = await engine.run(report).start({ input: { text: 'a' } });
      expect(result.status).toBe('failed');
      const error = (result as { error: Error }).error as StoreBusyError;
      expect(error).toBeInstanceOf(StoreBusyError);
      expect(error.code).toBe('WEFT_STORE_BUSY');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await engine.run(report).start({ input: { text: 'b' } })).status).toBe('success');
    await store.close();
  });
});

describe('Postgres unreachable', () => {
  it('start() resolves failed with a StoreConnectionError once retryMs is spent (not-applied)', async () => {
    // Port 9 (discard) on localhost: nothing listens, every connect is refused.
    const store = createStore({ url: 'postgres://postgres@127.0.0.1:9/none', retryMs: 300 });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    const result = await engine.run(report).start({ input: { text: 'a' } });
    expect(result.status).toBe('failed');
    const error = (result as { error: Error }).error as StoreConnectionError;
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect(error.code).toBe('WEFT_STORE_CONNECTION_LOST');
    expect(error.outcome).toBe('not-applied');
    expect(error.driverCode).toBe('ECONNREFUSED');
    expect(error.message).toContain('127.0.0.1:9/none');
    await store.close();
  });
});

describe('Postgres connections', () => {
  const schema = uniqueSchema('storefail');
  afterAll(() => dropSchema(schema));
  const terminate = (app: string) =>
    pgAdmin(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [app],
    );
  const open = async (app: string) =>
    Number(
      (
        (await pgAdmin('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [app]))[0] as {
          n: string;
        }
      ).n,
    );

  it('a user-supplied pool without an error listener survives terminated connections; close() ends it', async () => {
    const app = `weft_store_userpool_${process.pid}`;
    await pgAdmin(`CREATE SCHEMA IF NOT EXISTS "${schema}"`, []);
    const pool = new pg.Pool({
      connectionString: PG_URL,
      application_name: app,
      max: 3,
      options: `-c search_path=${schema}`,
    });
    const store = createStore({ dialect: 'postgres', pool });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    expect((await engine.run(report).start({ input: { text: 'a' } })).status).toBe('success');
    // Idle connections die: without the store's listeners this is `Unhandled 'error' event`.
    await terminate(app);
    await new Promise((r) => setTimeout(r, 100));
    expect((await engine.run(report).start({ input: { text: 'b' } })).status).toBe('success');
    await store.close();
    expect(pool.ended).toBe(true);
    expect(pool.totalCount).toBe(0);
  });

  it('close() resolves after every connection of its own pool is closed', async () => {
    const app = `weft_store_close_${process.pid}`;
    const store = createStore({ url: `${PG_URL}?application_name=${app}`, poolSize: 4, schema });
    const engine = createEngine({ store, workflows: [report], logger: quiet });
    await Promise.all(Array.from({ length: 8 }, () => engine.run(report).start({ input: { text: 'c' } })));
    expect(await open(app)).toBeGreaterThan(0);
    await store.close();
    expect(await open(app)).toBe(0);
  });
});
