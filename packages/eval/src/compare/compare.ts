/**
 * `compare(runA, runB)`: per scorer, the paired mean difference (B − A), a paired bootstrap CI,
 * a p-value (sign-flip permutation test or sign test), and the items that regressed most.
 * Items pair by id; trials of one item are averaged first, so the item is the unit of analysis.
 */
import { WeftEvalError } from '../errors/errors.js';
import type { EvalRun } from '../runner/types.js';
import { bootstrapMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { pairedPermutationTest, signTest } from '../stats/tests.js';

/** Options of {@link compare}. */
export interface CompareOptions {
  /** Significance level (default 0.05). */
  alpha?: number;
  /** `permutation` (default) or `sign`. */
  test?: 'permutation' | 'sign';
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Monte Carlo permutations (default 10 000). */
  permutations?: number;
  /** Seed of the PRNG (default fixed, so comparisons are reproducible). */
  seed?: number | string;
  /** How many regressed items to list per scorer (default 5). */
  topRegressions?: number;
}

/** Comparison of one scorer. */
export interface ScorerComparison {
  scorer: string;
  /** Paired items. */
  n: number;
  meanA: number;
  meanB: number;
  /** mean(B − A) over paired items. */
  diff: number;
  ci: { lower: number; upper: number; confidence: number };
  pValue: number;
  significant: boolean;
  /** `improved` / `regressed` when significant, else `unchanged`. */
  verdict: 'improved' | 'regressed' | 'unchanged';
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
  scorers: ScorerComparison[];
  /** Items in only one of the runs (not paired). */
  unpaired: { onlyA: string[]; onlyB: string[] };
  regressions: Regression[];
}

interface ItemAgg {
  scores: Map<string, number[]>;
  input: unknown;
  output: unknown;
}

function aggregate(run: EvalRun): Map<string, ItemAgg> {
  const map = new Map<string, ItemAgg>();
  for (const r of run.results) {
    let agg = map.get(r.itemId);
    if (!agg) {
      agg = { scores: new Map(), input: r.input, output: r.output };
      map.set(r.itemId, agg);
    }
    for (const [name, s] of Object.entries(r.scores)) {
      const list = agg.scores.get(name) ?? [];
      list.push(s.score);
      agg.scores.set(name, list);
    }
  }
  return map;
}

/**
 * Compares two runs of the same eval (A = baseline, B = candidate).
 *
 * @example
 * ```ts
 * const cmp = compare(baselineRun, candidateRun);
 * for (const s of cmp.scorers) console.log(s.scorer, s.diff, s.ci, s.pValue);
 * ```
 */
export function compare(runA: EvalRun, runB: EvalRun, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const test = options.test ?? 'permutation';
  const A = aggregate(runA);
  const B = aggregate(runB);
  const paired = [...A.keys()].filter((id) => B.has(id)).sort();
  if (paired.length === 0) {
    throw new WeftEvalError(
      'EVAL_COMPARE_ERROR',
      `Expected runs ${runA.id} and ${runB.id} to share item ids, but none match. Compare runs of the same data set (give items stable \`id\`s).`,
      { details: { a: runA.id, b: runB.id } },
    );
  }
  const scorerNames = [...new Set([...Object.keys(runA.summary.scorers), ...Object.keys(runB.summary.scorers)])].filter(
    (name) => name in runA.summary.scorers && name in runB.summary.scorers,
  );
  const scorers: ScorerComparison[] = [];
  const regressions: Regression[] = [];
  for (const scorer of scorerNames) {
    const a: number[] = [];
    const b: number[] = [];
    for (const id of paired) {
      a.push(mean(A.get(id)?.scores.get(scorer) ?? [0]));
      b.push(mean(B.get(id)?.scores.get(scorer) ?? [0]));
    }
    const diffs = b.map((x, i) => x - (a[i] as number));
    const seed = `${options.seed ?? 'weft-eval'}:${scorer}`;
    const ci = bootstrapMeanCI(diffs, { resamples: options.resamples ?? 2000, random: seed });
    const pValue =
      test === 'sign'
        ? signTest(diffs)
        : pairedPermutationTest(diffs, { random: seed, permutations: options.permutations ?? 10_000 });
    const diff = mean(diffs);
    const significant = pValue < alpha;
    scorers.push({
      scorer,
      n: paired.length,
      meanA: mean(a),
      meanB: mean(b),
      diff,
      ci: { lower: ci.lower, upper: ci.upper, confidence: ci.confidence },
      pValue,
      significant,
      verdict: significant ? (diff > 0 ? 'improved' : 'regressed') : 'unchanged',
    });
    const worst = paired
      .map((id, i) => ({ id, a: a[i] as number, b: b[i] as number, delta: diffs[i] as number }))
      .filter((x) => x.delta < 0)
      .sort((x, y) => x.delta - y.delta || x.id.localeCompare(y.id))
      .slice(0, options.topRegressions ?? 5);
    for (const w of worst) {
      regressions.push({
        itemId: w.id,
        scorer,
        a: w.a,
        b: w.b,
        delta: w.delta,
        input: A.get(w.id)?.input,
        outputA: A.get(w.id)?.output,
        outputB: B.get(w.id)?.output,
      });
    }
  }
  regressions.sort((x, y) => x.delta - y.delta);
  const side = (run: EvalRun) => ({
    runId: run.id,
    variant: run.variant,
    ...(run.gitCommit ? { gitCommit: run.gitCommit } : {}),
  });
  return {
    evalName: runB.evalName,
    a: side(runA),
    b: side(runB),
    alpha,
    test,
    scorers,
    unpaired: { onlyA: [...A.keys()].filter((id) => !B.has(id)), onlyB: [...B.keys()].filter((id) => !A.has(id)) },
    regressions,
  };
}
