import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  createMemoryStore,
  NoBranchMatchedError,
  StepValidationError,
  step,
  WorkflowDefinitionError,
  workflow,
} from '../../src/index.js';

const fetchIssue = step({
  id: 'fetch',
  input: z.object({ repo: z.string() }),
  output: z.object({ title: z.string(), body: z.string() }),
  run: async ({ input }) => ({ title: `issue of ${input.repo}`, body: 'it crashes' }),
});
const classify = step({
  id: 'classify',
  input: z.object({ title: z.string(), body: z.string() }),
  output: z.object({ title: z.string(), severity: z.enum(['low', 'high']).optional() }),
  run: async ({ input }) => ({
    title: input.title,
    severity: input.body.includes('crash') ? ('high' as const) : undefined,
  }),
});
const escalate = step({ id: 'escalate', run: async ({ input }: { input: unknown }) => ({ action: 'page', input }) });
const autoFix = step({ id: 'autofix', run: async () => ({ action: 'pr' }) });

describe('chain, map, branch, parallel', () => {
  it('runs a typed chain end to end and returns a typed success', async () => {
    const wf = workflow({ id: 'triage', input: z.object({ repo: z.string() }) })
      .step(fetchIssue)
      .then(classify)
      .step('normalize', async ({ input }) => ({ ...input, severity: input.severity ?? 'low' }))
      .branch([
        [({ input }) => input.severity === 'high', escalate],
        [() => true, autoFix],
      ])
      .commit();
    const result = await wf.createRun().start({ input: { repo: 'acme/api' } });
    expect(result.status).toBe('success');
    if (result.status !== 'success') return;
    expect(result.output).toEqual({ action: 'page', input: { title: 'issue of acme/api', severity: 'high' } });
    expect(result.steps.fetch).toEqual({ title: 'issue of acme/api', body: 'it crashes' });
    expect(result.steps['branch-4/escalate']).toBeDefined();
  });

  it('parallel branches all run and the next step receives their outputs by id', async () => {
    const lint = step({ id: 'lint', input: z.number(), run: async ({ input }) => input + 1 });
    const test = step({ id: 'test', input: z.number(), run: async ({ input }) => input * 2 });
    const wf = workflow({ id: 'par', input: z.number() })
      .parallel([lint, test], { id: 'checks' })
      .map(({ input }) => input.lint + input.test)
      .commit();
    const r = await createEngine().run(wf).start({ input: 5 });
    expect(r).toMatchObject({ status: 'success', output: 16 });
    expect(r.steps['checks/lint']).toBe(6);
  });

  it('input validation failure is a StepValidationError naming workflow, step and zod path', async () => {
    const bad = step({
      id: 'bad',
      output: z.object({ n: z.number() }),
      run: async () => ({ n: 'x' as unknown as number }),
    });
    const wf = workflow({ id: 'val' }).step(bad).commit();
    const r = await createEngine().run(wf).start({ input: undefined });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.error).toBeInstanceOf(StepValidationError);
    const e = r.error as StepValidationError;
    expect(e.workflowId).toBe('val');
    expect(e.stepPath).toBe('bad');
    expect(e.issues[0]?.path).toEqual(['n']);
    expect(e.message).toMatch(/step "bad" of workflow "val"/);
  });

  it('workflow input is validated and the output schema is enforced', async () => {
    const wf = workflow({ id: 'out', input: z.object({ n: z.number() }), output: z.object({ doubled: z.number() }) })
      .step('double', async ({ input }) => ({ doubled: input.n * 2 }))
      .commit();
    const engine = createEngine();
    expect(await engine.run(wf).start({ input: { n: 2 } })).toMatchObject({
      status: 'success',
      output: { doubled: 4 },
    });
    const badIn = await engine.run(wf).start({ input: { n: 'two' } as unknown as { n: number } });
    expect(badIn.status).toBe('failed');
    const wf2 = workflow({ id: 'out2', output: z.object({ doubled: z.number() }) })
      .step('oops', async () => ({ doubled: 'no' as unknown as number }))
      .commit();
    const r = await engine.run(wf2).start({ input: undefined });
    expect(r.status).toBe('failed');
    if (r.status === 'failed') expect((r.error as StepValidationError).target).toBe('workflow-output');
  });

  it('branch with no match fails clearly; a default catches it', async () => {
    const wf = workflow({ id: 'nomatch', input: z.number() })
      .branch([[({ input }) => input > 10, autoFix]], { id: 'route' })
      .commit();
    const r = await createEngine().run(wf).start({ input: 1 });
    expect(r.status).toBe('failed');
    if (r.status === 'failed') {
      expect(r.error).toBeInstanceOf(NoBranchMatchedError);
      expect(r.error.message).toMatch(/route.*nomatch.*default/s);
    }
    const wf2 = workflow({ id: 'withdefault', input: z.number() })
      .branch([[({ input }) => input > 10, autoFix]], { default: escalate })
      .commit();
    expect((await createEngine().run(wf2).start({ input: 1 })).status).toBe('success');
  });

  it('commit() rejects duplicate ids, empty parallel and empty branch with WorkflowDefinitionError', () => {
    expect(() => workflow({ id: 'dup' }).step(autoFix).step(autoFix).commit()).toThrow(WorkflowDefinitionError);
    expect(() => workflow({ id: 'dup' }).step(autoFix).step(autoFix).commit()).toThrow(/"autofix" is used twice/);
    expect(() => workflow({ id: 'e' }).parallel([]).commit()).toThrow(/parallel .* has no steps/);
    expect(() => workflow({ id: 'e' }).branch([]).commit()).toThrow(/branch .* has no branches/);
    expect(() => workflow({ id: 'e' }).commit()).toThrow(/has no steps/);
  });

  it('the structural hash is stable and changes with the wiring, not with function bodies', () => {
    const a = workflow({ id: 'h', input: z.string() })
      .step('x', async () => 1)
      .commit();
    const b = workflow({ id: 'h', input: z.string() })
      .step('x', async () => 2)
      .commit();
    const c = workflow({ id: 'h', input: z.number() })
      .step('x', async () => 1)
      .commit();
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });

  it('stores the run with its definition hash in the store', async () => {
    const store = createMemoryStore();
    const wf = workflow({ id: 'stored' })
      .step('a', async () => 1)
      .commit();
    const r = await createEngine({ store }).run(wf).start({ input: undefined });
    const rec = await store.getRun(r.runId);
    expect(rec).toMatchObject({ status: 'success', output: 1, definitionHash: wf.hash, workflowId: 'stored' });
    expect((await store.listSteps(r.runId)).map((s) => s.path)).toEqual(['a']);
  });

  it('a schema shared by an output and the next input validates once, unless it transforms', async () => {
    const Pure = z.object({ n: z.number() });
    const Bump = z.object({ n: z.number() }).transform((o) => ({ n: o.n + 100 }));
    const seen: number[] = [];
    const mk = (id: string, S: typeof Pure | typeof Bump) =>
      step({
        id,
        input: S,
        output: S,
        run: async ({ input }) => {
          seen.push(input.n);
          return { n: input.n + 1 };
        },
      });
    const pure = workflow({ id: 'pure', input: Pure }).step(mk('a', Pure)).step(mk('b', Pure)).commit();
    expect(
      await createEngine()
        .run(pure)
        .start({ input: { n: 0 } }),
    ).toMatchObject({ output: { n: 2 } });
    expect(seen).toEqual([0, 1]);
    seen.length = 0;
    const bump = workflow({ id: 'bump', input: Pure }).step(mk('a', Bump)).step(mk('b', Bump)).commit();
    // Every parse applies the transform: input (+100), output (+100), input again (+100), output (+100).
    expect(
      await createEngine()
        .run(bump)
        .start({ input: { n: 0 } }),
    ).toMatchObject({ output: { n: 402 } });
    expect(seen).toEqual([100, 301]);
  });

  it('parallel branches get isolated copies of a validated input; a mapper mutation is re-validated', async () => {
    const S = z.object({ n: z.number() });
    const mutate = step({
      id: 'mut',
      input: S,
      output: S,
      run: async ({ input }) => {
        input.n = 999;
        return input;
      },
    });
    const read = step({
      id: 'read',
      input: S,
      output: S,
      run: async ({ input }) => {
        await Promise.resolve();
        return input;
      },
    });
    const first = step({ id: 'first', input: S, output: S, run: async ({ input }) => input });
    const wf = workflow({ id: 'iso', input: S }).step(first).parallel([mutate, read]).commit();
    const r = await createEngine()
      .run(wf)
      .start({ input: { n: 1 } });
    expect(r).toMatchObject({ status: 'success', output: { mut: { n: 999 }, read: { n: 1 } } });
    const wf2 = workflow({ id: 'iso2', input: S })
      .step(first)
      .map(({ input }) => Object.assign(input, { n: 'oops' as unknown as number }))
      .step(step({ id: 'after', input: S, run: async ({ input }) => input.n }))
      .commit();
    const r2 = await createEngine()
      .run(wf2)
      .start({ input: { n: 1 } });
    expect(r2.status === 'failed' && r2.error).toBeInstanceOf(StepValidationError);
  });

  it('a throwing mapper or predicate fails the run with a StepFailedError naming the node', async () => {
    const wf = workflow({ id: 'mapper', input: z.number() })
      .map(
        () => {
          throw new Error('boom');
        },
        { id: 'reshape' },
      )
      .commit();
    const r = await createEngine().run(wf).start({ input: 1 });
    expect(r.status === 'failed' && r.error.message).toBe(
      'Step "reshape" of workflow "mapper" failed after 1 attempt: the map function threw: boom',
    );
    const wf2 = workflow({ id: 'pred', input: z.number() })
      .branch([
        [
          () => {
            throw new Error('bad predicate');
          },
          autoFix,
        ],
      ])
      .commit();
    const r2 = await createEngine().run(wf2).start({ input: 1 });
    expect(r2.status === 'failed' && r2.error.message).toMatch(
      /the predicate of branch "autofix" threw: bad predicate/,
    );
  });
});
