/** Plain-text tables for terminals and CI logs. */
import type { Comparison } from '../compare/compare.js';
import type { ThresholdResult } from '../compare/thresholds.js';
import type { EvalRun } from '../runner/types.js';
import type { StoredRunInfo } from '../storage/eval-store.js';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const signed = (x: number) => `${x >= 0 ? '+' : ''}${f3(x)}`;
const pfmt = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

/**
 * A run as a table: per scorer mean, stddev, min, max; then errors, latency and cost.
 *
 * @example
 * ```ts
 * console.log(formatRun(await runEval(def)));
 * ```
 */
export function formatRun(run: EvalRun): string {
  const s = run.summary;
  const head = `${run.evalName} · ${run.variant} · ${s.items} items × ${run.trials} trial(s)${run.gitCommit ? ` · ${run.gitCommit.slice(0, 8)}` : ''}`;
  const trials = run.trials > 1;
  const rows = Object.entries(s.scorers).map(([name, x]) => [
    name,
    f3(x.mean),
    f3(x.stddev),
    ...(trials ? [f3(x.trialStddev ?? 0)] : []),
    f3(x.min),
    f3(x.max),
    String(x.errors ?? 0),
  ]);
  const scorerErrors = s.scorerErrors ? ` (task ${s.taskErrors ?? 0}, scorer ${s.scorerErrors})` : '';
  const foot = `errors ${s.errors}/${s.results}${scorerErrors} · latency p50 ${s.latencyMs.median.toFixed(1)} ms · cost $${s.costUsd.toFixed(4)}`;
  return `${head}\n${table(['scorer', 'mean', 'sd', ...(trials ? ['trial sd'] : []), 'min', 'max', 'errors'], rows)}\n${foot}`;
}

/**
 * A comparison as a table: per scorer A and B means, difference with its CI, p-value and verdict;
 * then the items that regressed most.
 */
export function formatComparison(cmp: Comparison): string {
  const head = `${cmp.evalName}: ${cmp.a.variant} (A) → ${cmp.b.variant} (B), ${cmp.test} test, ${cmp.correction === 'none' ? 'no correction' : `${cmp.correction} correction`}, α = ${cmp.alpha}`;
  const level = cmp.scorers[0] ? Math.round(cmp.scorers[0].ci.confidence * 100) : 95;
  const rows = cmp.scorers.map((s) => [
    s.scorer,
    String(s.n),
    f3(s.meanA),
    f3(s.meanB),
    signed(s.diff),
    s.n >= 2 ? `[${signed(s.ci.lower)}, ${signed(s.ci.upper)}]` : 'n/a',
    pfmt(s.pValue),
    pfmt(s.adjustedPValue),
    s.verdict === 'improved'
      ? '▲ improved'
      : s.verdict === 'regressed'
        ? '▼ regressed'
        : s.verdict === 'insufficient-data'
          ? '? too few items'
          : '= no sig. change',
  ]);
  const out = [head, table(['scorer', 'n', 'A', 'B', 'B−A', `${level}% CI`, 'p', 'p adj.', 'verdict'], rows)];
  if (cmp.warnings.length > 0) out.push(...cmp.warnings.map((w) => `⚠ ${w}`));
  if (cmp.regressions.length > 0) {
    out.push('Most regressed items:');
    for (const r of cmp.regressions.slice(0, 5)) {
      out.push(
        `  ${r.scorer} ${f3(r.a)} → ${f3(r.b)} (${signed(r.delta)})  ${r.itemId}  ${truncate(JSON.stringify(r.input), 60)}`,
      );
    }
  }
  return out.join('\n');
}

/** Threshold outcome as lines with ✓ / ✗. */
export function formatThresholds(result: ThresholdResult): string {
  if (result.checked.length === 0) return 'no thresholds';
  return result.checked.map((c) => `${c.passed ? '✓' : '✗'} ${c.message}`).join('\n');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Stored runs of an eval as a table, newest first: id, variant, commit, date, items, errors and
 * the mean of each scorer.
 */
export function formatHistory(runs: readonly StoredRunInfo[]): string {
  if (runs.length === 0) return 'no stored runs';
  const scorers = [...new Set(runs.flatMap((r) => Object.keys(r.summary.scorers)))];
  const rows = runs.map((r) => [
    r.id.slice(0, 8),
    r.variant,
    r.gitCommit?.slice(0, 8) ?? '—',
    new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
    String(r.summary.items),
    String(r.summary.errors),
    ...scorers.map((s) => f3(r.summary.scorers[s]?.mean ?? Number.NaN)),
  ]);
  return `${runs[0]?.evalName}: ${runs.length} run(s)\n${table(['run', 'variant', 'commit', 'started (UTC)', 'items', 'errors', ...scorers], rows)}`;
}
