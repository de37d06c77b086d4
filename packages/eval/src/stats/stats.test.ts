import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapMeanCI, pairedBootstrapCI } from './bootstrap.js';
import { mean, quantileSorted, stddev } from './descriptive.js';
import { createRandom, normal } from './prng.js';
import { pairedPermutationTest, signTest } from './tests.js';

const diffs = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 });

describe('known values', () => {
  it('descriptive statistics', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
  it('exact permutation test: 5 positive differences of distinct size → p = 2/32', () => {
    expect(pairedPermutationTest([0.2, 0.1, 0.3, 0.15, 0.25])).toBe(2 / 32);
    expect(pairedPermutationTest([0, 0, 0])).toBe(1);
    // One of eight sign patterns at least as extreme on each side: {+,+,+}, {−,−,−} → 2/8.
    expect(pairedPermutationTest([1, 1, 1])).toBe(0.25);
  });
  it('exact sign test against the binomial distribution', () => {
    expect(signTest([1, 1, 1, 1, 1, -1])).toBeCloseTo(14 / 64, 12);
    expect(signTest([1, -1])).toBe(1);
    expect(signTest(new Array(10).fill(1))).toBeCloseTo(2 / 1024, 12);
    expect(signTest([0, 0])).toBe(1);
  });
  it('the PRNG is deterministic per seed', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(createRandom('x')()).not.toBe(createRandom('y')());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('properties', () => {
  it('the bootstrap CI contains the observed mean difference', () => {
    fc.assert(
      fc.property(diffs, fc.integer(), (d, seed) => {
        fc.pre(d.length >= 2);
        const ci = bootstrapMeanCI(d, { resamples: 200, random: seed });
        return ci.lower <= ci.estimate + 1e-12 && ci.estimate <= ci.upper + 1e-12 && ci.lower <= ci.upper;
      }),
      { numRuns: 200 },
    );
  });
  it('p-values are in [0, 1]', () => {
    fc.assert(
      fc.property(diffs, fc.integer(), (d, seed) => {
        const p1 = pairedPermutationTest(d, { random: seed, permutations: 200 });
        const p2 = signTest(d);
        return p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1;
      }),
      { numRuns: 200 },
    );
  });
  it('A/B vs B/A: same p-value, mirrored interval', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 2,
          maxLength: 30,
        }),
        (pairs) => {
          const a = pairs.map((p) => p[0]);
          const b = pairs.map((p) => p[1]);
          const ab = pairedBootstrapCI(a, b, { resamples: 300, random: 3 });
          const ba = pairedBootstrapCI(b, a, { resamples: 300, random: 3 });
          const dAB = b.map((x, i) => x - (a[i] as number));
          const dBA = a.map((x, i) => x - (b[i] as number));
          const pAB = pairedPermutationTest(dAB, { random: 9, permutations: 300 });
          const pBA = pairedPermutationTest(dBA, { random: 9, permutations: 300 });
          return (
            Math.abs(pAB - pBA) < 1e-12 &&
            signTest(dAB) === signTest(dBA) &&
            Math.abs(ab.lower + ba.upper) < 1e-9 &&
            Math.abs(ab.upper + ba.lower) < 1e-9
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * Calibration over seeded repetitions. Scores are per-item pairs; the per-pair difference is
 * normal with sd 0.25. With n = 30 pairs and a true difference of 0.15 (effect size 0.6) a
 * two-sided paired test at α = 0.05 has power ≈ 0.95.
 */
describe('calibration over seeded repetitions', () => {
  const R = 300;
  const n = 30;
  const sample = (rng: () => number, shift: number) => Array.from({ length: n }, () => normal(rng, shift, 0.25));

  it('detects a true difference of 0.15 at p < 0.05 in ≥ 85% of repetitions (permutation and sign tests)', () => {
    const rng = createRandom(2026);
    let perm = 0;
    let sign = 0;
    for (let r = 0; r < R; r++) {
      const d = sample(rng, 0.15);
      if (pairedPermutationTest(d, { random: r, permutations: 1000 }) < 0.05) perm++;
      if (signTest(d) < 0.05) sign++;
    }
    expect(perm / R).toBeGreaterThanOrEqual(0.85);
    // The sign test ignores magnitudes, so it has less power (≈ 0.7 here), but still detects most.
    expect(sign / R).toBeGreaterThanOrEqual(0.55);
  });

  it('flags an A/A comparison in ≈ 5% of repetitions or less', () => {
    const rng = createRandom(1234);
    let perm = 0;
    let sign = 0;
    const reps = 600;
    for (let r = 0; r < reps; r++) {
      const d = sample(rng, 0);
      if (pairedPermutationTest(d, { random: r, permutations: 1000 }) < 0.05) perm++;
      if (signTest(d) < 0.05) sign++;
    }
    expect(perm / reps).toBeLessThanOrEqual(0.075);
    expect(sign / reps).toBeLessThanOrEqual(0.075);
  });

  it('bootstrap 95% intervals cover the true mean in ≈ 95% of repetitions', () => {
    const rng = createRandom(99);
    const trueMean = 0.1;
    const reps = 500;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const d = Array.from({ length: 40 }, () => normal(rng, trueMean, 0.3));
      const ci = bootstrapMeanCI(d, { resamples: 1000, random: r });
      if (ci.lower <= trueMean && trueMean <= ci.upper) covered++;
    }
    expect(covered / reps).toBeGreaterThanOrEqual(0.91);
    expect(covered / reps).toBeLessThanOrEqual(0.98);
  });
});
