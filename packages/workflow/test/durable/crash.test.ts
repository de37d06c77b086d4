/**
 * Crash test: a child process works through 200 runs of a 10-step workflow on a libsql file and is
 * SIGKILLed at random moments at least 20 times. At the end every run succeeded, no run is lost,
 * and no completed step ran again (its committed execution is the last one recorded).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { type ChainData, chainWorkflow, openSideLog, STEPS } from './fixtures/chain.js';
import { spawnTs } from './helpers/child.js';
import { tmpDir } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const RUNS = 200;
const KILLS = 20;
const tmp = tmpDir('weft-crash-');
afterAll(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash recovery (libsql file, SIGKILL)', () => {
  it(`completes ${RUNS} runs × ${STEPS} steps across ${KILLS}+ SIGKILLs without re-running a completed step`, async () => {
    const url = `file:${join(tmp.dir, 'weft.db')}`;
    const sidePath = join(tmp.dir, 'side.db');
    const store = createStore({ url });
    const wf = chainWorkflow(undefined);
    const engine = createEngine({ store, workflows: [wf] });
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push(await engine.enqueue(wf, { total: i, execs: [] } satisfies ChainData));

    const env = { WEFT_LEASE_MS: '400', WEFT_STEP_DELAY_MS: '10', WEFT_CONCURRENCY: '2' };
    const unfinished = async () => (await store.listRuns({ status: ['queued', 'running'], limit: 1 })).runs.length;
    let midWorkKills = 0;
    for (let k = 0; k < KILLS; k++) {
      const child = spawnTs(CHILD, [url, sidePath], env);
      await child.waitFor('ready');
      await sleep(30 + Math.random() * 170);
      if ((await unfinished()) > 0) midWorkKills++;
      child.proc.kill('SIGKILL');
      await child.exited;
    }

    const last = spawnTs(CHILD, [url, sidePath], env);
    await last.waitFor('ready');
    const deadline = Date.now() + 40_000;
    while ((await unfinished()) > 0 && Date.now() < deadline) await sleep(100);
    last.proc.kill('SIGTERM');
    await last.exited;

    expect(midWorkKills).toBeGreaterThanOrEqual(KILLS);
    // No run lost, all succeeded with the right result.
    const page = await store.listRuns({ workflowId: 'crash-chain', limit: 1000 });
    expect(page.runs).toHaveLength(RUNS);
    const side = openSideLog(sidePath);
    const rows = side.prepare('SELECT run_id, step, exec_id, idem FROM executions ORDER BY seq').all([]) as {
      run_id: string;
      step: string;
      exec_id: string;
      idem: string;
    }[];
    side.close();
    const lastExec = new Map<string, string>();
    const idem = new Map<string, Set<string>>();
    for (const r of rows) {
      const key = `${r.run_id}/${r.step}`;
      lastExec.set(key, r.exec_id);
      idem.set(key, (idem.get(key) ?? new Set()).add(r.idem));
    }
    let reExecuted = 0;
    for (const [i, id] of ids.entries()) {
      const run = await store.getRun(id);
      expect(run?.status, `run ${id}`).toBe('success');
      const out = run?.output as ChainData;
      expect(out.total).toBe(i + (STEPS * (STEPS + 1)) / 2);
      expect(out.execs).toHaveLength(STEPS);
      for (let k = 1; k <= STEPS; k++) {
        const key = `${id}/s${k}`;
        // The execution whose result was committed is the last one that ever ran: after a step
        // completed, nothing executed it again. Earlier ones were interrupted (at-least-once).
        expect(lastExec.get(key), key).toBe(out.execs[k - 1]);
        expect(idem.get(key)?.size, `one idempotency key for ${key}`).toBe(1);
      }
    }
    reExecuted = rows.length - RUNS * STEPS;
    expect(reExecuted).toBeGreaterThanOrEqual(0);
    console.log(
      `crash test: ${KILLS} SIGKILLs mid-work, ${rows.length} step executions for ${RUNS * STEPS} steps (${reExecuted} interrupted and re-run)`,
    );
    await store.close();
  });
});
