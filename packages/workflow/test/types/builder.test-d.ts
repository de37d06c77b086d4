import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type DagResult, type RunResult, step, type Workflow, workflow } from '../../src/index.js';

/** The committed workflow type without its resume map (checked in resume.test-d.ts). */
type Plain<W> = W extends Workflow<infer Id, infer I, infer O> ? Workflow<Id, I, O> : never;

const fetchIssue = step({
  id: 'fetch',
  input: z.object({ repo: z.string() }),
  output: z.object({ title: z.string(), body: z.string() }),
  run: async ({ input }) => ({ title: input.repo, body: '' }),
});
const classify = step({
  id: 'classify',
  input: z.object({ title: z.string(), body: z.string() }),
  output: z.object({ severity: z.enum(['low', 'high']).optional() }),
  run: async () => ({ severity: 'high' as const }),
});
const needsNumber = step({ id: 'num', input: z.object({ n: z.number() }), run: async ({ input }) => input.n });
const escalate = step({
  id: 'escalate',
  input: z.object({ severity: z.string() }),
  output: z.object({ paged: z.boolean() }),
  run: async () => ({ paged: true }),
});
const autoFix = step({
  id: 'autofix',
  input: z.object({ severity: z.string() }),
  output: z.object({ pr: z.number() }),
  run: async () => ({ pr: 1 }),
});

describe('step()', () => {
  it('input type is the schema input (defaults optional); run receives the output (defaults applied)', () => {
    const s = step({
      id: 'defaults',
      input: z.object({ level: z.string().default('low') }),
      run: async ({ input }) => {
        expectTypeOf(input.level).toEqualTypeOf<string>();
        return input.level.length;
      },
    });
    type In = NonNullable<(typeof s)['~types']>['input'];
    expectTypeOf<Parameters<In>[0]>().toEqualTypeOf<{ level?: string | undefined }>();
    expectTypeOf<NonNullable<(typeof s)['~types']>['output']>().toEqualTypeOf<number>();
  });

  it('enum literals returned by run keep their literal types; wrong values are errors', () => {
    const Sev = z.object({ severity: z.enum(['low', 'high']), note: z.string().default('') });
    const ok = step({
      id: 'sev',
      input: z.string(),
      output: Sev,
      run: async ({ input }) => ({ severity: input ? 'high' : 'low' }),
    });
    expectTypeOf<NonNullable<(typeof ok)['~types']>['output']>().toEqualTypeOf<{
      severity: 'low' | 'high';
      note: string;
    }>();
    // @ts-expect-error: 'urgent' is not a severity
    step({
      id: 'sev2',
      input: z.string(),
      output: Sev,
      run: async ({ input }) => ({ severity: input ? 'urgent' : 'low' }),
    });
  });

  it('run must return the output schema input type', () => {
    // @ts-expect-error: a number is not { title: string }
    step({ id: 'bad', output: z.object({ title: z.string() }), run: async () => 42 });
  });
});

