/** Multiple-comparison corrections of p-values (several scorers compared at once). */
import { EvalStatisticsError } from '../errors/errors.js';
import { assertFiniteSample } from './validate.js';

/**
 * How p-values of several scorers are adjusted: `holm` (default of `compare`; controls the
 * family-wise error rate), `benjamini-hochberg` (alias `bh`; controls the false discovery rate,
 * more power with many scorers), `bonferroni`, or `none`.
 */
export type Correction = 'holm' | 'benjamini-hochberg' | 'bh' | 'bonferroni' | 'none';

/** Canonical name of a {@link Correction} (`bh` → `benjamini-hochberg`); throws for an unknown one. */
export function normalizeCorrection(correction: string): Exclude<Correction, 'bh'> {
  if (correction === 'bh') return 'benjamini-hochberg';
  if (
    correction === 'holm' ||
    correction === 'benjamini-hochberg' ||
    correction === 'bonferroni' ||
    correction === 'none'
  )
    return correction;
  throw new EvalStatisticsError(
    `Expected a correction 'holm', 'benjamini-hochberg' (or 'bh'), 'bonferroni' or 'none', but got ${JSON.stringify(correction)}.`,
    { details: { reason: 'bad-option', correction } },
  );
}

/**
 * Adjusts `pValues` for multiple comparisons; returns adjusted p-values in the same order (each
 * ≥ its raw value, ≤ 1). Compare an adjusted p-value with α as usual.
 *
 * @example
 * ```ts
 * adjustPValues([0.01, 0.04, 0.03], 'holm'); // [0.03, 0.06, 0.06]
 * adjustPValues([0.01, 0.04, 0.03], 'bh');   // [0.03, 0.04, 0.04]
 * ```
 */
export function adjustPValues(pValues: readonly number[], correction: Correction = 'holm'): number[] {
  const method = normalizeCorrection(correction);
  assertFiniteSample(pValues, 'adjustPValues', 'pValues');
  pValues.forEach((p, index) => {
    if (p < 0 || p > 1)
      throw new EvalStatisticsError(`Expected adjustPValues(pValues) in [0, 1], but pValues[${index}] is ${p}.`, {
        details: { function: 'adjustPValues', reason: 'out-of-range', index, value: p },
      });
  });
  const m = pValues.length;
  if (method === 'none' || m <= 1) return [...pValues];
  if (method === 'bonferroni') return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((p, i) => ({ p, i }));
  const out = new Array<number>(m);
  if (method === 'holm') {
    order.sort((x, y) => x.p - y.p || x.i - y.i);
    let running = 0;
    order.forEach(({ p, i }, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * p));
      out[i] = running;
    });
    return out;
  }
  // Benjamini–Hochberg step-up: q(k) = min over j ≥ k of m·p(j)/j.
  order.sort((x, y) => y.p - x.p || y.i - x.i);
  let running = 1;
  order.forEach(({ p, i }, idx) => {
    const rank = m - idx;
    running = Math.min(running, (m * p) / rank);
    out[i] = Math.min(1, running);
  });
  return out;
}
