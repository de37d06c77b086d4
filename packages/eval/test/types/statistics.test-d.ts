import { describe, expectTypeOf, it } from 'vitest';
import {
  adjustPValues,
  bootstrapMeanCI,
  type Comparison,
  type CompareOptions,
  compare,
  type EvalRun,
  pairedPermutationTest,
  type ScorerComparison,
  tMeanCI,
} from '../../src/index.js';

declare const a: EvalRun;

describe('statistics types', () => {
  it('compare options are closed unions', () => {
    compare(a, a, {
      correction: 'holm',
      interval: 't',
      test: 'sign',
      missingScores: 'throw',
      allowDifferentEvals: true,
    });
    compare(a, a, { correction: 'bh' });
    // @ts-expect-error unknown correction
    compare(a, a, { correction: 'fdr' });
    // @ts-expect-error unknown interval
    compare(a, a, { interval: 'wide' });
    // @ts-expect-error unknown missing-score policy
    compare(a, a, { missingScores: 'zero' } satisfies CompareOptions);
  });
  it('a comparison reports raw and adjusted p-values, exclusions and warnings', () => {
    expectTypeOf<ScorerComparison['adjustedPValue']>().toEqualTypeOf<number>();
    expectTypeOf<ScorerComparison['verdict']>().toEqualTypeOf<
      'improved' | 'regressed' | 'unchanged' | 'insufficient-data'
    >();
    expectTypeOf<ScorerComparison['excluded'][number]['a']>().toEqualTypeOf<'ok' | 'error' | 'missing'>();
    expectTypeOf<Comparison['correction']>().toEqualTypeOf<'holm' | 'benjamini-hochberg' | 'bonferroni' | 'none'>();
    expectTypeOf<Comparison['warnings']>().toEqualTypeOf<string[]>();
  });
  it('seed is accepted everywhere', () => {
    bootstrapMeanCI([1, 2], { seed: 1, method: 'bca' });
    pairedPermutationTest([1, 2], { seed: 'x' });
    expectTypeOf(tMeanCI([1, 2]).method).toEqualTypeOf<'t' | 'bca' | 'percentile'>();
    expectTypeOf(adjustPValues([0.1], 'holm')).toEqualTypeOf<number[]>();
  });
});
