import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, step, workflow } from '../../src/index.js';

/** A 3-step workflow that counts executions per step and records idempotency keys. */
function counted() {
  const calls: Record<string, number> = {};
  const keys: string[] = [];
  const s = (id: string) =>
    step({
      id,
      input: z.number(),
      output: z.number(),
      run: async ({ input, ctx }) => {
        calls[id] = (calls[id] ?? 0) + 1;
        keys.push(ctx.idempotencyKey);
        return input + 1;
      },
    });
  const wf = workflow({ id: 'count', input: z.number() }).step(s('one')).step(s('two')).step(s('three')).commit();
  return { wf, calls, keys };
}

describe('durability', () => {
  it('recover() re-executes a crashed run from the store, memoizing committed steps', async () => {
    const store = createMemoryStore();
    const { wf, calls, keys } = counted();
    // What a process that crashed after committing step "one" leaves behind: a running run whose
    // lease expired and one committed step.
    const now = Date.now();
    await store.createRun({
      id: 'crashed',
      workflowId: 'count',
      definitionHash: wf.hash,
      status: 'running',
      input: 1,
      leaseOwner: 'dead-process',
      leaseExpiresAt: now - 1,
      createdAt: now,
      updatedAt: now,
    });
    await store.commitStep({
      step: {
        runId: 'crashed',
        path: 'one',
        attempt: 1,
        status: 'success',
        input: 1,
        output: 2,
        startedAt: now,
        endedAt: now,
      },
    });

    const engine = createEngine({ store, workflows: [wf] });
    const [r] = await engine.recover();
    expect(r).toMatchObject({ status: 'success', runId: 'crashed', output: 4 });
    expect(calls).toEqual({ two: 1, three: 1 });
    expect(keys).toEqual(['crashed:two', 'crashed:three']);
    expect(await engine.recover()).toEqual([]); // nothing left to claim
  });

  it("a run leased to this engine's own ownerId whose lease also expired is recovered once, with one result", async () => {
    const store = createMemoryStore();
    const { wf, calls } = counted();
    // A process with the same ownerId died long enough ago that its lease ran out: the run is both
    // "still ours" (step 1 of recover) and claimable as an expired lease (step 2).
    const now = Date.now();
    await store.createRun({
      id: 'mine-expired',
      workflowId: 'count',
      definitionHash: wf.hash,
      status: 'running',
      input: 1,
      leaseOwner: 'worker-a',
      leaseExpiresAt: now - 1,
      createdAt: now,
      updatedAt: now,
    });
    const engine = createEngine({ store, workflows: [wf], ownerId: 'worker-a' });
    const results = await engine.recover();
    expect(results.map((r) => [r.runId, r.status])).toEqual([['mine-expired', 'success']]);
    expect(calls).toEqual({ one: 1, two: 1, three: 1 });
  });

  it('a run whose lease is still held is not claimed', async () => {
    const store = createMemoryStore();
    const { wf } = counted();
    const now = Date.now();
    await store.createRun({
      id: 'busy',
      workflowId: 'count',
      definitionHash: wf.hash,
      status: 'running',
      input: 1,
      leaseOwner: 'alive',
      leaseExpiresAt: now + 60_000,
      createdAt: now,
      updatedAt: now,
    });
    expect(await createEngine({ store, workflows: [wf] }).recover()).toEqual([]);
  });

  it('enqueue() creates a queued run that another engine executes via claimRuns + execute()', async () => {
    const store = createMemoryStore();
    const { wf, calls } = counted();
    const producer = createEngine({ store, workflows: [wf] });
    const id = await producer.enqueue('count', 10);
    expect((await store.getRun(id))?.status).toBe('queued');
    const worker = createEngine({ store, workflows: [wf] });
    const [claimed] = await store.claimRuns({ owner: worker.ownerId, leaseMs: 10_000, limit: 5 });
    expect(claimed?.id).toBe(id);
    const r = await worker.execute(id);
    expect(r).toMatchObject({ status: 'success', output: 13 });
    expect(calls).toEqual({ one: 1, two: 1, three: 1 });
    // Executing a finished run just reports it.
    expect(await worker.execute(id)).toMatchObject({
      status: 'success',
      output: 13,
      steps: { one: 11, two: 12, three: 13 },
    });
  });

  it('a step that was interrupted mid-attempt runs again with the same idempotency key (at-least-once)', async () => {
    const store = createMemoryStore();
    const { wf, keys } = counted();
    const now = Date.now();
    await store.createRun({
      id: 'r1',
      workflowId: 'count',
      definitionHash: wf.hash,
      status: 'running',
      input: 0,
      leaseExpiresAt: 0,
      createdAt: now,
      updatedAt: now,
    });
    await store.commitStep({
      step: { runId: 'r1', path: 'one', attempt: 1, status: 'success', output: 1, startedAt: now, endedAt: now },
    });
    // "two" ran in the dead process (it saw key r1:two) but never committed.
    await createEngine({ store, workflows: [wf] }).execute('r1');
    expect(keys).toEqual(['r1:two', 'r1:three']);
  });

  it('cancel from another engine aborts the run where it executes (lease renewal notices)', async () => {
    const store = createMemoryStore();
    let aborted = false;
    const wf = workflow({ id: 'long' })
      .step(
        'wait',
        ({ signal }) =>
          new Promise((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(signal.reason);
            }),
          ),
      )
      .commit();
    const a = createEngine({ store, workflows: [wf], leaseMs: 150 });
    const run = a.run(wf);
    const pending = run.start({ input: null });
    await new Promise((r) => setTimeout(r, 10));
    await createEngine({ store, workflows: [wf] }).cancel(run.runId);
    const r = await pending;
    expect(r.status).toBe('canceled');
    expect(aborted).toBe(true);
  });
});
