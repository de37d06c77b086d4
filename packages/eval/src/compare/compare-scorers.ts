/**
 * The per-scorer half of `compare`: item aggregation over trials (usable scores only), the test,
 * the interval, the multiple-comparison adjustment and the warnings that keep small or partial
 * samples from looking confident.
 */
import type { ItemResult, EvalRun } from '../runner/types.js';
import { isScored } from '../scorers/scorer.js';
import { adjustPValues, type Correction } from '../stats/adjust.js';
import { bootstrapMeanCI, type IntervalMethod, tMeanCI } from '../stats/bootstrap.js';
import { mean } from '../stats/descriptive.js';
import { pairedPermutationTest, signTest } from '../stats/tests.js';
import type { ExcludedScore, Regression, ScorerComparison } from './compare.js';

/** One item of a run: its trials, input and (first) output. */
export interface ItemAgg {
  trials: ItemResult[];
  input: unknown;
  output: unknown;
}

/** Groups a run's results by item id. */
export function aggregateRun(run: EvalRun): Map<string, ItemAgg> {
  const map = new Map<string, ItemAgg>();
  for (const r of run.results) {
    const agg = map.get(r.itemId);
    if (agg) agg.trials.push(r);
    else map.set(r.itemId, { trials: [r], input: r.input, output: r.output });
  }
  return map;
}

type State = 'ok' | 'error' | 'missing';

/** Mean of an item's usable trial scores, and its state when none is usable. */
function itemScore(agg: ItemAgg | undefined, scorer: string): { value: number; state: State; errors: number } {
  const trials = agg?.trials ?? [];
  const scores = trials.map((t) => t.scores[scorer]);
  const usable = scores.filter(isScored).map((s) => s.score);
  const errors = scores.filter((s) => s !== undefined && !isScored(s)).length;
  if (usable.length > 0) return { value: mean(usable), state: 'ok', errors };
  return { value: Number.NaN, state: errors > 0 ? 'error' : 'missing', errors };
}

interface Settings {
  alpha: number;
  test: 'permutation' | 'sign';
  interval: IntervalMethod;
  correction: Exclude<Correction, 'bh'>;
  confidence: number;
  resamples: number;
  permutations: number;
  seed: number | string;
  topRegressions: number;
}

const clamp = (x: number) => Math.min(1, Math.max(-1, x));

/** Compares every scorer on the paired items, then adjusts the p-values across scorers. */
export function scoreComparisons(
  A: Map<string, ItemAgg>,
  B: Map<string, ItemAgg>,
  paired: readonly string[],
  scorerNames: readonly string[],
  s: Settings,
): { scorers: ScorerComparison[]; regressions: Regression[] } {
  const scorers: ScorerComparison[] = [];
  const regressions: Regression[] = [];
  for (const scorer of scorerNames) {
    const ids: string[] = [];
    const a: number[] = [];
    const b: number[] = [];
    const excluded: ExcludedScore[] = [];
    const errors = { a: 0, b: 0 };
    for (const id of paired) {
      const x = itemScore(A.get(id), scorer);
      const y = itemScore(B.get(id), scorer);
      errors.a += x.errors;
      errors.b += y.errors;
      if (x.state !== 'ok' || y.state !== 'ok') {
        excluded.push({ itemId: id, a: x.state, b: y.state });
        continue;
      }
      ids.push(id);
      a.push(x.value);
      b.push(y.value);
    }
    const diffs = b.map((v, i) => v - (a[i] as number));
    const n = diffs.length;
    const seed = `${s.seed}:${scorer}`;
    const warnings: string[] = [];
    if (excluded.length > 0) {
      const count = (side: 'a' | 'b', st: State) => excluded.filter((e) => e[side] === st).length;
      warnings.push(
        `${excluded.length} of ${paired.length} paired item(s) excluded (errored score: A ${count('a', 'error')}, B ${count('b', 'error')}; missing: A ${count('a', 'missing')}, B ${count('b', 'missing')})`,
      );
    }
    let ci: ScorerComparison['ci'];
    let pValue = 1;
    if (n < 2) {
      warnings.push(
        `only ${n} paired item(s) with usable scores: no interval or test is possible (at least 2 needed, 10+ recommended)`,
      );
      ci = { lower: -1, upper: 1, confidence: s.confidence, method: s.interval, reliable: false };
    } else {
      const raw =
        s.interval === 't'
          ? tMeanCI(diffs, { confidence: s.confidence })
          : bootstrapMeanCI(diffs, { method: s.interval, resamples: s.resamples, confidence: s.confidence, seed });
      ci = {
        lower: clamp(raw.lower),
        upper: clamp(raw.upper),
        confidence: s.confidence,
        method: s.interval,
        reliable: n >= 10,
      };
      pValue =
        s.test === 'sign' ? signTest(diffs) : pairedPermutationTest(diffs, { seed, permutations: s.permutations });
      const nonZero = diffs.filter((d) => d !== 0).length;
      // Both tests are exact for small n: the smallest attainable two-sided p is 2 / 2^k.
      const minP = nonZero === 0 ? 1 : Math.min(1, 2 / 2 ** nonZero);
      if (minP >= s.alpha)
        warnings.push(
          `with ${nonZero} non-zero paired difference(s) the smallest possible p-value is ${minP.toPrecision(2)} ≥ α = ${s.alpha}: no change can be significant; add items`,
        );
      else if (n < 10) warnings.push(`small sample (n = ${n}): the interval is approximate`);
    }
    scorers.push({
      scorer,
      n,
      meanA: mean(a),
      meanB: mean(b),
      diff: mean(diffs),
      ci,
      pValue,
      adjustedPValue: pValue,
      significant: false,
      verdict: n < 2 ? 'insufficient-data' : 'unchanged',
      excluded,
      errors,
      warnings,
    });
    const worst = ids
      .map((id, i) => ({ id, a: a[i] as number, b: b[i] as number, delta: diffs[i] as number }))
      .filter((x) => x.delta < 0)
      .sort((x, y) => x.delta - y.delta || x.id.localeCompare(y.id))
      .slice(0, s.topRegressions);
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
  // Adjust across the scorers that could be tested; the others keep p = 1.
  const tested = scorers.filter((c) => c.n >= 2);
  const adjusted = adjustPValues(
    tested.map((c) => c.pValue),
    s.correction,
  );
  tested.forEach((c, i) => {
    c.adjustedPValue = adjusted[i] as number;
    c.significant = c.adjustedPValue < s.alpha;
    c.verdict = c.significant ? (c.diff > 0 ? 'improved' : 'regressed') : 'unchanged';
    const excludesZero = c.ci.lower > 0 || c.ci.upper < 0;
    if (excludesZero && !c.significant)
      c.warnings.push(
        `the ${Math.round(c.ci.confidence * 100)}% interval excludes 0 but the ${s.correction === 'none' ? '' : 'adjusted '}p-value ${c.adjustedPValue.toPrecision(2)} ≥ α: not significant`,
      );
  });
  regressions.sort((x, y) => x.delta - y.delta);
  return { scorers, regressions };
}
