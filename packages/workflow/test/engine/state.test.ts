import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, step, workflow } from '../../src/index.js';

describe('run state', () => {
  it('keeps every parallel branch state write and every result', async () => {
    const writer = (id: string, delay: number) =>
      step({
        id,
        input: z.number(),
        run: async ({ input, ctx }) => {
          await new Promise((r) => setTimeout(r, delay));
          ctx.setState({ [id]: input + delay, last: id });
          return delay;
        },
      });
    const wf = workflow({ id: 'st', input: z.number() })
      // Delays far apart: the branches start a moment apart, and on a loaded machine that moment
      // can exceed a couple of milliseconds (5 ms vs 3 ms timers then fired in the other order).
      .parallel([writer('a', 60), writer('b', 1), writer('c', 20)], { id: 'fan' })
      .step('read', async ({ ctx }) => ({ ...ctx.state }))
      .commit();
    const r = await createEngine().run(wf).start({ input: 10 });
    expect(r).toMatchObject({
      status: 'success',
      output: { a: 70, b: 11, c: 30, last: 'a' },
      steps: { 'fan/a': 60, 'fan/b': 1, 'fan/c': 20 },
    });
    expect(r.state).toEqual({ a: 70, b: 11, c: 30, last: 'a' });
  });

  it('state is durable: a resume in another engine sees the writes made before the suspension', async () => {
    const store = createMemoryStore();
    const wf = workflow({ id: 'st2' })
      .step('count', async ({ ctx }) => {
        ctx.setState({ counted: 3 });
        return 3;
      })
      .waitForEvent('go', { event: 'go' })
      .step('use', async ({ ctx }) => ctx.state.counted)
      .commit();
    const r = await createEngine({ store, workflows: [wf] })
      .run(wf)
      .start({ input: null });
    expect(r.status).toBe('suspended');
    const done = await createEngine({ store, workflows: [wf] }).resume(r.runId, { step: 'go', data: {} });
    expect(done).toMatchObject({ status: 'success', output: 3, state: { counted: 3 } });
  });
});
