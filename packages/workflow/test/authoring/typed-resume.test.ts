/**
 * Resume payloads typed by step path (test/types/resume.test-d.ts checks the compile errors): the
 * same calls at run time, on a libsql file, through `engine.run(wf)`, `wf.createRun()`-style
 * handles and `engine.resume<typeof wf>`; data the types would refuse is refused at run time too.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createStore, ResumeValidationError, step, workflow } from '../../src/index.js';
import { tmpDir } from '../durable/helpers/stores.js';

const tmp = tmpDir('weft-typed-resume-');
afterAll(() => tmp.cleanup());

const gate = step({
  id: 'gate',
  input: z.object({ n: z.number() }),
  resumeSchema: z.object({ ok: z.boolean() }),
  run: async ({ input, resumeData, suspend }) => (resumeData ? { n: input.n, ok: resumeData.ok } : suspend(undefined)),
});
const child = workflow({ id: 'typed-child', input: z.object({ n: z.number() }) })
  .step(gate)
  .commit();
const wf = workflow({ id: 'typed-resume', input: z.object({ n: z.number() }) })
  .parallel([gate, child], { id: 'review' })
  .map(({ input }) => ({ n: input.gate.n + input['typed-child'].n }))
  .waitForEvent('paid', { event: 'payment', schema: z.object({ amount: z.number() }) })
  .map(({ input, getInitData }) => ({ title: `ship ${getInitData().n} for ${input.amount}` }))
  .awaitApproval('ship-it', { schema: z.object({ title: z.string() }) })
  .commit();

describe('typed resume on a libsql file', () => {
  it('resumes every suspendable path with its typed payload, from two engines', async () => {
    const url = `file:${join(tmp.dir, 'typed.db')}`;
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [wf] });
    const run = engine.run(wf);
    const first = await run.start({ input: { n: 2 } });
    expect(first).toMatchObject({ status: 'suspended' });
    expect(first.status === 'suspended' && first.suspended.map((s) => s.path).sort()).toEqual([
      'review/gate',
      'review/typed-child/gate',
    ]);
    expect(await run.resume({ step: 'review/gate', data: { ok: true } })).toMatchObject({ status: 'suspended' });
    // Another engine on the same file, through a typed handle on the existing run id.
    const other = createEngine({ store: createStore({ url }), workflows: [wf] });
    const handle = other.run(wf, { runId: run.runId });
    expect(await handle.resume({ step: 'review/typed-child/gate', data: { ok: false } })).toMatchObject({
      status: 'suspended',
      suspended: [expect.objectContaining({ path: 'paid' })],
    });
    // Data the types refuse is refused at run time, before any state changes.
    await expect(
      other.resume(run.runId, { step: 'paid', data: { amount: 'ten' } as unknown as { amount: number } }),
    ).rejects.toBeInstanceOf(ResumeValidationError);
    expect(await other.resume<typeof wf>(run.runId, { step: 'paid', data: { amount: 10 } })).toMatchObject({
      status: 'suspended',
      suspended: [expect.objectContaining({ path: 'ship-it' })],
    });
    const done = await handle.resume({ step: 'ship-it', data: { decision: 'approve', payload: { title: 'edited' } } });
    expect(done).toMatchObject({ status: 'success', output: { title: 'edited' } });
    expect(done.steps).toMatchObject({
      'review/gate': { n: 2, ok: true },
      'review/typed-child/gate': { n: 2, ok: false },
      paid: { amount: 10 },
    });
    await other.close();
    await engine.close();
  });
});
