import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineInterceptor, findCause, type StepInterceptor, step, TimeoutError, workflow } from '../../src/index.js';

const fetch = step({
  id: 'fetch',
  input: z.object({ repo: z.string() }),
  output: z.object({ stars: z.number() }),
  run: async ({ input }) => ({ stars: input.repo.length }),
});
const later = step({ id: 'later', run: async () => 'later' as const });

describe('typed reads of the input and upstream results', () => {
  it('inline steps read the workflow input and upstream outputs, typed', () => {
    workflow({ id: 'w', input: z.object({ repo: z.string(), min: z.number().default(1) }) })
      .step(fetch)
      .step('score', async ({ getInitData, getStepResult, runId }) => {
        expectTypeOf(getInitData()).toEqualTypeOf<{ repo: string; min: number }>();
        expectTypeOf(getStepResult('fetch')).toEqualTypeOf<{ stars: number }>();
        expectTypeOf(getStepResult(fetch)).toEqualTypeOf<{ stars: number }>();
        expectTypeOf(runId).toEqualTypeOf<string>();
        return 1;
      })
      .step('next', async ({ getStepResult }) => {
        expectTypeOf(getStepResult('score')).toEqualTypeOf<number>();
        return 2;
      })
      .commit();
  });

  it('reading a step that is not upstream fails to compile', () => {
    workflow({ id: 'w2', input: z.object({ repo: z.string() }) })
      .step(fetch)
      .step('score', async ({ getStepResult }) => {
        // @ts-expect-error 'later' is downstream: not in the steps so far
        getStepResult('later');
        // @ts-expect-error a step object that is not upstream
        getStepResult(later);
        // @ts-expect-error a typo
        getStepResult('fetchh');
        return 1;
      })
      .step(later)
      .commit();
  });

  it('maps, predicates and loop conditions get the same typed access', () => {
    const a = step({ id: 'a', input: z.object({ n: z.number() }), run: async ({ input }) => input.n });
    workflow({ id: 'w3', input: z.object({ n: z.number() }) })
      .step(a)
      .map(({ getInitData, getStepResult }) => {
        expectTypeOf(getInitData()).toEqualTypeOf<{ n: number }>();
        expectTypeOf(getStepResult('a')).toEqualTypeOf<number>();
        // @ts-expect-error not upstream
        getStepResult('b');
        return { n: 1 };
      })
      .dountil(
        step({ id: 'b', input: z.object({ n: z.number() }), run: async ({ input }) => ({ n: input.n + 1 }) }),
        ({ output, getStepResult }) => {
          expectTypeOf(output).toEqualTypeOf<{ n: number }>();
          return output.n > getStepResult('a');
        },
      )
      .commit();
  });

  it('standalone steps type getStepResult by the step passed', () => {
    step({
      id: 'solo',
      run: async ({ getStepResult, getInitData }) => {
        expectTypeOf(getStepResult(fetch)).toEqualTypeOf<{ stars: number } | undefined>();
        expectTypeOf(getInitData<{ repo: string }>()).toEqualTypeOf<{ repo: string }>();
        return 0;
      },
    });
  });
});

describe('bail, interceptors, findCause', () => {
  it('bail in an inline step takes the workflow output schema input', () => {
    workflow({ id: 'b', output: z.object({ answer: z.string() }) })
      .step('x', async ({ bail }) => {
        // @ts-expect-error the output schema wants { answer: string }
        if (Math.random() > 2) bail({ answer: 1 });
        return bail({ answer: 'ok' });
      })
      .map(() => ({ answer: 'y' }))
      .commit();
  });

  it('interceptors are typed (input, next) chains', () => {
    const i: StepInterceptor = async (call, next) => {
      expectTypeOf(call.path).toEqualTypeOf<string>();
      expectTypeOf(call.attempt).toEqualTypeOf<number>();
      return next(call);
    };
    const typed = defineInterceptor<{ n: number }, number>({
      before: (call) => ({ n: call.input.n + 1 }),
      after: (_c, out) => out * 2,
    });
    workflow({ id: 'i', interceptors: [i, typed] });
  });

  it('findCause returns the class instance type', () => {
    const e: unknown = new Error('x');
    expectTypeOf(findCause(e, TimeoutError)).toEqualTypeOf<TimeoutError | undefined>();
    expectTypeOf(findCause(e, 'WEFT_TIMEOUT')).toEqualTypeOf<(Error & { code: string }) | undefined>();
  });
});

