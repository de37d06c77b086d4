/** JUnit XML for CI: one test case per item (fails on task error or a score below `passScore`) and per threshold rule. */
import type { ThresholdResult } from '../compare/thresholds.js';
import type { EvalRun } from '../runner/types.js';

/** Options of {@link toJUnit}. */
export interface JUnitOptions {
  /** A result fails when any score is below this (default 0.5). */
  passScore?: number;
  thresholds?: ThresholdResult;
}

const esc = (s: string) =>
  s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * Renders runs as a JUnit XML document (one `<testsuite>` per run).
 *
 * @example
 * ```ts
 * await writeFile('junit.xml', toJUnit([run], { thresholds: checkThresholds(run, def.thresholds ?? {}) }));
 * ```
 */
export function toJUnit(
  runs: readonly EvalRun[],
  options: JUnitOptions & { thresholdsByRun?: Record<string, ThresholdResult> } = {},
): string {
  const passScore = options.passScore ?? 0.5;
  let totalTests = 0;
  let totalFailures = 0;
  const suites = runs.map((run) => {
    const cases: string[] = [];
    let failures = 0;
    for (const r of run.results) {
      const name = `${r.itemId}${run.trials > 1 ? ` #${r.trial}` : ''}`;
      const low = Object.entries(r.scores).filter(([, s]) => s.score < passScore);
      let body = '';
      if (r.error) {
        failures++;
        body = `<failure type="error" message="${esc(String(r.error.message ?? 'task failed'))}">${esc(JSON.stringify(r.error))}</failure>`;
      } else if (low.length > 0) {
        failures++;
        const msg = low
          .map(([n, s]) => `${n}=${s.score.toFixed(3)}${s.rationale ? ` (${s.rationale})` : ''}`)
          .join('; ');
        body = `<failure type="score" message="${esc(msg)}"/>`;
      }
      cases.push(
        `    <testcase classname="${esc(`${run.evalName}.${run.variant}`)}" name="${esc(name)}" time="${(r.latencyMs / 1000).toFixed(3)}">${body}</testcase>`,
      );
    }
    const thresholds = options.thresholdsByRun?.[run.id] ?? (runs.length === 1 ? options.thresholds : undefined);
    for (const c of thresholds?.checked ?? []) {
      if (!c.passed) failures++;
      cases.push(
        `    <testcase classname="${esc(`${run.evalName}.thresholds`)}" name="${esc(`${c.scorer} ${c.rule}`)}" time="0">${c.passed ? '' : `<failure type="threshold" message="${esc(c.message)}"/>`}</testcase>`,
      );
    }
    totalTests += cases.length;
    totalFailures += failures;
    const time = ((run.endedAt - run.startedAt) / 1000).toFixed(3);
    return `  <testsuite name="${esc(`${run.evalName} (${run.variant})`)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time}" timestamp="${new Date(run.startedAt).toISOString()}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="weft-eval" tests="${totalTests}" failures="${totalFailures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
