import { describe, expect, it } from 'vitest';
import { EvalStatisticsError, WeftEvalError } from '../errors/errors.js';
import { adjustPValues } from './adjust.js';
import { bootstrapMeanCI, pairedBootstrapCI, pairedDifferences, tMeanCI } from './bootstrap.js';
import { studentTQuantile } from './distributions.js';
import { pairedPermutationTest, signTest } from './tests.js';

function caught(fn: () => unknown): EvalStatisticsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalStatisticsError);
    expect(e).toBeInstanceOf(WeftEvalError);
    return e as EvalStatisticsError;
  }
  throw new Error('expected a throw');
}

describe('non-finite input is a typed error naming the index, never a p-value', () => {
  it('pairedPermutationTest([0.1, NaN, 0.2]) throws instead of returning 0', () => {
    const e = caught(() => pairedPermutationTest([0.1, Number.NaN, 0.2]));
    expect(e.code).toBe('EVAL_STATISTICS_ERROR');
    expect(e.details()).toMatchObject({ index: 1, reason: 'non-finite', value: 'NaN' });
    expect(e.message).toContain('differences[1] is NaN');
  });
  it('signTest does not count NaN (or undefined, Infinity) as a negative sign', () => {
    expect(caught(() => signTest([1, 1, Number.NaN])).details()).toMatchObject({ index: 2 });
    expect(caught(() => signTest([1, undefined as unknown as number])).details()).toMatchObject({
      index: 1,
      value: 'undefined',
    });
    expect(caught(() => signTest([Number.POSITIVE_INFINITY])).details()).toMatchObject({ index: 0 });
  });
  it('intervals and differences reject NaN with the index', () => {
    expect(caught(() => bootstrapMeanCI([0, 0.5, Number.NaN])).details()).toMatchObject({ index: 2 });
    expect(caught(() => tMeanCI([Number.NaN, 1])).details()).toMatchObject({ index: 0 });
    expect(caught(() => pairedDifferences([1, 2], [1, Number.NaN])).details()).toMatchObject({
      index: 1,
      argument: 'b',
    });
    expect(caught(() => adjustPValues([0.1, Number.NaN])).details()).toMatchObject({ index: 1 });
  });
});

describe('degenerate input is a typed error, not NaN or a RangeError', () => {
  it('bootstrapMeanCI([]) throws, and so does one value (no zero-width interval)', () => {
    expect(caught(() => bootstrapMeanCI([])).details()).toMatchObject({ reason: 'too-few', n: 0 });
    expect(caught(() => bootstrapMeanCI([0.7])).details()).toMatchObject({ reason: 'too-few', n: 1, min: 2 });
  });
  it('pairedBootstrapCI of unequal lengths throws EvalStatisticsError (not RangeError)', () => {
    const e = caught(() => pairedBootstrapCI([1, 2], [1]));
    expect(e).not.toBeInstanceOf(RangeError);
    expect(e.details()).toMatchObject({ reason: 'length-mismatch', a: 2, b: 1 });
  });
  it('a t-interval needs two values; bad options are refused', () => {
    expect(caught(() => tMeanCI([0.5])).details()).toMatchObject({ reason: 'too-few', n: 1, min: 2 });
    caught(() => bootstrapMeanCI([1, 2], { confidence: 1.5 }));
    caught(() => bootstrapMeanCI([1, 2], { resamples: 0 }));
    caught(() => adjustPValues([0.1], 'nope' as 'holm'));
  });
});

describe('seed works everywhere (the d.ts example `bootstrapMeanCI(xs, { seed: 1 })`)', () => {
  const xs = [0.1, 0.2, -0.05, 0.3, 0.12, -0.2, 0.4];
  it('bootstrapMeanCI: same seed → same interval, and seed and random agree', () => {
    const a = bootstrapMeanCI(xs, { seed: 1, resamples: 500 });
    expect(bootstrapMeanCI(xs, { seed: 1, resamples: 500 })).toEqual(a);
    expect(bootstrapMeanCI(xs, { random: 1, resamples: 500 })).toEqual(a);
    expect(bootstrapMeanCI(xs, { seed: 2, resamples: 500 })).not.toEqual(a);
    expect(a).toMatchObject({ estimate: expect.closeTo(0.1243, 3), method: 'bca', n: 7 });
  });
  it('pairedPermutationTest takes seed for the Monte Carlo test', () => {
    const d = Array.from({ length: 20 }, (_, i) => ((i * 7) % 5) / 10 - 0.15);
    const p = pairedPermutationTest(d, { seed: 'x', permutations: 500 });
    expect(pairedPermutationTest(d, { seed: 'x', permutations: 500 })).toBe(p);
    expect(pairedPermutationTest(d, { random: 'x', permutations: 500 })).toBe(p);
  });
});

describe('known values', () => {
  it('Student t quantiles', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.04523, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
  });
  it('t-interval of [1..5]: 3 ± 2.776 · 1.581 / √5', () => {
    const ci = tMeanCI([1, 2, 3, 4, 5]);
    expect(ci.lower).toBeCloseTo(1.036757, 5);
    expect(ci.upper).toBeCloseTo(4.963243, 5);
    expect(ci).toMatchObject({ method: 't', n: 5, confidence: 0.95 });
  });
  it('Holm and Benjamini–Hochberg', () => {
    expect(adjustPValues([0.01, 0.04, 0.03], 'holm')).toEqual([0.03, 0.06, 0.06].map((x) => expect.closeTo(x, 12)));
    expect(adjustPValues([0.01, 0.04, 0.03], 'bh')).toEqual([0.03, 0.04, 0.04].map((x) => expect.closeTo(x, 12)));
    expect(adjustPValues([0.01, 0.04, 0.03], 'benjamini-hochberg')).toEqual(adjustPValues([0.01, 0.04, 0.03], 'bh'));
    expect(adjustPValues([0.01, 0.5], 'bonferroni')).toEqual([0.02, 1]);
    expect(adjustPValues([0.2, 0.01], 'none')).toEqual([0.2, 0.01]);
    expect(adjustPValues([])).toEqual([]);
  });
});
