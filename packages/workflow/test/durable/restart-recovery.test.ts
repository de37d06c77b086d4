/**
 * Restart with the same identity: a process with 24 runs in flight is SIGKILLed; a new process with
 * the same `ownerId` recovers them at start-up without waiting for their 30 s leases, and no step
 * that had committed runs again (its committed execution stays the last one in the side log).
 * Another identity meanwhile cannot take them (the leases are live): `execute()` respects them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { RunLeasedError } from '../../src/engine/lifecycle-errors.js';
import { createStore } from '../../src/store/kysely/index.js';
import { type ChainData, chainWorkflow, openSideLog, STEPS } from './fixtures/chain.js';
import { spawnTs } from './helpers/child.js';
import { tmpDir } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/restart-child.ts', import.meta.url));
const RUNS = 24;
const tmp = tmpDir('weft-restart-');
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('restart with the same identity (libsql file, SIGKILL)', () => {
  it(`recovers all ${RUNS} interrupted runs at start-up, before their leases expire, re-running no committed step`, async () => {
    const url = `file:${join(tmp.dir, 'weft.db')}`;
    const sidePath = join(tmp.dir, 'side.db');
    const store = createStore({ url });
    const first = spawnTs(CHILD, ['start', url, sidePath, 'node-a', String(RUNS)]);
    await first.waitFor('ready');
    // Kill it mid-work: every run has committed some steps, none has finished.
    for (let i = 0; i < 200; i++) {
      const { runs } = await store.listRuns({ status: 'running', limit: 100 });
      const committed = await Promise.all(runs.map((r) => store.listSteps(r.id)));
      if (runs.length === RUNS && committed.every((s) => s.length >= 2)) break;
      await sleep(20);
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    const { runs } = await store.listRuns({ status: 'running', limit: 100 });
    expect(runs).toHaveLength(RUNS);
    for (const r of runs) expect(r.leaseOwner).toBe('node-a');
    const before = new Map<string, Map<string, string>>();
    for (const r of runs) {
      const steps = (await store.listSteps(r.id)).filter((s) => s.status === 'success');
      before.set(r.id, new Map(steps.map((s) => [s.path, (s.output as ChainData).execs.at(-1) as string])));
    }
    const committedBefore = [...before.values()].reduce((n, m) => n + m.size, 0);
    expect(committedBefore).toBeGreaterThanOrEqual(RUNS * 2);

    // Another identity must not steal live leases.
    const other = createEngine({ store, workflows: [chainWorkflow(undefined)], ownerId: 'node-b' });
    await expect(other.execute(runs[0]?.id as string)).rejects.toBeInstanceOf(RunLeasedError);
    expect((await other.recover()).length).toBe(0);

    const second = spawnTs(CHILD, ['recover', url, sidePath, 'node-a']);
    const code = await second.exited;
    expect(code, second.output()).toBe(0);
    const line = second
      .output()
      .split('\n')
      .find((l) => l.startsWith('RESULT '));
    const result = JSON.parse(line?.slice(7) ?? '{}') as {
      ms: number;
      recoverMs: number;
      progress: { claimed: number; finished: number };
      statuses: string[];
    };
    expect(result.statuses).toEqual(Array(RUNS).fill('success'));
    expect(result.progress).toMatchObject({ claimed: RUNS, finished: RUNS, done: true });
    // Recovered long before the 30 s leases would have expired.
    expect(Date.now() - killedAt).toBeLessThan(30_000);

    const side = openSideLog(sidePath);
    const rows = side.prepare('SELECT run_id, step, exec_id FROM executions ORDER BY seq').all([]) as {
      run_id: string;
      step: string;
      exec_id: string;
    }[];
    side.close();
    const last = new Map<string, string>();
    for (const r of rows) last.set(`${r.run_id}/${r.step}`, r.exec_id);
    for (const r of runs) {
      const rec = await store.getRun(r.id);
      expect(rec?.status).toBe('success');
      const out = rec?.output as ChainData;
      expect(out.execs).toHaveLength(STEPS);
      // The final output is made of each step's last execution, and every step committed before the
      // kill kept its execution: nothing committed ran again.
      for (let k = 1; k <= STEPS; k++) expect(last.get(`${r.id}/s${k}`)).toBe(out.execs[k - 1]);
      for (const [path, exec] of before.get(r.id) ?? []) expect(last.get(`${r.id}/${path}`), path).toBe(exec);
    }
    console.log(
      `restart: ${RUNS} runs (${committedBefore} steps committed before the SIGKILL) recovered in ${result.ms} ms after start-up (recover() itself ${result.recoverMs} ms); ${rows.length} step executions for ${RUNS * STEPS} steps`,
    );
    await store.close();
  }, 60_000);
});