describe('branch and parallel arm outputs in steps', () => {
  const lint = step({ id: 'lint', input: z.object({ code: z.string() }), run: async () => ({ warnings: 2 }) });
  const test = step({ id: 'test', input: z.object({ code: z.string() }), run: async () => ({ passed: true }) });
  const big = step({ id: 'big', input: z.object({ code: z.string() }), run: async () => 'big' as const });
  const small = step({ id: 'small', input: z.object({ code: z.string() }), run: async () => 1 });

  it('a parallel with an id types each arm at <id>/<armId>', () => {
    workflow({ id: 'arms', input: z.object({ code: z.string() }) })
      .parallel([lint, test], { id: 'review' })
      .step('report', async ({ getStepResult }) => {
        expectTypeOf(getStepResult('review')).toEqualTypeOf<{
          lint: { warnings: number };
          test: { passed: boolean };
        }>();
        expectTypeOf(getStepResult('review/lint')).toEqualTypeOf<{ warnings: number }>();
        expectTypeOf(getStepResult('review/test')).toEqualTypeOf<{ passed: boolean }>();
        // @ts-expect-error no such arm
        getStepResult('review/deploy');
        return 0;
      })
      .commit();
  });

  it('without an id, each arm of a parallel is typed at its own step id', () => {
    workflow({ id: 'arms3', input: z.object({ code: z.string() }) })
      .parallel([lint, test])
      .step('report', async ({ getStepResult, input }) => {
        expectTypeOf(getStepResult('lint')).toEqualTypeOf<{ warnings: number }>();
        expectTypeOf(getStepResult(test)).toEqualTypeOf<{ passed: boolean }>();
        expectTypeOf(input).toEqualTypeOf<{ lint: { warnings: number }; test: { passed: boolean } }>();
        // @ts-expect-error no positional path is typed
        getStepResult('parallel-1/lint');
        // @ts-expect-error not an arm
        getStepResult('deploy');
        return 0;
      })
      .commit();
  });

  it('without an id, a branch arm is typed at its step id, optional', () => {
    workflow({ id: 'arms4', input: z.object({ code: z.string() }) })
      .branch([[({ input }) => input.code.length > 10, big]], { default: small })
      .map(({ steps, getStepResult }) => {
        expectTypeOf(steps.big).toEqualTypeOf<'big' | undefined>();
        expectTypeOf(getStepResult('small')).toEqualTypeOf<number | undefined>();
        return 0;
      })
      .commit();
  });

  it('an arm id an upstream step holds keeps the upstream type; a later step with the id replaces it', () => {
    const lintAgain = step({ id: 'lint', input: z.number(), run: async () => 'again' as const });
    workflow({ id: 'arms5', input: z.object({ code: z.string() }) })
      .step('lint', async () => 'first' as const)
      .map(({ getInitData }) => getInitData())
      .parallel([lint, test])
      .map(({ steps }) => {
        expectTypeOf(steps.lint).toEqualTypeOf<'first'>();
        expectTypeOf(steps.test).toEqualTypeOf<{ passed: boolean }>();
        return 1;
      })
      .commit();
    workflow({ id: 'arms6', input: z.object({ code: z.string() }) })
      .parallel([lint, test])
      .map(() => 1)
      .step(lintAgain)
      .map(({ steps }) => {
        expectTypeOf(steps.lint).toEqualTypeOf<'again'>();
        return 1;
      })
      .commit();
  });

  it('a branch with an id types each arm (optional: only one runs) and the union at the id', () => {
    workflow({ id: 'arms2', input: z.object({ code: z.string() }) })
      .branch([[({ input }) => input.code.length > 10, big]], { id: 'size', default: small })
      .map(({ steps, getStepResult }) => {
        expectTypeOf(steps.size).toEqualTypeOf<'big' | number>();
        expectTypeOf(steps['size/big']).toEqualTypeOf<'big' | undefined>();
        expectTypeOf(getStepResult('size/small')).toEqualTypeOf<number | undefined>();
        return 0;
      })
      .commit();
  });
});
