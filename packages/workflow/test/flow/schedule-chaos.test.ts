/**
 * Exactly one run per tick across worker processes, while one of them is SIGKILLed and restarted:
 * 4 processes on Postgres, 2 on a libsql file. A 250 ms interval schedule over 32+ ticks keeps
 * each case under ~15 s (the same number of ticks as 30 s of a 1 s schedule, 4× denser).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore, type KyselyStore } from '../../src/store/kysely/index.js';
import { type Child, spawnTs } from '../durable/helpers/child.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from '../durable/helpers/stores.js';
import { tickerWorkflow } from './fixtures/workflows.js';

const CHILD = fileURLToPath(new URL('./fixtures/flow-child.ts', import.meta.url));
const EVERY = 250;
const TICKS = 32;
const tmp = tmpDir('weft-sched-chaos-');
const schema = uniqueSchema('schedules_chaos');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scenario(store: KyselyStore, url: string, childSchema: string, processes: number) {
  await store.init();
  const spawn = () => spawnTs(CHILD, ['schedule', url, childSchema, String(EVERY), 'once']);
  const workers: Child[] = Array.from({ length: processes }, spawn);
  await Promise.all(workers.map((w) => w.waitFor('ready')));
  const ticks = async () =>
    (
      await sql<{ at: string | number; n: string | number; owner: string | null }>`
        SELECT scheduled_at AS at, COUNT(*) AS n, MAX(lease_owner) AS owner FROM weft_runs
        WHERE schedule_id = 'ticker:tick' GROUP BY scheduled_at ORDER BY scheduled_at`.execute(store.db)
    ).rows;
  while ((await ticks()).length < TICKS / 2) await sleep(50);
  // SIGKILL the worker that ticked last (it holds the newest run), then start a new one.
  const rows = await ticks();
  const owner = rows[rows.length - 1]?.owner;
  const victim = workers.find((w) => owner && w.output().includes(`owner ${owner}`)) ?? (workers[0] as Child);
  victim.proc.kill('SIGKILL');
  await victim.exited;
  const replacement = spawn();
  workers[workers.indexOf(victim)] = replacement;
  await replacement.waitFor('ready');
  while ((await ticks()).length < TICKS) await sleep(50);
  // Stop ticking, let every run finish (the victim's through its expired lease), stop the workers.
  const engine = createEngine({ store, workflows: [tickerWorkflow(EVERY)] });
  await engine.schedules.pause('ticker:tick');
  const open = async () => (await store.listRuns({ status: ['queued', 'running'], limit: 1 })).runs.length;
  const deadline = Date.now() + 10_000;
  while ((await open()) > 0 && Date.now() < deadline) await sleep(50);
  for (const w of workers) w.proc.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));

  const final = await ticks();
  const times = final.map((r) => Number(r.at));
  expect(final.length).toBeGreaterThanOrEqual(TICKS);
  // None doubled…
  expect(final.filter((r) => Number(r.n) !== 1)).toEqual([]);
  // …none missing: consecutive ticks of the interval, first to last.
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  expect(gaps.filter((g) => g !== EVERY)).toEqual([]);
  // Every run finished, with the scheduled time it was created for as its input.
  const runs = (
    await sql<{ status: string; output: string; at: string | number }>`
      SELECT status, output, scheduled_at AS at FROM weft_runs WHERE schedule_id = 'ticker:tick'`.execute(store.db)
  ).rows;
  expect(runs.filter((r) => r.status !== 'success')).toEqual([]);
  for (const r of runs) expect(JSON.parse(r.output).at).toBe(new Date(Number(r.at)).toISOString());
  await store.close();
}

describe('schedules across worker processes', () => {
  it(`4 processes on Postgres, one SIGKILLed and restarted: exactly one run per tick (${TICKS}+ ticks)`, async () => {
    await scenario(createStore({ url: PG_URL, schema }), PG_URL, schema, 4);
  });
  it(`2 processes on a libsql file, one SIGKILLed and restarted: exactly one run per tick (${TICKS}+ ticks)`, async () => {
    const url = `file:${join(tmp.dir, 'chaos.db')}`;
    await scenario(createStore({ url }), url, '-', 2);
  });
});
