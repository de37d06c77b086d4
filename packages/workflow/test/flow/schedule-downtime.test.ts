/**
 * Missed-ticks policies after downtime: three 1 s schedules (skip, once, catch up 3) on a libsql
 * file; the worker is stopped for 10 ticks, then a new engine and worker start on the same file.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { createWorker } from '../../src/worker/worker.js';
import { tmpDir } from '../durable/helpers/stores.js';
import { tickerWorkflow } from './fixtures/workflows.js';

const tmp = tmpDir('weft-sched-down-');
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { debug() {}, info() {}, warn() {}, error: (m: string, d?: unknown) => console.error(m, d) };

describe('missed ticks after downtime', () => {
  it('skip drops the missed ticks, once runs the latest, catchUp runs the n latest; on-time ticks run', async () => {
    const url = `file:${join(tmp.dir, 'down.db')}`;
    const flows = () => [
      tickerWorkflow(1000, 'skip', 'skipper'),
      tickerWorkflow(1000, 'once', 'oncer'),
      tickerWorkflow(1000, { catchUp: 3 }, 'catcher'),
    ];
    const ids = ['skipper', 'oncer', 'catcher'];
    const boot = () => {
      const store = createStore({ url });
      const engine = createEngine({ store, workflows: flows(), logger: quiet });
      const worker = createWorker({ engine, pollMs: 20 });
      worker.start();
      return { store, engine, worker };
    };
    const scheduled = async (engine: ReturnType<typeof boot>['engine'], wf: string) => {
      const runs = (await engine.store.listRuns({ workflowId: wf, limit: 1000 })).runs;
      return (await Promise.all(runs.map(async (r) => (await engine.getRun(r.id))?.scheduledAt as number))).sort();
    };

    let up = boot();
    for (const wf of ids) while ((await scheduled(up.engine, wf)).length < 2) await sleep(50);
    await up.worker.stop();
    const before = new Map<string, number[]>();
    const nextAtStop = new Map<string, number>();
    for (const wf of ids) {
      before.set(wf, await scheduled(up.engine, wf));
      nextAtStop.set(wf, (await up.engine.schedules.get(`${wf}:tick`))?.nextAt as number);
    }
    await up.store.close();

    // Down for 10 ticks; come back in the middle of a second so no tick sits on the grace boundary.
    const stopAt = Date.now();
    while (Date.now() < stopAt + 10_000 || Date.now() % 1000 < 400 || Date.now() % 1000 > 600) await sleep(10);
    const restartAt = Date.now();
    up = boot();
    await sleep(1700);
    await up.worker.stop();

    for (const wf of ids) {
      const all = await scheduled(up.engine, wf);
      expect(new Set(all).size).toBe(all.length); // never a tick twice
      const after = all.filter((t) => !(before.get(wf) as number[]).includes(t));
      const first = nextAtStop.get(wf) as number;
      // Missed: due while down and more than the grace (one period, 1 s) late at restart.
      const missed: number[] = [];
      for (let t = first; t < restartAt - 1000; t += 1000) missed.push(t);
      expect(missed.length).toBeGreaterThanOrEqual(9);
      const ranMissed = after.filter((t) => t < restartAt - 1000);
      const onTime = after.filter((t) => t >= restartAt - 1000);
      if (wf === 'skipper') expect(ranMissed).toEqual([]);
      if (wf === 'oncer') expect(ranMissed).toEqual(missed.slice(-1));
      if (wf === 'catcher') expect(ranMissed).toEqual(missed.slice(-3));
      // Back on schedule: the tick due at restart and the ones after it, each once.
      expect(onTime.length).toBeGreaterThanOrEqual(1);
      expect(
        onTime
          .slice(1)
          .map((t, i) => t - (onTime[i] as number))
          .every((g) => g === 1000),
      ).toBe(true);
    }
    await up.store.close();
  });
});
