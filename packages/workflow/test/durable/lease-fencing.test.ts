/**
 * Lease fencing: a process that stalls past its lease cannot commit into a run another process
 * took over. Two engines on one libsql file (two connections) and on one Postgres schema: engine A
 * starts a run whose second step blocks; A's lease expires (B claims with a clock past the expiry,
 * exactly what a worker does once the lease ran out); B recovers and completes the run; then A's
 * step returns. A's commit must be rejected: the steps are B's, and there is one run:success.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import { LeaseLostError } from '../../src/errors/errors.js';
import { createStore } from '../../src/store/kysely/index.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir('weft-fence-');
const schema = uniqueSchema('fence');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

const targets: { name: string; open: () => Store }[] = [
  { name: 'libsql file', open: () => createStore({ url: `file:${join(tmp.dir, 'weft.db')}` }) },
  { name: 'postgres', open: () => createStore({ url: PG_URL, schema }) },
];

/** A 3-step chain whose `slow` step blocks on its first execution until released. */
function fixture() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let slowCalls = 0;
  const executed: string[] = [];
  let started: () => void = () => {};
  const blocked = new Promise<void>((resolve) => {
    started = resolve;
  });
  const wf = workflow({ id: 'fenced', input: z.object({ n: z.number() }) })
    .step('first', async ({ input }) => {
      executed.push('first');
      return input.n + 1;
    })
    .step('slow', async ({ input }) => {
      const call = ++slowCalls;
      executed.push(`slow#${call}`);
      if (call === 1) {
        started();
        await gate; // engine A: "stalls" here past its lease
        return { n: input, by: 'A' };
      }
      return { n: input, by: 'B' };
    })
    .step('last', async ({ input }) => {
      executed.push('last');
      return { ...input, done: true };
    })
    .commit();
  return { wf, release: () => release(), blocked, executed };
}

function warnings() {
  const warns: { message: string; data: unknown }[] = [];
  return {
    warns,
    logger: {
      debug: () => {},
      info: () => {},
      warn: (message: string, data?: unknown) => warns.push({ message, data }),
      error: () => {},
    },
  };
}

describe.each(targets)('lease fencing: $name', ({ open }) => {
  it("rejects a stalled engine's commit after another engine took the run over and finished it", async () => {
    const storeA = open();
    const storeB = open();
    const { wf, release, blocked, executed } = fixture();
    const log = warnings();
    const a = createEngine({
      store: storeA,
      workflows: [wf],
      leaseMs: 60_000,
      ownerId: 'engine-a',
      logger: log.logger,
    });
    const b = createEngine({ store: storeB, workflows: [wf], leaseMs: 60_000, ownerId: 'engine-b' });
    try {
      const run = a.run(wf);
      const pendingA = run.start({ input: { n: 1 } });
      await blocked;
      // A's lease runs out while its step is blocked: B claims the run with a clock past the expiry.
      const claimed = await storeB.claimRuns({
        owner: b.ownerId,
        leaseMs: 60_000,
        limit: 10,
        now: Date.now() + 120_000,
      });
      expect(claimed.map((r) => r.id)).toEqual([run.runId]);
      const resultB = await b.execute(run.runId);
      expect(resultB).toMatchObject({ status: 'success', output: { n: 2, by: 'B', done: true } });

      // Now A's step returns: its commit is fenced out, A stops driving the run and reports the
      // outcome B stored (no failure of the run).
      release();
      const resultA = await pendingA;
      expect(resultA).toMatchObject({ status: 'success', output: { n: 2, by: 'B', done: true } });
      expect(log.warns.map((w) => w.message)).toEqual([expect.stringMatching(/lease lost/)]);
      expect(log.warns[0]?.data).toMatchObject({ runId: run.runId, owner: 'engine-a', newOwner: 'engine-b' });

      // The stored run is B's: one row per step, B's output, `last` ran once, one run:success.
      const steps = await storeB.listSteps(run.runId);
      expect(steps.map((s) => [s.path, s.status]).sort()).toEqual([
        ['first', 'success'],
        ['last', 'success'],
        ['slow', 'success'],
      ]);
      expect(steps.find((s) => s.path === 'slow')?.output).toEqual({ n: 2, by: 'B' });
      expect(executed).toEqual(['first', 'slow#1', 'slow#2', 'last']);
      const events = await storeB.readEvents(run.runId);
      expect(events.filter((e) => e.type === 'run:success')).toHaveLength(1);
      expect(await storeB.getRun(run.runId)).toMatchObject({
        status: 'success',
        leaseOwner: 'engine-b',
        output: { n: 2, by: 'B', done: true },
      });
    } finally {
      release();
      await storeA.close();
      await storeB.close();
    }
  });
});

describe('lease fencing: memory store, run still in flight elsewhere', () => {
  it('the fenced-out execution rejects with LeaseLostError and leaves the run to its new owner', async () => {
    const store = createMemoryStore();
    const { wf, release, blocked } = fixture();
    const log = warnings();
    const a = createEngine({ store, workflows: [wf], leaseMs: 60_000, ownerId: 'engine-a', logger: log.logger });
    const run = a.run(wf);
    const pendingA = run.start({ input: { n: 5 } });
    await blocked;
    // Engine B took the run over and is still executing it (its lease is live).
    await store.claimRuns({ owner: 'engine-b', leaseMs: 60_000, limit: 1, now: Date.now() + 120_000 });
    release();
    await expect(pendingA).rejects.toBeInstanceOf(LeaseLostError);
    expect(log.warns).toHaveLength(1);
    expect(await store.getRun(run.runId)).toMatchObject({ status: 'running', leaseOwner: 'engine-b' });
    expect((await store.listSteps(run.runId)).map((s) => s.path)).toEqual(['first']);
    expect(await store.readEvents(run.runId)).not.toContainEqual(expect.objectContaining({ type: 'run:success' }));
  });
});

describe('lease takeover by a sleep timer', () => {
  it('two engines firing the sleep timer of a dead process take the run over exactly once', async () => {
    const store = createMemoryStore();
    let after = 0;
    const wf = workflow({ id: 'napper', input: z.number() })
      .sleep(20, { id: 'nap' })
      .step('after', async ({ input }) => {
        after++;
        return input + 1;
      })
      .commit();
    const now = Date.now();
    await store.createRun({
      id: 'sleeper',
      workflowId: wf.id,
      definitionHash: wf.hash,
      status: 'running',
      input: 1,
      leaseOwner: 'dead-process',
      leaseExpiresAt: now - 1,
      createdAt: now,
      updatedAt: now,
    });
    const timer = { id: 'sleeper:nap:sleep', runId: 'sleeper', path: 'nap', kind: 'sleep', dueAt: now };
    const [b, c] = ['engine-b', 'engine-c'].map((ownerId) => createEngine({ store, workflows: [wf], ownerId }));
    const results = await Promise.all([b?.fireTimer(timer), c?.fireTimer(timer)]);
    expect(results.filter((r) => r !== undefined)).toEqual([expect.objectContaining({ status: 'success', output: 2 })]);
    expect(after).toBe(1);
    expect((await store.readEvents('sleeper')).filter((e) => e.type === 'run:success')).toHaveLength(1);
  });
});
