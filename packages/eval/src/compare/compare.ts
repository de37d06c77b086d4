/**
 * `compare(runA, runB)`: per scorer, the paired mean difference (B − A), a confidence interval
 * (Student t by default), a p-value (sign-flip permutation test or sign test) adjusted for the
 * number of scorers (Holm by default), and the items that regressed most. Items pair by id; trials
 * of one item are averaged first, so the item is the unit of analysis. Errored or missing scores
 * are excluded per scorer and reported (`excluded`, `warnings`) — never counted as 0.
 */
import { EvalCompareError, EvalMissingScoreError } from '../errors/errors.js';
import type { EvalRun } from '../runner/types.js';
import { isScored } from '../scorers/scorer.js';
import { type Correction, normalizeCorrection } from '../stats/adjust.js';
import type { IntervalMethod } from '../stats/bootstrap.js';
import { aggregateRun, type ItemAgg, scoreComparisons } from './compare-scorers.js';

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Significance level in (0, 1) (default 0.05), applied to the adjusted p-values. */
  alpha?: number;
  /** `permutation` (default) or `sign`. */
  test?: 'permutation' | 'sign';
  /**
   * Multiple-comparison correction across the scorers of this comparison (default `holm`; `bh` /
   * `benjamini-hochberg` for the false discovery rate; `none` to gate on raw p-values).
   */
  correction?: Correction;
  /**
   * Interval of the mean difference (default `t`: Student t, which measured the best coverage at
   * small n; `bca` or `percentile` bootstrap).
   */
  interval?: IntervalMethod;
  /** Confidence level of the interval in (0, 1) (default 0.95). */
  confidence?: number;
  /** Bootstrap resamples for `bca` / `percentile` intervals (default 2000). */
  resamples?: number;
  /** Monte Carlo permutations (default 10 000). */
  permutations?: number;
  /** Seed of the PRNG (default fixed, so comparisons are reproducible). */
  seed?: number | string;
  /** How many regressed items to list per scorer (default 5). */
  topRegressions?: number;
  /**
   * What to do with an item whose score for a scorer errored (scorer threw or returned NaN) or is
   * missing in either run: `exclude` it from that scorer's comparison and report it (default), or
   * `throw` an {@link EvalMissingScoreError} naming the item.
   */
  missingScores?: 'exclude' | 'throw';
  /** Compare runs of different evals (`evalName`) anyway; by default that throws {@link EvalCompareError}. */
  allowDifferentEvals?: boolean;
}

/** Why an item's score was left out of one scorer's comparison. */
export interface ExcludedScore {
  itemId: string;
  /** State of the item's score in run A and in run B. */
  a: 'ok' | 'error' | 'missing';
  b: 'ok' | 'error' | 'missing';
}

/** Comparison of one scorer. */
export interface ScorerComparison {
  scorer: string;
  /** Paired items with a usable score in both runs (the sample size of the test and interval). */
  n: number;
  /** Means over the `n` paired items (NaN when `n` is 0). */
  meanA: number;
  meanB: number;
  /** mean(B − A) over the `n` paired items (NaN when `n` is 0). */
  diff: number;
  /**
   * Interval of the mean difference, clamped to [−1, 1] (scores are in [0, 1]). With fewer than 2
   * items there is no interval: it is the whole range [−1, 1] and `reliable` is false.
   */
  ci: { lower: number; upper: number; confidence: number; method: IntervalMethod; reliable: boolean };
  /** Raw p-value of this scorer's test. */
  pValue: number;
  /** p-value adjusted for the number of scorers compared (see `Comparison.correction`). */
  adjustedPValue: number;
  /** `adjustedPValue < alpha`. */
  significant: boolean;
  /**
   * `improved` / `regressed` when significant, `unchanged` otherwise, `insufficient-data` when
   * fewer than 2 paired items have usable scores.
   */
  verdict: 'improved' | 'regressed' | 'unchanged' | 'insufficient-data';
  /** Paired items left out because a score errored or is missing (per item, which side). */
  excluded: ExcludedScore[];
  /** Errored trial scores (scorer threw / returned NaN) of this scorer in each run. */
  errors: { a: number; b: number };
  /** Why this result deserves caution (excluded items, too few items, interval and test disagree). */
  warnings: string[];
}

/** An item whose score dropped from A to B. */
export interface Regression {
  itemId: string;
  scorer: string;
  a: number;
  b: number;
  delta: number;
  input: unknown;
  outputA?: unknown;
  outputB?: unknown;
}

/** Result of {@link compare}. */
export interface Comparison {
  evalName: string;
  a: { runId: string; variant: string; gitCommit?: string };
  b: { runId: string; variant: string; gitCommit?: string };
  alpha: number;
  test: 'permutation' | 'sign';
  /** Correction applied to the p-values (`bh` is reported as `benjamini-hochberg`). */
  correction: Exclude<Correction, 'bh'>;
  scorers: ScorerComparison[];
  /** Items in only one of the runs (not paired). */
  unpaired: { onlyA: string[]; onlyB: string[] };
  /** Item × trial results whose task failed, per run (they score 0: the task itself failed). */
  taskErrors: { a: number; b: number };
  regressions: Regression[];
  /** Every scorer's warnings (prefixed with its name) and run-level ones. */
  warnings: string[];
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new EvalCompareError(message, { details });
}

