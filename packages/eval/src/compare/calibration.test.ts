/**
 * Seeded simulations of `compare` end to end (runs built from score columns): the family-wise
 * false-positive rate of an A/A comparison with 10 null scorers, and the coverage of the default
 * interval at small n. Bounded scores in [0, 1], as real scorers produce.
 */
import { describe, expect, it } from 'vitest';
import { runFromScores } from '../../test/helpers.js';
import { createRandom, normal } from '../stats/prng.js';
import { type CompareOptions, compare } from './compare.js';

const clamp = (x: number) => Math.min(1, Math.max(0, x));

/** Ten scorers whose scores for run A and run B come from the same distribution. */
function nullRuns(rng: () => number, n: number) {
  const a: Record<string, number[]> = {};
  const b: Record<string, number[]> = {};
  for (let s = 0; s < 10; s++) {
    const base = Array.from({ length: n }, () => rng());
    a[`s${s}`] = base.map((q) => clamp(q + normal(rng, 0, 0.2)));
    b[`s${s}`] = base.map((q) => clamp(q + normal(rng, 0, 0.2)));
  }
  return [runFromScores(a, { variant: 'a' }), runFromScores(b, { variant: 'b' })] as const;
}

function aaRate(options: CompareOptions, sims: number): number {
  const rng = createRandom(20261202);
  let any = 0;
  for (let i = 0; i < sims; i++) {
    const [a, b] = nullRuns(rng, 20);
    const cmp = compare(a, b, { permutations: 1000, seed: i, ...options });
    if (cmp.scorers.some((s) => s.significant)) any++;
  }
  return any / sims;
}

describe('A/A with 10 null scorers (300 seeded simulations)', () => {
  it('with the default Holm correction some scorer is significant in ≤ 6% of comparisons', () => {
    const rate = aaRate({}, 300);
    expect(rate).toBeLessThanOrEqual(0.06);
  });
  it('Benjamini–Hochberg also keeps it ≤ 6%; without correction it is ≈ 40%', () => {
    expect(aaRate({ correction: 'bh' }, 300)).toBeLessThanOrEqual(0.06);
    expect(aaRate({ correction: 'none' }, 300)).toBeGreaterThan(0.25);
  });
});

describe('coverage of the default (t) 95% interval over 2,000 seeded simulations', () => {
  // Per-item difference of two noisy bounded scores around a per-item quality; true mean
  // difference 0.05 before clamping, computed for the clamped distribution by a large sample.
  const rng = createRandom(7);
  const draw = () => {
    const q = rng();
    return [clamp(q + normal(rng, 0, 0.2)), clamp(q + 0.05 + normal(rng, 0, 0.2))] as const;
  };
  let total = 0;
  for (let i = 0; i < 200_000; i++) {
    const [x, y] = draw();
    total += y - x;
  }
  const truth = total / 200_000;

  for (const n of [10, 30]) {
    it(`covers the true mean difference ≥ 93% of the time at n = ${n}`, () => {
      let covered = 0;
      const sims = 2000;
      for (let s = 0; s < sims; s++) {
        const pairs = Array.from({ length: n }, draw);
        const cmp = compare(
          runFromScores({ q: pairs.map((p) => p[0]) }, { variant: 'a' }),
          runFromScores({ q: pairs.map((p) => p[1]) }, { variant: 'b' }),
          { permutations: 100 },
        );
        const ci = cmp.scorers[0]?.ci;
        if (ci && ci.lower <= truth && truth <= ci.upper) covered++;
      }
      expect(covered / sims).toBeGreaterThanOrEqual(0.93);
      expect(covered / sims).toBeLessThanOrEqual(0.975);
    });
  }

  it('the percentile bootstrap it replaces covers < 93% at n = 10 (why t is the default)', () => {
    let covered = 0;
    const sims = 2000;
    for (let s = 0; s < sims; s++) {
      const pairs = Array.from({ length: 10 }, draw);
      const cmp = compare(
        runFromScores({ q: pairs.map((p) => p[0]) }, { variant: 'a' }),
        runFromScores({ q: pairs.map((p) => p[1]) }, { variant: 'b' }),
        { permutations: 100, interval: 'percentile', resamples: 400, seed: s },
      );
      const ci = cmp.scorers[0]?.ci;
      if (ci && ci.lower <= truth && truth <= ci.upper) covered++;
    }
    expect(covered / sims).toBeLessThan(0.93);
  });
});
