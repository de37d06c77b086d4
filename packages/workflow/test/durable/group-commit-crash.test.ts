/**
 * Crash test of group commit: a child process runs 50 chain runs at once on a libsql file (their
 * step commits share transactions and merged multi-row statements) and is SIGKILLed at random
 * moments at least 20 times, restarted each time. At the end every run succeeded once per step:
 *  - no committed step was lost: every execution of step k+1 (which starts only after step k's
 *    commit resolved) got as input the very execution of step k that is stored as its result;
 *  - no committed step ran again: that execution is the last one of step k ever recorded;
 *  - the stored step rows and the run's event seqs (computed inside the merged INSERT) agree.
 * The child reports group sizes: the test asserts groups of ≥ 10 batches and merged batches formed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { type ChainData, chainWorkflow, openSideLog, STEPS } from './fixtures/chain.js';
import { spawnTs } from './helpers/child.js';
import { tmpDir } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/group-commit-child.ts', import.meta.url));
const KILLS = 20;
/** Queued runs kept ahead of each child, so every kill lands mid-work. */
const AHEAD = 200;
const tmp = tmpDir('weft-group-crash-');
afterAll(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Execution {
  seq: number;
  run_id: string;
  step: string;
  exec_id: string;
  idem: string;
  prev: string | null;
}

describe('group commit crash recovery (libsql file, SIGKILL)', () => {
  it(`loses and repeats no committed step of 50 concurrent runs across ${KILLS}+ SIGKILLs`, async () => {
    const url = `file:${join(tmp.dir, 'weft.db')}`;
    const sidePath = join(tmp.dir, 'side.db');
    const store = createStore({ url });
    const wf = chainWorkflow(undefined);
    const engine = createEngine({ store, workflows: [wf] });
    /** Run id → its index (the input total). */
    const ids = new Map<string, number>();
    let enqueued = 0;
    const unfinished = async () => (await store.listRuns({ status: ['queued', 'running'], limit: AHEAD })).runs.length;
    const topUp = async () => {
      const missing = AHEAD - (await unfinished());
      await Promise.all(
        Array.from({ length: Math.max(0, missing) }, async () => {
          const i = enqueued++;
          ids.set(await engine.enqueue(wf, { total: i, execs: [] } satisfies ChainData), i);
        }),
      );
    };

    // The V8 compile cache, filled by the first child, makes every later start ~2× cheaper in CPU.
    const env = { WEFT_LEASE_MS: '300', WEFT_CONCURRENCY: '50', NODE_COMPILE_CACHE: join(tmp.dir, 'compile-cache') };
    let midWorkKills = 0;
    let largestGroup = 0;
    let mergedBatches = 0;
    /** The child's last `group` line: largest group and merged batches so far. */
    const groupLine = (out: string): number => {
      const lines = out.split('\n').filter((l) => l.startsWith('group '));
      const [, largest, merged] = (lines.at(-1) ?? 'group 0 0').split(' ').map(Number) as [number, number, number];
      largestGroup = Math.max(largestGroup, largest);
      mergedBatches += merged;
      return merged;
    };
    // The next two children start (imports, open the store) while the current one works; the next
    // takes over the moment it is killed: the kills come as fast as children can start.
    const spawn = () => spawnTs(CHILD, [url, sidePath], env);
    const waiting = [spawn(), spawn()]; // started ahead: starting a child is the slow part
    for (let k = 0; k < KILLS; k++) {
      await topUp();
      const child = waiting.shift() as ReturnType<typeof spawn>;
      await child.waitFor('ready');
      child.proc.kill('SIGUSR2');
      waiting.push(spawn());
      await child.waitFor('working');
      await sleep(Math.random() * 100);
      child.proc.kill('SIGKILL');
      await child.exited;
      // Killed mid-work: it had committed merged groups and runs were still unfinished.
      if (groupLine(child.output()) > 0 && (await unfinished()) > 0) midWorkKills++;
    }

    const last = waiting.shift() as ReturnType<typeof spawn>;
    for (const spare of waiting) spare.proc.kill('SIGKILL');
    await last.waitFor('ready');
    last.proc.kill('SIGUSR2');
    const deadline = Date.now() + 40_000;
    while ((await unfinished()) > 0 && Date.now() < deadline) await sleep(50);
    last.proc.kill('SIGTERM');
    await last.exited;
    groupLine(last.output());

    expect(midWorkKills).toBeGreaterThanOrEqual(KILLS);
    // Groups really formed: transactions of ≥ 10 runs' batches, written through merged statements.
    expect(largestGroup).toBeGreaterThanOrEqual(10);
    expect(mergedBatches).toBeGreaterThan(0);

    const page = await store.listRuns({ workflowId: 'crash-chain', limit: ids.size + 1 });
    expect(page.runs).toHaveLength(ids.size);
    const side = openSideLog(sidePath);
    const rows = side
      .prepare('SELECT seq, run_id, step, exec_id, idem, prev FROM executions ORDER BY seq')
      .all([]) as Execution[];
    side.close();
    const byRun = new Map<string, Execution[]>();
    for (const r of rows) byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r]);

    for (const [id, i] of ids) {
      const run = await store.getRun(id);
      expect(run?.status, `run ${id}`).toBe('success');
      const out = run?.output as ChainData;
      expect(out.total).toBe(i + (STEPS * (STEPS + 1)) / 2);
      expect(out.execs).toHaveLength(STEPS);
      const execs = byRun.get(id) ?? [];
      for (let k = 1; k <= STEPS; k++) {
        const committed = out.execs[k - 1];
        const ofStep = execs.filter((e) => e.step === `s${k}`);
        // Not re-run: the committed execution is the last one of the step ever recorded.
        expect(ofStep.at(-1)?.exec_id, `${id}/s${k}`).toBe(committed);
        expect(new Set(ofStep.map((e) => e.idem)).size, `one idempotency key for ${id}/s${k}`).toBe(1);
        // Not lost: every execution of the successor saw this very execution as its input.
        if (k < STEPS) {
          for (const next of execs.filter((e) => e.step === `s${k + 1}`)) {
            expect(next.prev, `input of ${id}/s${k + 1} (seq ${next.seq})`).toBe(committed);
          }
        }
      }
      // The stored step rows carry the same executions, and event seqs are 1…n without a gap.
      const steps = (await store.listSteps(id))
        .filter((s) => s.status === 'success')
        .sort((a, b) => Number(a.path.replace(/\D/g, '')) - Number(b.path.replace(/\D/g, '')));
      expect(steps.map((s) => (s.output as ChainData).execs.at(-1))).toEqual(out.execs);
      const seqs = (await store.readEvents(id)).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, n) => n + 1));
    }
    const reRun = rows.length - ids.size * STEPS;
    expect(reRun).toBeGreaterThanOrEqual(0);
    console.log(
      `group commit crash test: ${KILLS} SIGKILLs mid-work, ${ids.size} runs, largest group ${largestGroup} batches, ${mergedBatches} merged batches, ${rows.length} step executions for ${ids.size * STEPS} steps (${reRun} interrupted and re-run)`,
    );
    await store.close();
  }, 120_000);
});
