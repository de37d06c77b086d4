/** Test helpers: synthetic runs with planted effects. */
import { defineEval } from '../src/define/define-eval.js';
import { defineScorer } from '../src/scorers/scorer.js';
import { createRandom } from '../src/stats/prng.js';

/**
 * An eval over `n` items whose task returns a deterministic per-item quality; `variant` shifts it.
 * `plantedDrop` items (ids `item-0 … item-(k−1)`) score `drop` lower in the candidate.
 */
export function syntheticEval(n = 40) {
  const base = createRandom(11);
  const quality = Array.from({ length: n }, () => 0.3 + 0.5 * base());
  return defineEval({
    name: 'synthetic',
    data: quality.map((q, i) => ({
      id: `item-${i}`,
      input: { i, q, text: `question number ${i} about ${i % 3 === 0 ? 'refunds' : 'shipping'}` },
    })),
    task: (input: { i: number; q: number }) => input.q,
    scorers: [defineScorer('quality', ({ output }) => output as number), defineScorer('constant', () => 1)],
    thresholds: { quality: { min: 0.3, noSignificantDrop: true } },
  });
}

/** A task producing quality shifted by `shift`, minus `drop` on the first `k` items, plus seeded uniform noise of width `noise`. */
export function shiftedTask(shift: number, options: { drop?: number; k?: number; noise?: number; seed?: number } = {}) {
  return (input: { i: number; q: number }, ctx?: { trial: number }) => {
    // Seeded per item and trial: reproducible, and trials of one item differ (trial noise).
    const rng = createRandom((options.seed ?? 0) * 1000 + input.i + (ctx?.trial ?? 0) * 1_000_003);
    const noise = (rng() - 0.5) * (options.noise ?? 0);
    const dropped = input.i < (options.k ?? 0) ? (options.drop ?? 0) : 0;
    return Math.min(1, Math.max(0, input.q + shift - dropped + noise));
  };
}
