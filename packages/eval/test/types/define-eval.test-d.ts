import { describe, expectTypeOf, it } from 'vitest';
import {
  type Comparison,
  compare,
  defineEval,
  defineScorer,
  type EvalDefinition,
  type EvalRun,
  exactMatch,
  runEval,
} from '../../src/index.js';

describe('defineEval types', () => {
  it('infers input, output and expected from data and task', () => {
    const def = defineEval({
      name: 'capitals',
      data: [{ input: 'France', expected: 'Paris' }],
      task: async (country, ctx) => {
        expectTypeOf(country).toEqualTypeOf<string>();
        expectTypeOf(ctx.item.expected).toEqualTypeOf<string | undefined>();
        return { city: country.toUpperCase() };
      },
      scorers: [
        exactMatch(),
        defineScorer<string, { city: string }, string>('city', ({ output, expected }) =>
          output.city === expected ? 1 : 0,
        ),
      ],
    });
    expectTypeOf(def).toEqualTypeOf<EvalDefinition<string, { city: string }, string>>();
    expectTypeOf(runEval(def)).resolves.toEqualTypeOf<EvalRun>();
  });

  it('rejects scorers typed for another output', () => {
    defineEval({
      name: 'x',
      data: [{ input: 1 }],
      task: (n: number) => n * 2,
      // @ts-expect-error the scorer expects a string output, the task returns numbers
      scorers: [defineScorer<number, string>('s', ({ output }) => output.length)],
    });
  });

  it('rejects a non-task and non-numeric trials', () => {
    // @ts-expect-error task must be a function, { workflow }, { step } or { model, prompt }
    defineEval({ name: 'x', data: [{ input: 1 }], task: 42, scorers: [exactMatch()] });
    // @ts-expect-error trials is a number
    defineEval({ name: 'x', data: [{ input: 1 }], task: (n: number) => n, scorers: [exactMatch()], trials: '3' });
  });

  it('compare returns a Comparison', () => {
    expectTypeOf(compare).returns.toEqualTypeOf<Comparison>();
  });
});
