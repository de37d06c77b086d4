/**
 * History at scale: every statement the store runs on the hot path (start → steps → complete,
 * suspend → resume, enqueue → claim, timers, recovery) and in housekeeping (list, delete, purge) is
 * planned as an index search, never a full scan of a table that grows with history. The statements
 * are captured from real runs on a libsql file, then planned with EXPLAIN QUERY PLAN after ANALYZE
 * on a file holding history; on Postgres the same hot-path statements are planned with EXPLAIN
 * (enable_seqscan off: on a small table a sequential scan is the cheap plan, the question here is
 * whether an index can serve the statement at all).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createStore, createWorker, step, workflow } from '../../src/index.js';
import { claimParams, claimStatement } from '../../src/store/kysely/statements.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir('weft-plans-');
const schema = uniqueSchema('plans');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

/** Tables whose size grows with stored history. */
const HISTORY = ['weft_runs', 'weft_steps', 'weft_events', 'weft_suspensions', 'weft_timers'];

const N = z.object({ n: z.number() });
const inc = (id: string) => step({ id, input: N, output: N, run: async ({ input }) => ({ n: input.n + 1 }) });
const chain = workflow({ id: 'chain', input: N }).step(inc('a')).then(inc('b')).then(inc('c')).commit();
const gate = workflow({ id: 'gate', input: N })
  .step(inc('prep'))
  .then(
    step({
      id: 'ask',
      input: N,
      output: N,
      resumeSchema: z.object({ ok: z.boolean() }),
      run: async ({ input, suspend, resumeData }) => (resumeData ? { n: input.n + 1 } : suspend({ n: input.n })),
    }),
  )
  .commit();

/** Every SQL text prepared on libsql connections while `fn` runs. */
async function captureSqlite(fn: () => Promise<void>): Promise<string[]> {
  const Database = createRequire(import.meta.url)('libsql') as { prototype: { prepare(sql: string): unknown } };
  const seen = new Set<string>();
  const original = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, text: string) {
    seen.add(text);
    return original.call(this, text);
  };
  try {
    await fn();
  } finally {
    Database.prototype.prepare = original;
  }
  return [...seen];
}

/** A workload through the public API touching the hot path and housekeeping. */
async function workload(url: string, extra: { schema?: string } = {}) {
  const store = createStore({ url, ...extra });
  const engine = createEngine({ store, workflows: [chain, gate] });
  for (let i = 0; i < 3; i++) expect((await engine.run(chain).start({ input: { n: 0 } })).status).toBe('success');
  const suspended = await engine.run(gate).start({ input: { n: 0 } });
  expect(suspended.status).toBe('suspended');
  expect((await engine.resume(suspended.runId, { step: 'ask', data: { ok: true } })).status).toBe('success');
  const queued = await engine.enqueue(chain, { n: 1 });
  const worker = createWorker({ engine, concurrency: 2, pollMs: 10 });
  worker.start();
  await expect.poll(async () => (await store.getRun(queued))?.status, { timeout: 5000 }).toBe('success');
  await worker.stop();
  await engine.recover();
  await store.listRuns({ limit: 2 });
  await store.listRuns({ workflowId: 'chain', limit: 2 });
  const page = await store.listRuns({ limit: 1 });
  if (page.nextCursor) await store.listRuns({ cursor: page.nextCursor, limit: 1 });
  await store.deleteRun(queued);
  await store.purgeRuns(Date.now() - 60_000, { batchSize: 2 });
  await engine.close();
  await store.close();
}

const SELECTS = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

