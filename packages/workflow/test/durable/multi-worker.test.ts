/**
 * Four worker processes on Postgres share 2000 enqueued runs; one is SIGKILLed midway. Every run
 * completes exactly once, the dead worker's runs finish on the others, no completed step re-runs.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { createSideTable, type TrioData, trioWorkflow } from './fixtures/trio.js';
import { type Child, spawnTs } from './helpers/child.js';
import { dropSchema, PG_URL, uniqueSchema } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/pg-worker-child.ts', import.meta.url));
const RUNS = 2000;
const schema = uniqueSchema('multiworker');
afterAll(() => dropSchema(schema));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('multi-worker on Postgres', () => {
  it(`4 worker processes complete ${RUNS} runs exactly once, surviving a SIGKILLed worker`, async () => {
    const store = createStore({ url: PG_URL, schema });
    await store.init();
    await createSideTable(store.db);
    const wf = trioWorkflow(undefined);
    const engine = createEngine({ store, workflows: [wf] });
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i += 100) {
      const batch = Array.from({ length: Math.min(100, RUNS - i) }, (_, j) =>
        engine.enqueue(wf, { n: i + j, execs: [] } satisfies TrioData),
      );
      ids.push(...(await Promise.all(batch)));
    }

    // Each worker's connections carry its name, so the test can see when the killed one's are gone.
    const named = (i: number) => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${schema}_w${i}`;
    const workers: Child[] = Array.from({ length: 4 }, (_, i) => spawnTs(CHILD, [named(i), schema]));
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    const done = async () => (await store.listRuns({ status: 'success', limit: 1000 })).runs.length;
    while ((await done()) < 400) await sleep(20);
    const victim = workers[0] as Child;
    const owner = /owner (\S+)/.exec(victim.output())?.[1] as string;
    // Kill it while it holds runs: they must be finished by the other workers.
    const held = async () =>
      (
        await sql<{ id: string }>`SELECT id FROM weft_runs WHERE status = 'running' AND lease_owner = ${owner}`.execute(
          store.db,
        )
      ).rows.map((r) => r.id);
    let orphans = await held();
    while (orphans.length === 0) {
      await sleep(5);
      orphans = await held();
    }
    victim.proc.kill('SIGKILL');
    await victim.exited;
    // A statement the worker sent before it died still runs to its end on the server (its backend
    // notices the closed socket only when it answers): the runs it held are those still held once
    // its backends are gone.
    const backends = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ${`${schema}_w0`}`.execute(store.db)
        ).rows[0]?.n ?? 0,
      );
    while ((await backends()) > 0) await sleep(5);
    orphans = await held();

    const deadline = Date.now() + 45_000;
    const open = async () => (await store.listRuns({ status: ['queued', 'running'], limit: 1 })).runs.length;
    while ((await open()) > 0 && Date.now() < deadline) await sleep(100);
    for (const w of workers.slice(1)) w.proc.kill('SIGTERM');
    await Promise.all(workers.slice(1).map((w) => w.exited));

    const statuses = (
      await sql<{ status: string; n: string }>`SELECT status, count(*) AS n FROM weft_runs GROUP BY status`.execute(
        store.db,
      )
    ).rows;
    expect(statuses.map((r) => [r.status, Number(r.n)])).toEqual([['success', RUNS]]);
    // Exactly one run:success event per run: each run completed once (status and event are one write).
    const successes = (
      await sql<{
        run_id: string;
        n: string;
      }>`SELECT run_id, count(*) AS n FROM weft_events WHERE type = 'run:success' GROUP BY run_id`.execute(store.db)
    ).rows;
    expect(successes).toHaveLength(RUNS);
    expect(successes.every((r) => Number(r.n) === 1)).toBe(true);
    // The committed execution of every step is the last one: no completed step ran again.
    const execs = (
      await sql<{
        run_id: string;
        step: string;
        exec_id: string;
        pid: number;
      }>`SELECT run_id, step, exec_id, pid FROM mw_executions ORDER BY seq`.execute(store.db)
    ).rows;
    const last = new Map<string, string>();
    for (const e of execs) last.set(`${e.run_id}/${e.step}`, e.exec_id);
    const pids = new Set(execs.map((e) => e.pid));
    for (const [i, id] of ids.entries()) {
      const run = await store.getRun(id);
      const out = run?.output as TrioData;
      expect(out.n).toBe(i + 3);
      expect(['a', 'b', 'c'].map((s) => last.get(`${id}/${s}`))).toEqual(out.execs);
    }
    expect(pids.size).toBe(4);
    // The runs the killed worker held were finished by the others.
    expect(orphans.length).toBeGreaterThan(0);
    for (const id of orphans) {
      const run = await store.getRun(id);
      expect(run?.status).toBe('success');
      expect(run?.leaseOwner).not.toBe(owner);
    }
    console.log(
      `multi-worker: ${RUNS} runs, ${execs.length} step executions (${execs.length - RUNS * 3} re-run after the kill), ${orphans.length} runs held by the killed worker`,
    );
    await store.close();
  });
});
