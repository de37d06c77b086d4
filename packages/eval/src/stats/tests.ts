/** Paired significance tests: sign-flip permutation test and exact sign test. */

import type { Random } from './prng.js';
import { assertFiniteSample, randomFrom } from './validate.js';

/** Options of {@link pairedPermutationTest}. */
export interface PermutationOptions {
  /** Random sign flips when the exact test is too large (default 10 000). */
  permutations?: number;
  /** Enumerate all 2^n sign patterns up to this n (default 14). */
  exactUpTo?: number;
  /** Seed of the PRNG for the Monte Carlo test (default a fixed seed, so p-values are reproducible). */
  seed?: number | string;
  /** A custom random source (or a seed); takes precedence over `seed`. */
  random?: Random | number | string;
}

const EPS = 1e-12;

/**
 * Two-sided paired permutation (sign-flip) test of H0: mean difference = 0. Under H0 each pair's
 * difference is symmetric around 0, so flipping signs gives the null distribution of the mean.
 * Exact for small n; otherwise Monte Carlo with the `(1 + hits) / (1 + permutations)` estimator,
 * which never returns 0 and keeps the test valid. Throws `EvalStatisticsError` naming the
 * index of a non-finite difference (NaN, ±Infinity, `undefined`): drop errored scores first.
 *
 * @example
 * ```ts
 * pairedPermutationTest([0.2, 0.1, 0.3, 0.15, 0.25]); // exact p = 2/32 = 0.0625
 * ```
 */
export function pairedPermutationTest(differences: readonly number[], options: PermutationOptions = {}): number {
  assertFiniteSample(differences, 'pairedPermutationTest', 'differences');
  const d = differences.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return 1;
  const observed = Math.abs(d.reduce((s, x) => s + x, 0));
  if (n <= (options.exactUpTo ?? 14)) {
    let hits = 0;
    const total = 2 ** n;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -(d[i] as number) : (d[i] as number);
      if (Math.abs(s) >= observed - EPS) hits++;
    }
    return hits / total;
  }
  const rng = randomFrom(options);
  const permutations = options.permutations ?? 10_000;
  let hits = 0;
  for (let p = 0; p < permutations; p++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rng() < 0.5 ? -(d[i] as number) : (d[i] as number);
    if (Math.abs(s) >= observed - EPS) hits++;
  }
  return (1 + hits) / (1 + permutations);
}

/**
 * Exact two-sided sign test on paired differences (ties dropped): p = P(|K − n/2| ≥ |k − n/2|),
 * K ~ Binomial(n, 1/2). Throws `EvalStatisticsError` naming the index of a non-finite difference.
 *
 * @example
 * ```ts
 * signTest([1, 1, 1, 1, 1, -1]); // n = 6, k = 5 → p = 14/64 = 0.21875
 * ```
 */
export function signTest(differences: readonly number[]): number {
  assertFiniteSample(differences, 'signTest', 'differences');
  const d = differences.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return 1;
  const k = d.filter((x) => x > 0).length;
  const extreme = Math.abs(k - n / 2);
  // log-space binomial coefficients keep this exact enough for n in the thousands.
  let logC = 0; // log C(n, 0)
  let p = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    if (Math.abs(i - n / 2) >= extreme - EPS) p += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, p);
}