describe('wiring', () => {
  it('a step whose input does not accept the previous output is a compile error', () => {
    const wf = workflow({ id: 'w', input: z.object({ repo: z.string() }) });
    wf.step(fetchIssue).then(classify);
    // @ts-expect-error: classify needs { title, body }, the workflow input is { repo }
    wf.step(classify);
    // @ts-expect-error: needsNumber needs { n: number }
    wf.step(fetchIssue).then(needsNumber);
  });

  it('inline steps infer their input from the previous output', () => {
    workflow({ id: 'w', input: z.object({ repo: z.string() }) })
      .step(fetchIssue)
      .step('inline', async ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<{ title: string; body: string }>();
        return input.title.length;
      })
      .step('next', async ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<number>();
        return input;
      });
  });

  it('branch output is the union of the branches; branch steps are checked against the previous output', () => {
    const wf = workflow({ id: 'b', input: z.object({ repo: z.string() }) })
      .step(fetchIssue)
      .then(classify)
      .step('normalize', async ({ input }) => ({ severity: input.severity ?? 'low' }))
      .branch([
        [({ input }) => input.severity === 'high', escalate],
        [() => true, autoFix],
      ])
      .commit();
    expectTypeOf<Plain<typeof wf>>().toEqualTypeOf<
      Workflow<'b', { repo: string }, { paged: boolean } | { pr: number }>
    >();
    workflow({ id: 'b2', input: z.object({ repo: z.string() }) })
      // @ts-expect-error: escalate needs { severity: string }
      .branch([[() => true, escalate]]);
  });

  it('parallel output is keyed by step id', () => {
    const wf = workflow({ id: 'p', input: z.object({ severity: z.string() }) })
      .parallel([escalate, autoFix])
      .step('join', async ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<{ escalate: { paged: boolean }; autofix: { pr: number } }>();
        return input.autofix.pr;
      })
      .commit();
    expectTypeOf<Workflow<'p', { severity: string }, number>>().toEqualTypeOf<Plain<typeof wf>>();
  });

  it('foreach needs an array whose items fit the step; its output is an array', () => {
    const item = step({ id: 'item', input: z.object({ n: z.number() }), run: async ({ input }) => String(input.n) });
    const ok = workflow({ id: 'f', input: z.array(z.object({ n: z.number() })) })
      .foreach(item, { concurrency: 2 })
      .commit();
    expectTypeOf<Plain<typeof ok>>().toEqualTypeOf<Workflow<'f', { n: number }[], string[]>>();
    // @ts-expect-error: the previous output is not an array
    workflow({ id: 'f2', input: z.object({ n: z.number() }) }).foreach(item);
    // @ts-expect-error: items are strings, the step needs { n }
    workflow({ id: 'f3', input: z.array(z.string()) }).foreach(item);
  });

  it('loops keep the step output type; map reshapes', () => {
    const inc = step({
      id: 'inc',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      run: async ({ input }) => ({ n: input.n + 1 }),
    });
    const wf = workflow({ id: 'l', input: z.object({ n: z.number() }) })
      .dowhile(inc, ({ output }) => {
        expectTypeOf(output).toEqualTypeOf<{ n: number }>();
        return output.n < 3;
      })
      .map(({ input }) => input.n * 2)
      .commit();
    expectTypeOf<Plain<typeof wf>>().toEqualTypeOf<Workflow<'l', { n: number }, number>>();
  });

  it('nested workflows are steps with their own types', () => {
    const child = workflow({ id: 'child', input: z.object({ repo: z.string() }) })
      .step(fetchIssue)
      .commit();
    const parent = workflow({ id: 'parent', input: z.object({ repo: z.string() }) })
      .then(child)
      .then(classify)
      .commit();
    expectTypeOf<Plain<typeof parent>>().toEqualTypeOf<
      Workflow<'parent', { repo: string }, { severity?: 'low' | 'high' | undefined }>
    >();
    // @ts-expect-error: the child needs { repo }
    workflow({ id: 'x', input: z.number() }).then(child);
  });

  it('waitForEvent and awaitApproval outputs are typed', () => {
    const wf = workflow({ id: 'e', input: z.object({ repo: z.string() }) })
      .waitForEvent('ci', { event: 'ci.done', schema: z.object({ green: z.boolean() }) })
      .awaitApproval('ship', { payload: ({ input }) => ({ green: input.green, note: 'x' }) })
      .step('after', async ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<{ green: boolean; note: string }>();
        return input.note;
      })
      .awaitApproval('again', { approvers: ['lead'], quorum: 2 })
      .commit();
    expectTypeOf<Plain<typeof wf>>().toEqualTypeOf<Workflow<'e', { repo: string }, string>>();
  });

  it('dag output is typed by the task runner', () => {
    const wf = workflow({
      id: 'd',
      input: z.object({ tasks: z.array(z.object({ id: z.string(), dependsOn: z.array(z.string()).optional() })) }),
    })
      .dag('g', { run: async ({ task }) => task.id.length })
      .commit();
    expectTypeOf<Plain<typeof wf>>().toEqualTypeOf<
      Workflow<'d', { tasks: { id: string; dependsOn?: string[] | undefined }[] }, DagResult<number>>
    >();
  });

  it('the output schema is enforced at commit() and types the result', () => {
    const base = workflow({ id: 'o', input: z.object({ repo: z.string() }), output: z.object({ title: z.string() }) });
    const ok = base.step(fetchIssue).commit();
    expectTypeOf<Plain<typeof ok>>().toEqualTypeOf<Workflow<'o', { repo: string }, { title: string }>>();
    base
      .step(fetchIssue)
      .step('n', async () => 1)
      // @ts-expect-error: the last output (a number) does not match the output schema
      .commit();
  });
});

describe('run results', () => {
  it('are a discriminated union with a typed output on success', async () => {
    const wf = workflow({ id: 'r', input: z.object({ repo: z.string() }) })
      .step(fetchIssue)
      .commit();
    const run = wf.createRun();
    // @ts-expect-error: input must be { repo: string }
    run.start({ input: { repo: 1 } });
    const result = await run.start({ input: { repo: 'a' } });
    expectTypeOf(result).toEqualTypeOf<RunResult<{ title: string; body: string }>>();
    if (result.status === 'success') expectTypeOf(result.output).toEqualTypeOf<{ title: string; body: string }>();
    if (result.status === 'failed') expectTypeOf(result.error).toEqualTypeOf<Error>();
    // @ts-expect-error: no output unless success
    result.output;
  });
});
