/** Thresholds: absolute (mean ≥ x) and relative to a baseline (no significant drop). */
import type { EvalRun } from '../runner/types.js';
import type { Comparison } from './compare.js';

/** Rules for one scorer. */
export interface ScorerThreshold {
  /** The run's mean must be at least this. */
  min?: number;
  /**
   * Against a baseline: fail when the drop is statistically significant — judged on the p-value
   * adjusted for the number of scorers (`compare`'s `correction`, Holm by default).
   */
  noSignificantDrop?: boolean;
  /** Against a baseline: fail when the mean drops by more than this (absolute), significant or not. */
  maxDrop?: number;
}

/** Thresholds per scorer name; `'*'` applies to every scorer. */
export type Thresholds = Record<string, ScorerThreshold>;

/** One failed rule. */
export interface ThresholdFailure {
  scorer: string;
  rule: 'min' | 'noSignificantDrop' | 'maxDrop';
  message: string;
}

/** Outcome of {@link checkThresholds}. */
export interface ThresholdResult {
  passed: boolean;
  failures: ThresholdFailure[];
  /** Rules checked, for reports (JUnit test cases). */
  checked: { scorer: string; rule: ThresholdFailure['rule']; passed: boolean; message: string }[];
}

/**
 * Checks a run against thresholds, and against a baseline comparison when one is given
 * (`compare(baseline, run)`).
 *
 * @example
 * ```ts
 * const r = checkThresholds(run, { exactMatch: { min: 0.8, noSignificantDrop: true } }, compare(baseline, run));
 * if (!r.passed) process.exitCode = 1;
 * ```
 */
export function checkThresholds(run: EvalRun, thresholds: Thresholds, baseline?: Comparison): ThresholdResult {
  const checked: ThresholdResult['checked'] = [];
  const names = Object.keys(run.summary.scorers);
  for (const scorer of names) {
    const rule = { ...thresholds['*'], ...thresholds[scorer] };
    const stats = run.summary.scorers[scorer];
    if (!stats) continue;
    if (rule.min !== undefined) {
      // A NaN mean (every score errored) fails `min` instead of silently passing or scoring 0.
      const ok = Number.isFinite(stats.mean) && stats.mean >= rule.min;
      checked.push({
        scorer,
        rule: 'min',
        passed: ok,
        message: `${scorer}: mean ${stats.mean.toFixed(3)} ${ok ? '≥' : '<'} required ${rule.min}${stats.errors ? ` (${stats.errors} errored score(s) excluded)` : ''}`,
      });
    }
    const cmp = baseline?.scorers.find((s) => s.scorer === scorer);
    if (cmp && rule.noSignificantDrop) {
      const ok = !(cmp.significant && cmp.diff < 0);
      const adjusted =
        baseline?.correction === 'none'
          ? ''
          : `, adjusted p=${cmp.adjustedPValue.toPrecision(2)} (${baseline?.correction})`;
      checked.push({
        scorer,
        rule: 'noSignificantDrop',
        passed: ok,
        message: `${scorer}: change vs baseline ${fmt(cmp.diff)} (${Math.round(cmp.ci.confidence * 100)}% CI ${fmt(cmp.ci.lower)}..${fmt(cmp.ci.upper)}, n=${cmp.n}, p=${cmp.pValue.toPrecision(2)}${adjusted})${ok ? '' : ' — significant drop'}${cmp.warnings.length > 0 ? ` [${cmp.warnings.join('; ')}]` : ''}`,
      });
    }
    if (cmp && rule.maxDrop !== undefined) {
      // No usable paired scores is not "no drop": fail loudly rather than pass on a NaN.
      const ok = cmp.n > 0 && cmp.diff >= -rule.maxDrop;
      checked.push({
        scorer,
        rule: 'maxDrop',
        passed: ok,
        message:
          cmp.n > 0
            ? `${scorer}: change vs baseline ${fmt(cmp.diff)}, allowed drop ${rule.maxDrop}`
            : `${scorer}: no paired item has a usable score in both runs, so the drop cannot be checked`,
      });
    }
  }
  const failures = checked.filter((c) => !c.passed).map(({ scorer, rule, message }) => ({ scorer, rule, message }));
  return { passed: failures.length === 0, failures, checked };
}

function fmt(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
}
