/** The JSON report: runs, comparisons and threshold outcomes in one document (also the input of `weft eval compare`). */
import type { Comparison } from '../compare/compare.js';
import type { ThresholdResult } from '../compare/thresholds.js';
import type { EvalRun } from '../runner/types.js';

/** The JSON report document. */
export interface EvalReport {
  format: 'weft-eval-report@1';
  createdAt: string;
  runs: EvalRun[];
  comparisons: Comparison[];
  thresholds: { runId: string; result: ThresholdResult }[];
}

/**
 * Builds the JSON report.
 *
 * @example
 * ```ts
 * await writeFile('eval.json', JSON.stringify(toJsonReport({ runs: [run] }), null, 2));
 * ```
 */
export function toJsonReport(parts: {
  runs: EvalRun[];
  comparisons?: Comparison[];
  thresholds?: { runId: string; result: ThresholdResult }[];
}): EvalReport {
  return {
    format: 'weft-eval-report@1',
    createdAt: new Date().toISOString(),
    runs: parts.runs,
    comparisons: parts.comparisons ?? [],
    thresholds: parts.thresholds ?? [],
  };
}
