/**
 * Enqueue here, execute there, stream and await here — three real processes: an API process
 * enqueues runs, streams every one through `engine.handle(runId).stream()` and awaits its
 * `result()`; two worker processes execute them; one worker is SIGKILLed in the middle of a run.
 * The API process must see every stored event of every run, in commit order, and the final result —
 * on a libsql file and on Postgres (a database of its own).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, type KyselyStore } from '../../src/index.js';
import { type Child, spawnTs } from '../durable/helpers/child.js';
import { tmpDir } from '../durable/helpers/stores.js';
import { ownDatabase } from './fixtures/database.js';

const CHILD = fileURLToPath(new URL('./fixtures/handle-child.ts', import.meta.url));
const RUNS = 4;
const STEPS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = tmpDir('weft-handle-');
const db = ownDatabase('handle');
afterAll(async () => {
  tmp.cleanup();
  await db.drop();
});

async function scenario(url: string): Promise<void> {
  const store: KyselyStore = createStore({ url });
  await store.init();
  const workers: Child[] = [spawnTs(CHILD, [url, 'worker']), spawnTs(CHILD, [url, 'worker'])];
  try {
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    const owners = workers.map((w) => /owner (\S+)/.exec(w.output())?.[1] as string);
    const api = spawnTs(CHILD, [url, 'api', String(RUNS), String(STEPS)]);
    // Kill a worker while it holds a run that has committed steps but not finished.
    let victim: number | undefined;
    const deadline = Date.now() + 20_000;
    while (victim === undefined && Date.now() < deadline) {
      for (const run of (await store.listRuns({ status: 'running', limit: 20 })).runs) {
        const i = owners.indexOf(run.leaseOwner ?? '');
        const done = (await store.listSteps(run.id)).filter((s) => s.status === 'success').length;
        if (i >= 0 && done >= 2 && done < STEPS - 1) {
          victim = i;
          break;
        }
      }
      if (victim === undefined) await sleep(5);
    }
    expect(victim, 'a worker held a run in the middle').toBeDefined();
    (workers[victim as number] as Child).proc.kill('SIGKILL');
    await workers[victim as number]?.exited;

    const code = await api.exited;
    const out = api.output();
    expect(code, out).toBe(0);
    const lines = out.split('\n');
    const ids = (lines.find((l) => l.startsWith('enqueued '))?.slice(9) ?? '').split(' ');
    expect(ids).toHaveLength(RUNS);
    for (const runId of ids) {
      const seen = lines.filter((l) => l.startsWith(`EVENT ${runId} `)).map((l) => l.split(' ').slice(2).join(' '));
      const stored = (await store.readEvents(runId)).map((e) => `${e.seq} ${e.type} ${e.path ?? '-'}`);
      // Every stored event, once, in commit order (the stream ends with the run).
      expect(seen).toEqual(stored);
      expect(stored.at(0)).toMatch(/^1 run:queued/);
      expect(stored.at(-1)).toMatch(/run:success/);
      const result = JSON.parse(lines.find((l) => l.startsWith('RESULT ') && l.includes(runId))?.slice(7) ?? 'null');
      const n = ids.indexOf(runId) * 100;
      expect(result).toEqual({ runId, status: 'success', output: { n: n + STEPS } });
    }
    // The killed worker's run was recovered by the other worker (a run:recover event).
    const recovered = await Promise.all(
      ids.map(async (id) => (await store.readEvents(id)).some((e) => e.type === 'run:recover')),
    );
    expect(recovered).toContain(true);
  } finally {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await store.close();
  }
}

describe('run handles across three processes', () => {
  it('libsql file: the API process streams every event in commit order and gets the result', async () => {
    await scenario(`file:${join(tmp.dir, 'weft.db')}`);
  }, 60_000);

  it('Postgres (own database): the same through LISTEN/NOTIFY', async () => {
    await scenario(await db.create());
  }, 60_000);
});