function validate(options: CompareOptions) {
  const alpha = options.alpha ?? 0.05;
  if (!(typeof alpha === 'number' && alpha > 0 && alpha < 1))
    fail(`Expected compare option \`alpha\` in (0, 1), but got ${String(alpha)}.`, { alpha });
  const test = options.test ?? 'permutation';
  if (test !== 'permutation' && test !== 'sign')
    fail(`Expected compare option \`test\` 'permutation' or 'sign', but got ${JSON.stringify(test)}.`, { test });
  const interval = options.interval ?? 't';
  if (interval !== 't' && interval !== 'bca' && interval !== 'percentile')
    fail(`Expected compare option \`interval\` 't', 'bca' or 'percentile', but got ${JSON.stringify(interval)}.`, {
      interval,
    });
  const missing = options.missingScores ?? 'exclude';
  if (missing !== 'exclude' && missing !== 'throw')
    fail(`Expected compare option \`missingScores\` 'exclude' or 'throw', but got ${JSON.stringify(missing)}.`, {
      missingScores: missing,
    });
  let correction: Exclude<Correction, 'bh'>;
  try {
    correction = normalizeCorrection(options.correction ?? 'holm');
  } catch (cause) {
    throw new EvalCompareError((cause as Error).message, { cause, details: { correction: options.correction } });
  }
  const confidence = options.confidence ?? 0.95;
  if (!(typeof confidence === 'number' && confidence > 0 && confidence < 1))
    fail(`Expected compare option \`confidence\` in (0, 1), but got ${String(confidence)}.`, { confidence });
  return { alpha, test, interval, missing, correction, confidence } as const;
}

/**
 * Compares two runs of the same eval (A = baseline, B = candidate). Throws
 * {@link EvalCompareError} when the runs belong to different evals (unless `allowDifferentEvals`),
 * share no item ids, or an option is invalid.
 *
 * @example
 * ```ts
 * const cmp = compare(baselineRun, candidateRun, { correction: 'holm', interval: 't' });
 * for (const s of cmp.scorers) console.log(s.scorer, s.diff, s.ci, s.pValue, s.adjustedPValue, s.warnings);
 * ```
 */
export function compare(runA: EvalRun, runB: EvalRun, options: CompareOptions = {}): Comparison {
  const opts = validate(options);
  if (runA.evalName !== runB.evalName && !options.allowDifferentEvals) {
    fail(
      `Expected two runs of the same eval, but run ${runA.id} is of ${JSON.stringify(runA.evalName)} and run ${runB.id} of ${JSON.stringify(runB.evalName)}. Pass { allowDifferentEvals: true } (CLI: --allow-different-evals) if that is intended.`,
      { a: runA.id, b: runB.id, evalA: runA.evalName, evalB: runB.evalName },
    );
  }
  const A = aggregateRun(runA);
  const B = aggregateRun(runB);
  const paired = [...A.keys()].filter((id) => B.has(id)).sort();
  if (paired.length === 0) {
    fail(
      `Expected runs ${runA.id} and ${runB.id} to share item ids, but none match. Compare runs of the same data set (give items stable \`id\`s).`,
      { a: runA.id, b: runB.id },
    );
  }
  const scorerNames = Object.keys(runA.summary.scorers).filter((name) => name in runB.summary.scorers);
  if (opts.missing === 'throw') throwOnMissing(runA, runB, A, B, paired, scorerNames);
  const { scorers, regressions } = scoreComparisons(A, B, paired, scorerNames, {
    ...opts,
    resamples: options.resamples ?? 2000,
    permutations: options.permutations ?? 10_000,
    seed: options.seed ?? 'weft-eval',
    topRegressions: options.topRegressions ?? 5,
  });
  const taskErrors = { a: runA.results.filter((r) => r.error).length, b: runB.results.filter((r) => r.error).length };
  const warnings = scorers.flatMap((s) => s.warnings.map((w) => `${s.scorer}: ${w}`));
  if (taskErrors.a + taskErrors.b > 0)
    warnings.push(
      `task failed on ${taskErrors.a} result(s) of A and ${taskErrors.b} of B; those score 0 (the task itself failed)`,
    );
  const onlyA = [...A.keys()].filter((id) => !B.has(id));
  const onlyB = [...B.keys()].filter((id) => !A.has(id));
  if (onlyA.length + onlyB.length > 0)
    warnings.push(`${onlyA.length} item(s) only in A and ${onlyB.length} only in B are not compared`);
  const side = (run: EvalRun) => ({
    runId: run.id,
    variant: run.variant,
    ...(run.gitCommit ? { gitCommit: run.gitCommit } : {}),
  });
  return {
    evalName: runB.evalName,
    a: side(runA),
    b: side(runB),
    alpha: opts.alpha,
    test: opts.test,
    correction: opts.correction,
    scorers,
    unpaired: { onlyA, onlyB },
    taskErrors,
    regressions,
    warnings,
  };
}

function throwOnMissing(
  runA: EvalRun,
  runB: EvalRun,
  A: Map<string, ItemAgg>,
  B: Map<string, ItemAgg>,
  paired: readonly string[],
  scorers: readonly string[],
): void {
  for (const scorer of scorers) {
    for (const id of paired) {
      for (const [run, agg] of [
        [runA, A],
        [runB, B],
      ] as const) {
        const trials = agg.get(id)?.trials ?? [];
        const bad = trials.find((t) => !isScored(t.scores[scorer]));
        if (trials.length === 0 || bad) {
          const s = bad?.scores[scorer];
          const state = s === undefined ? 'missing' : 'errored';
          throw new EvalMissingScoreError(
            `Expected item ${JSON.stringify(id)} to have a ${scorer} score in run ${run.id} (${run.variant}), but it is ${state}${s?.error ? `: ${String(s.error.message)}` : ''}. Fix the scorer and re-run, or compare with { missingScores: 'exclude' } to leave such items out.`,
            { details: { runId: run.id, itemId: id, scorer, state, trial: bad?.trial } },
          );
        }
      }
    }
  }
}
