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

/**
 * A finished run built directly from per-scorer score columns (item `i` gets `scores[name][i]`);
 * `undefined` leaves the score out of the item, NaN stores it as errored-looking data.
 */
export function runFromScores(
  scores: Record<string, readonly (number | undefined)[]>,
  options: { evalName?: string; variant?: string; id?: string } = {},
): import('../src/runner/types.js').EvalRun {
  const names = Object.keys(scores);
  const n = Math.max(...names.map((k) => scores[k]?.length ?? 0));
  const results = Array.from({ length: n }, (_, i) => ({
    itemId: `item-${String(i).padStart(4, '0')}`,
    trial: 0,
    input: { i },
    latencyMs: 1,
    tags: [],
    cached: false,
    attempts: 1,
    scores: Object.fromEntries(
      names.flatMap((name) => {
        const v = scores[name]?.[i];
        return v === undefined ? [] : [[name, { score: v }]];
      }),
    ),
  }));
  const summary = {
    items: n,
    results: n,
    errors: 0,
    taskErrors: 0,
    scorerErrors: 0,
    scorers: Object.fromEntries(
      names.map((name) => [name, { n, mean: 0, stddev: 0, min: 0, max: 0, median: 0, errors: 0 }]),
    ),
    latencyMs: { n, mean: 1, stddev: 0, min: 1, max: 1, median: 1 },
    costUsd: 0,
  };
  return {
    id: options.id ?? `${options.variant ?? 'v'}-run`,
    evalName: options.evalName ?? 'synthetic',
    variant: options.variant ?? 'v',
    taskVersion: 't',
    trials: 1,
    startedAt: 0,
    endedAt: 1,
    results,
    summary,
  };
}
