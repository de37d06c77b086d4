/**
 * One self-contained HTML report: inline CSS and server-rendered SVG charts (score
 * distributions, per-scorer A/B differences with intervals, regressions). No scripts, no CDN:
 * it opens offline and renders the same everywhere.
 */
import type { Comparison } from '../compare/compare.js';
import type { ThresholdResult } from '../compare/thresholds.js';
import type { EvalRun } from '../runner/types.js';
import { barsSvg, COLORS, histogramSvg, intervalSvg } from './svg.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

/** Inputs of {@link toHtmlReport}. */
export interface HtmlReportInput {
  title?: string;
  runs: readonly EvalRun[];
  comparisons?: readonly Comparison[];
  thresholds?: readonly { runId: string; result: ThresholdResult }[];
}

const CSS = `
:root{--bg:#f7f8fa;--card:#fff;--ink:#1c2024;--muted:#60646c;--line:#e0e1e6}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--ink)}
header{padding:20px 28px;background:#111827;color:#fff}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#aab}
main{padding:20px 28px;display:grid;gap:18px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px}
h2{font-size:16px;margin:0 0 10px}.grid{display:flex;flex-wrap:wrap;gap:12px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:right}th:first-child,td:first-child{text-align:left}
th{color:var(--muted);font-weight:600}.up{color:#18794e;font-weight:600}.down{color:#ce2c31;font-weight:600}.same{color:var(--muted)}
.pass{color:#18794e}.fail{color:#ce2c31}code{font-size:12px;background:#f0f0f3;padding:1px 4px;border-radius:4px}
svg .title{font-size:13px;font-weight:600;fill:#1c2024}svg .tick{font-size:10px;fill:#60646c}svg .label{font-size:11px;fill:#1c2024}
svg .grid{stroke:#eceef2}svg .zero{stroke:#9ca3af;stroke-dasharray:3 3}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
`;

/**
 * Renders the HTML report.
 *
 * @example
 * ```ts
 * await writeFile('eval.html', toHtmlReport({ runs: [a, b], comparisons: [compare(a, b)] }));
 * ```
 */
export function toHtmlReport(input: HtmlReportInput): string {
  const title = input.title ?? `Weft eval report — ${[...new Set(input.runs.map((r) => r.evalName))].join(', ')}`;
  const sections: string[] = [];

  // Run summaries.
  const runRows = input.runs
    .map(
      (r, i) =>
        `<tr><td><span class="swatch" style="background:${COLORS[i % COLORS.length]}"></span>${esc(r.evalName)} · <b>${esc(r.variant)}</b></td><td>${r.summary.items}</td><td>${r.trials}</td><td>${r.summary.errors}</td><td>${r.summary.latencyMs.median.toFixed(1)} ms</td><td>$${r.summary.costUsd.toFixed(4)}</td><td><code>${esc(r.gitCommit?.slice(0, 8) ?? '—')}</code></td><td>${Object.entries(
          r.summary.scorers,
        )
          .map(
            ([n, s]) =>
              `${esc(n)} ${f3(s.mean)}${s.trialStddev === undefined ? '' : ` <span class="same">±${s.trialStddev.toFixed(3)}</span>`}`,
          )
          .join(' · ')}</td></tr>`,
    )
    .join('');
  sections.push(
    `<section id="runs"><h2>Runs</h2><table><thead><tr><th>run</th><th>items</th><th>trials</th><th>errors</th><th>latency p50</th><th>cost</th><th>commit</th><th>mean scores (± trial sd)</th></tr></thead><tbody>${runRows}</tbody></table></section>`,
  );

  // Score distributions per scorer, one series per run of the same eval.
  const byEval = new Map<string, EvalRun[]>();
  for (const r of input.runs) byEval.set(r.evalName, [...(byEval.get(r.evalName) ?? []), r]);
  for (const [evalName, runs] of byEval) {
    const scorers = [...new Set(runs.flatMap((r) => Object.keys(r.summary.scorers)))];
    const charts = scorers.map((s) =>
      histogramSvg(
        s,
        runs.map((r) => ({ label: r.variant, values: r.results.map((x) => x.scores[s]?.score ?? 0) })),
      ),
    );
    sections.push(
      `<section class="distributions"><h2>Score distributions — ${esc(evalName)}</h2><div class="grid">${charts.join('')}</div></section>`,
    );
  }

  for (const cmp of input.comparisons ?? []) {
    const rows = cmp.scorers.map((s) => ({
      label: s.scorer,
      estimate: s.diff,
      lower: s.ci.lower,
      upper: s.ci.upper,
      significant: s.significant,
      note: `p${s.pValue < 0.001 ? '<0.001' : `=${s.pValue.toFixed(3)}`} ${s.verdict === 'improved' ? '▲' : s.verdict === 'regressed' ? '▼' : '='}`,
    }));
    const table = cmp.scorers
      .map(
        (s) =>
          `<tr><td>${esc(s.scorer)}</td><td>${f3(s.meanA)}</td><td>${f3(s.meanB)}</td><td>${s.diff >= 0 ? '+' : ''}${f3(s.diff)}</td><td>[${f3(s.ci.lower)}, ${f3(s.ci.upper)}]</td><td>${s.pValue < 0.001 ? '&lt;0.001' : s.pValue.toFixed(3)}</td><td>${s.adjustedPValue < 0.001 ? '&lt;0.001' : s.adjustedPValue.toFixed(3)}</td><td class="${s.verdict === 'improved' ? 'up' : s.verdict === 'regressed' ? 'down' : 'same'}">${s.verdict}</td></tr>`,
      )
      .join('');
    const regress = barsSvg(
      'Most regressed items (B − A)',
      cmp.regressions.slice(0, 12).map((r) => ({
        label: `${r.scorer} · ${shorten(typeof r.input === 'string' ? r.input : JSON.stringify(r.input), 26)}`,
        value: r.delta,
      })),
    );
    sections.push(
      `<section class="comparison"><h2>A/B — ${esc(cmp.evalName)}: ${esc(cmp.a.variant)} (A) → ${esc(cmp.b.variant)} (B)</h2><p class="same">Paired by item (n = ${cmp.scorers[0]?.n ?? 0}); difference of means with a ${esc(cmp.scorers[0]?.ci.method ?? 't')} 95% interval and a ${cmp.test} test p-value, adjusted across scorers (${esc(cmp.correction)}); α = ${cmp.alpha}.</p>${cmp.warnings.length > 0 ? `<ul class="warnings">${cmp.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}${intervalSvg('Per-scorer difference B − A with 95% CI', rows)}<table><thead><tr><th>scorer</th><th>A</th><th>B</th><th>B − A</th><th>95% CI</th><th>p</th><th>p adj.</th><th>verdict</th></tr></thead><tbody>${table}</tbody></table>${regress}</section>`,
    );
  }

  for (const t of input.thresholds ?? []) {
    const rows = t.result.checked
      .map((c) => `<li class="${c.passed ? 'pass' : 'fail'}">${c.passed ? '✓' : '✗'} ${esc(c.message)}</li>`)
      .join('');
    sections.push(
      `<section class="thresholds"><h2>Thresholds — run ${esc(t.runId.slice(0, 8))}: ${t.result.passed ? '<span class="pass">passed</span>' : '<span class="fail">failed</span>'}</h2><ul>${rows || '<li>none</li>'}</ul></section>`,
    );
  }

  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><header><h1>${esc(title)}</h1><p>Generated ${esc(new Date().toISOString())} by @weft/eval</p></header><main>${sections.join('')}</main></body></html>`;
}

function shorten(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
