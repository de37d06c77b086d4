import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, RunNotFoundError, step, workflow } from '../../src/index.js';

describe('engine API', () => {
  it('execute() of a run already executing in this process joins it instead of running it twice', async () => {
    let calls = 0;
    const wf = workflow({ id: 'once' })
      .step('slow', async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 10));
        return 'done';
      })
      .commit();
    const engine = createEngine({ workflows: [wf] });
    const run = engine.run(wf);
    const first = run.start({ input: null });
    await new Promise((r) => setTimeout(r, 1));
    const second = engine.execute(run.runId);
    expect(await second).toMatchObject({ status: 'success', output: 'done' });
    expect(await first).toMatchObject({ status: 'success', output: 'done' });
    expect(calls).toBe(1);
  });

  it('sendEvent resumes every waiting run, or only the one asked for', async () => {
    const wf = workflow({ id: 'wait', input: z.number() })
      .waitForEvent('w', { event: 'tick', schema: z.object({ by: z.number() }) })
      .step('sum', async ({ input }) => input.by)
      .commit();
    const engine = createEngine({ workflows: [wf] });
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => engine.run(wf).start({ input: n })));
    const only = await engine.sendEvent('tick', { by: 7 }, { runId: b?.runId });
    expect(only.map((r) => r.runId)).toEqual([b?.runId]);
    const rest = await engine.sendEvent('tick', { by: 9 });
    expect(rest.map((r) => r.runId).sort()).toEqual([a?.runId, c?.runId].sort());
    expect(rest.every((r) => r.status === 'success' && r.output === 9)).toBe(true);
    expect(await engine.sendEvent('tick', { by: 1 })).toEqual([]);
  });

  it('fireTimer(sleep) executes a sleeping run whose owner died, waiting only the rest', async () => {
    const store = createMemoryStore();
    const wf = workflow({ id: 'nap', input: z.number() })
      .sleep('1h', { id: 'nap' })
      .step('after', async ({ input }) => input * 2)
      .commit();
    const now = Date.now();
    // A dead process left a sleeping run: lease expired, the sleep's due time has passed.
    await store.createRun({
      id: 'r',
      workflowId: 'nap',
      definitionHash: wf.hash,
      status: 'running',
      input: 21,
      leaseExpiresAt: now - 1,
      createdAt: now,
      updatedAt: now,
    });
    await store.commitStep({
      step: {
        runId: 'r',
        path: 'nap',
        attempt: 1,
        status: 'running',
        input: { dueAt: now - 5 },
        startedAt: now - 3_600_000,
      },
      timer: { id: 't', runId: 'r', path: 'nap', kind: 'sleep', dueAt: now - 5 },
    });
    const engine = createEngine({ store, workflows: [wf] });
    const [timer] = await store.takeDueTimers(now, 10);
    const r = await engine.fireTimer(timer as NonNullable<typeof timer>);
    expect(r).toMatchObject({ status: 'success', output: 42 });
  });

  it('getRun, cancel and execute report unknown runs clearly', async () => {
    const engine = createEngine();
    expect(await engine.getRun('nope')).toBeUndefined();
    await expect(engine.cancel('nope')).rejects.toThrow(RunNotFoundError);
    await expect(engine.execute('nope')).rejects.toThrow(/Run "nope" was not found/);
  });

  it('enqueue validates nothing it cannot know, but rejects unknown workflow ids', async () => {
    const engine = createEngine();
    await expect(engine.enqueue('ghost', {})).rejects.toThrow(/not registered/);
    const wf = workflow({ id: 'q' })
      .step(step({ id: 's', run: async () => 1 }))
      .commit();
    const id = await engine.enqueue(wf, null);
    expect((await engine.getRun(id))?.status).toBe('queued');
    expect(await engine.recover()).toMatchObject([{ status: 'success', output: 1, runId: id }]);
  });
});
