import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type ApprovalDecision,
  createEngine,
  type ResumeMapOf,
  type Run,
  step,
  type Workflow,
  workflow,
} from '../../src/index.js';

const gate = step({
  id: 'gate',
  input: z.object({ n: z.number() }),
  resumeSchema: z.object({ ok: z.boolean(), note: z.string().optional() }),
  run: async ({ input, resumeData, suspend }) => (resumeData ? input.n : suspend(undefined)),
});
const free = step({ id: 'free', input: z.number(), run: async ({ input }) => input });

const wf = workflow({ id: 'typed-resume', input: z.object({ n: z.number() }) })
  .step(gate)
  .step('wrap', async ({ input }) => ({ n: input }))
  .waitForEvent('paid', { event: 'payment', schema: z.object({ amount: z.number() }) })
  .map(() => ({ title: 'ship' }))
  .awaitApproval('ship-it', { schema: z.object({ title: z.string() }) })
  .commit();

describe('resume payloads typed by step path', () => {
  it('the committed workflow carries its resume map', () => {
    expectTypeOf<ResumeMapOf<typeof wf>>().toEqualTypeOf<{
      gate: { ok: boolean; note?: string | undefined };
      wrap: unknown;
      paid: { amount: number };
      'ship-it': ApprovalDecision<{ title: string }>;
    }>();
  });

  it('run.resume checks the step path and its payload', async () => {
    const run = wf.createRun();
    await run.resume({ step: 'gate', data: { ok: true } });
    await run.resume({ step: 'paid', data: { amount: 3 } });
    await run.resume({ step: 'ship-it', data: { decision: 'approve', payload: { title: 'x' } } });
    await run.resume({ step: 'wrap' });
    // @ts-expect-error the gate's resume schema wants { ok: boolean }
    await run.resume({ step: 'gate', data: { ok: 'yes' } });
    // @ts-expect-error the gate needs its data
    await run.resume({ step: 'gate' });
    // @ts-expect-error no step 'gait' in this workflow
    await run.resume({ step: 'gait', data: { ok: true } });
    // @ts-expect-error the event schema wants { amount: number }
    await run.resume({ step: 'paid', data: { amount: '3' } });
    // @ts-expect-error an approval decision is 'approve' | 'reject'
    await run.resume({ step: 'ship-it', data: { decision: 'maybe' } });
    // @ts-expect-error the edited payload must fit the gate's schema
    await run.resume({ step: 'ship-it', data: { decision: 'approve', payload: { title: 1 } } });
  });

  it('engine.run(wf) and engine.resume<typeof wf> are typed the same way', async () => {
    const engine = createEngine({ workflows: [wf] });
    const run = engine.run(wf, { runId: 'r1' });
    expectTypeOf(run).toEqualTypeOf<Run<{ n: number }, { title: string }, ResumeMapOf<typeof wf>>>();
    await run.resume({ step: 'gate', data: { ok: false } });
    // @ts-expect-error wrong payload through the engine's handle
    await run.resume({ step: 'gate', data: { ok: 1 } });
    await engine.resume<typeof wf>('r1', { step: 'paid', data: { amount: 1 } });
    // @ts-expect-error unknown step through engine.resume<typeof wf>
    await engine.resume<typeof wf>('r1', { step: 'nope', data: {} });
    // @ts-expect-error wrong payload through engine.resume<typeof wf>
    await engine.resume<typeof wf>('r1', { step: 'paid', data: { amount: 'x' } });
    // Untyped: any step, data typed by T (unchanged).
    await engine.resume('r1', { step: 'anything', data: 1 });
    await engine.resume<{ a: number }>('r1', { step: 'anything', data: { a: 1 } });
  });

  it('arms, items, iterations and nested workflows get their paths', async () => {
    const child = workflow({ id: 'child', input: z.object({ n: z.number() }) })
      .step(gate)
      .commit();
    const again = step({
      id: 'again',
      input: z.object({ n: z.number() }),
      resumeSchema: z.literal('go'),
      run: async ({ input }) => ({ n: input.n + 1 }),
    });
    const outer = workflow({ id: 'outer', input: z.object({ n: z.number() }) })
      .parallel([gate, child], { id: 'review' })
      .map(({ getInitData }) => getInitData())
      .parallel([gate])
      .map(() => [{ n: 1 }])
      .foreach(gate, { id: 'items' })
      .map(() => ({ n: 1 }))
      .dountil(again, ({ output }) => output.n > 1)
      .map(() => ({ n: 1 }))
      .step(child)
      .commit();
    const run = outer.createRun();
    await run.resume({ step: 'review/gate', data: { ok: true } });
    await run.resume({ step: 'review/child/gate', data: { ok: true } });
    await run.resume({ step: 'parallel-3/gate', data: { ok: true } });
    await run.resume({ step: 'items[2]/gate', data: { ok: true } });
    await run.resume({ step: 'dountil-7#0/again', data: 'go' });
    // @ts-expect-error the loop body's resume schema is the literal 'go'
    await run.resume({ step: 'dountil-7#1/again', data: 'stop' });
    await run.resume({ step: 'child/gate', data: { ok: true } });
    // @ts-expect-error the nested workflow's gate still checks its payload
    await run.resume({ step: 'child/gate', data: { ok: 0 } });
    // @ts-expect-error a foreach item path needs its index
    await run.resume({ step: 'items/gate', data: { ok: true } });
    // @ts-expect-error no arm 'free' in review
    await run.resume({ step: 'review/free', data: 1 });
  });

  it('typed workflows stay assignable to Workflow and untyped ones accept anything', async () => {
    const list: Workflow<string, any, any>[] = [wf];
    const one: Workflow = wf;
    createEngine({ workflows: [wf, one] });
    const plain = list[0] as Workflow<string, unknown, unknown>;
    await plain.createRun().resume({ step: 'whatever', data: 1 });
    const built = workflow({ id: 'x', input: z.number() }).step(free).commit();
    const asParam = (w: Workflow<'x', number, number>) => w.id;
    asParam(built);
  });
});
