/**
 * Crashed attempts are visible: a child process is SIGKILLed in the middle of a step on a libsql
 * file; the engine that takes the run over counts the lost attempt (attempt 2 runs, with a
 * `step:lost` event naming attempt 1 and the reason), for both ways a run comes back.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStore, type EventRecord } from '../../src/index.js';
import { spawnTs } from '../durable/helpers/child.js';
import { tmpDir } from '../durable/helpers/stores.js';
import { lostWorkflow } from './fixtures/lost-workflow.js';

const CHILD = fileURLToPath(new URL('./fixtures/lost-child.ts', import.meta.url));
const tmp = tmpDir('weft-lost-');
afterAll(() => tmp.cleanup());

async function crashMidStep(url: string, runId: string, owner: string): Promise<void> {
  const child = spawnTs(CHILD, [url, runId, owner], { WEFT_HANG: '1' });
  await child.waitFor('in-two');
  child.proc.kill('SIGKILL');
  await child.exited;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const pick = (events: EventRecord[], type: string) => events.filter((e) => e.type === type);

describe('a step in flight when its process is SIGKILLed', () => {
  it('restarted with the same ownerId: attempt 2 runs, step:lost says "recovered at start-up"', async () => {
    const url = `file:${join(tmp.dir, 'same-owner.db')}`;
    await crashMidStep(url, 'run-same', 'worker-a');
    const store = createStore({ url });
    const forwarded: string[] = [];
    const logger = { debug() {}, info() {}, warn: (m: string) => void forwarded.push(m), error() {} };
    const engine = createEngine({ store, workflows: [lostWorkflow], ownerId: 'worker-a', leaseMs: 500, logger });
    try {
      const results = await engine.recover();
      expect(results.map((r) => r.status)).toEqual(['success']);
      expect(results[0]?.status === 'success' && results[0].output).toEqual({ n: 20, attempt: 2 });
      const events = await store.readEvents('run-same');
      expect(pick(events, 'step:lost').map((e) => [e.path, e.data])).toEqual([
        ['two', { attempt: 1, reason: 'process lost: recovered at start-up' }],
      ]);
      expect(pick(events, 'run:recover')[0]?.data).toEqual({ reason: 'process lost: recovered at start-up' });
      const steps = await store.listSteps('run-same');
      expect(steps.map((s) => [s.path, s.attempt, s.status])).toEqual([
        ['one', 1, 'success'],
        ['two', 2, 'success'],
      ]);
      // The logs committed before the crash (step one) and those of attempt 2; attempt 1's line died with its process.
      expect(
        pick(events, 'log').map((e) => [
          e.path,
          (e.data as { message: string; attempt: number }).message,
          (e.data as { attempt: number }).attempt,
        ]),
      ).toEqual([
        ['one', 'one ran', 1],
        ['two', 'two starting', 2],
      ]);
      // …and every line still reached the engine's own logger.
      expect(forwarded).toContain('two starting');
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('taken over by another engine after the lease expired: the reason is "lease expired"', async () => {
    const url = `file:${join(tmp.dir, 'other-owner.db')}`;
    await crashMidStep(url, 'run-other', 'worker-a');
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [lostWorkflow], ownerId: 'worker-b', leaseMs: 500, logger: quiet });
    try {
      await new Promise((r) => setTimeout(r, 600)); // the dead process's lease runs out
      const results = await engine.recover();
      expect(results.map((r) => r.status)).toEqual(['success']);
      const events = await store.readEvents('run-other');
      expect(pick(events, 'step:lost').map((e) => [e.path, e.data])).toEqual([
        ['two', { attempt: 1, reason: 'process lost: lease expired' }],
      ]);
      expect((await store.listSteps('run-other')).find((s) => s.path === 'two')?.attempt).toBe(2);
      // Crashing again after the first takeover counts on from there: attempt 3 next time.
      const again = await store.readEvents('run-other', 0, ['step:lost']);
      expect(again).toHaveLength(1);
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('a queued run claimed for the first time has lost nothing', async () => {
    const url = `file:${join(tmp.dir, 'queued.db')}`;
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [lostWorkflow], ownerId: 'worker-c', logger: quiet });
    try {
      const id = await engine.enqueue(lostWorkflow, { n: 2 });
      const results = await engine.recover();
      expect(results.map((r) => r.status)).toEqual(['success']);
      expect(await store.readEvents(id, 0, ['step:lost'])).toEqual([]);
      expect((await store.listSteps(id)).map((s) => s.attempt)).toEqual([1, 1]);
    } finally {
      await engine.close();
      await store.close();
    }
  });
});