describe('query plans: libsql file', () => {
  it('no hot-path or housekeeping statement scans a history table', async () => {
    const file = join(tmp.dir, 'plans.db');
    const statements = await captureSqlite(() => workload(`file:${file}`));
    const dml = statements.filter((s) => SELECTS.test(s) && HISTORY.some((t) => s.includes(t)));
    expect(dml.length).toBeGreaterThan(10);

    // Give the planner history-shaped statistics: many finished runs, a few in flight.
    const Database = createRequire(import.meta.url)('libsql');
    const db = new Database(file);
    db.exec('BEGIN');
    const insert = db.prepare(
      'INSERT INTO weft_runs (id, workflow_id, definition_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < 5000; i++) {
      insert.run([
        `h-${String(i).padStart(6, '0')}`,
        i % 2 ? 'chain' : 'gate',
        'h',
        i % 100 ? 'success' : 'running',
        i,
        i,
      ]);
    }
    db.exec('COMMIT');
    // Planned as the store runs them (it never runs ANALYZE), then again with the statistics a
    // user's ANALYZE would give (99% finished runs), which once steered the claim to a table walk.
    // The statements inside triggers (the step commit of migration 0011) are planned too, with
    // their NEW.column references as parameters (and RAISE, valid only in a trigger, as a constant).
    const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'").all() as { sql: string }[];
    for (const { sql } of triggers) {
      const body = sql.slice(sql.indexOf(' BEGIN') + 6, sql.lastIndexOf('END'));
      const inner = body
        .split(';')
        .map((t) =>
          t
            .trim()
            .replace(/\bNEW\.\w+/g, '?')
            .replace(/RAISE\([^)]*\)/g, '1'),
        )
        .filter((t) => SELECTS.test(t));
      expect(inner.length).toBeGreaterThan(0);
      dml.push(...inner);
    }
    const scans: string[] = [];
    for (const stats of [false, true]) {
      if (stats) db.exec('ANALYZE');
      for (const text of dml) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all() as { detail: string }[]).map((r) => r.detail);
        for (const line of plan) {
          const table = /^SCAN (\w+)/.exec(line)?.[1];
          if (!table || !HISTORY.includes(table)) continue;
          // A history page (newest first, LIMIT) walks the created index and stops after one page.
          if (/ORDER BY created_at DESC, id DESC LIMIT \?$/.test(text) && line.includes('INDEX weft_runs_created'))
            continue;
          scans.push(
            `${stats ? 'with' : 'without'} ANALYZE: ${line}\n    in: ${text.replace(/\s+/g, ' ').slice(0, 200)}`,
          );
        }
      }
    }
    db.close();
    expect(scans).toEqual([]);
  });
});

describe('query plans: postgres', () => {
  it('the hot-path statements can be served by indexes', async () => {
    await workload(PG_URL, { schema });
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ id: string }>('SELECT id FROM weft_runs LIMIT 1');
      const id = rows[0]?.id ?? 'none';
      const plans: Record<string, string> = {};
      const explain = async (name: string, text: string, params: unknown[]) => {
        const r = await client.query(`EXPLAIN ${text}`, params);
        plans[name] = r.rows.map((x: Record<string, string>) => Object.values(x)[0]).join('\n');
      };
      await explain('run by id', 'SELECT * FROM weft_runs WHERE id = $1', [id]);
      await explain('steps of a run', 'SELECT * FROM weft_steps WHERE run_id = $1', [id]);
      await explain('next event seq', 'SELECT MAX(seq) FROM weft_events WHERE run_id = $1', [id]);
      await explain('suspensions of a run', 'SELECT * FROM weft_suspensions WHERE run_id = $1', [id]);
      await explain('timers of a run', 'SELECT * FROM weft_timers WHERE run_id = $1', [id]);
      await explain('due timers', 'SELECT * FROM weft_timers WHERE due_at <= $1 ORDER BY due_at LIMIT 10', [0]);
      // The claim's two walks (statements.ts claimStatement), and the whole statement.
      await explain(
        'claim: queued runs',
        "SELECT id, created_at FROM weft_runs WHERE status = 'queued' AND available_at IS NULL ORDER BY created_at, id LIMIT 10",
        [],
      );
      await explain(
        'claim: expired leases',
        "SELECT id, created_at FROM weft_runs WHERE status = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= $1) ORDER BY created_at, id LIMIT 10",
        [0],
      );
      let n = 0;
      await explain(
        'claim',
        claimStatement('postgres', 0).replace(/\?/g, () => `$${++n}`),
        claimParams('postgres', { owner: 'me', expiresAt: 1, now: 0, include: [], exclude: [], limit: 10 }),
      );
      await explain(
        "an owner's leased runs",
        "SELECT id, workflow_id FROM weft_runs WHERE (status = 'queued' OR status = 'running') AND status = 'running' AND lease_owner = $1 ORDER BY created_at, id",
        ['me'],
      );
      await explain(
        'purge slice',
        'SELECT id, created_at, status, updated_at FROM weft_runs WHERE created_at < $1 ORDER BY created_at, id LIMIT 10',
        [0],
      );
      for (const [name, plan] of Object.entries(plans)) expect(plan, name).not.toMatch(/Seq Scan on weft_/);
    } finally {
      await client.end();
    }
  });
});
