/** Eval pages: stored eval runs, one run's scorers, and a comparison of two runs with a chart. */
import type { Comparison, EvalRun, StoredRunInfo } from '@weft/eval';
import { formatAgo, formatDuration, formatInt, formatUsd, preview } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

function scoreBar(v: number): SafeHtml {
  const pct = Math.max(0, Math.min(1, v)) * 100;
  return html`<span class="meter" aria-hidden="true"><span style="width:${pct.toFixed(1)}%"></span></span>`;
}

/** The list of eval runs, newest first, each with a link to compare against the previous run of the same eval. */
export function evalsPage(ctx: PageContext, runs: StoredRunInfo[]): SafeHtml {
  const prevOf = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const r of [...runs].reverse()) {
    const p = seen.get(r.evalName);
    if (p) prevOf.set(r.id, p);
    seen.set(r.evalName, r.id);
  }
  const body = html`<div class="page-head"><h1>Evals</h1></div>
${
  runs.length === 0
    ? html`<div class="empty"><p><strong>No eval runs stored in this database.</strong></p><p class="muted">Run <code>weft eval evals/*.eval.ts</code> (or <code>runEval(def, { store: createEvalStore(store) })</code>) and the history shows up here.</p></div>`
    : html`<table class="grid" data-keynav><thead><tr><th scope="col">Eval</th><th scope="col">Variant</th><th scope="col">Commit</th><th scope="col">Started</th><th scope="col" class="num">Items</th><th scope="col" class="num">Errors</th><th scope="col">Scores (mean)</th><th scope="col" class="num">Cost</th><th scope="col">Compare</th></tr></thead><tbody>${runs.map(
        (r) => {
          const prev = prevOf.get(r.id);
          return html`<tr><td><a class="row-link" href="${ctx.base}/evals/${encodeURIComponent(r.id)}">${r.evalName}</a></td><td>${r.variant}</td><td class="mono muted">${r.gitCommit?.slice(0, 8) ?? ''}</td><td class="nowrap">${formatAgo(r.startedAt, ctx.now)}</td><td class="num">${formatInt(r.summary.items)}</td><td class="num">${r.summary.errors ? html`<span class="bad">${r.summary.errors}</span>` : '0'}</td><td>${Object.entries(r.summary.scorers).map(([k, s]) => html`<span class="score">${k} <strong>${s.mean.toFixed(2)}</strong></span> `)}</td><td class="num">${formatUsd(r.summary.costUsd)}</td><td>${prev ? html`<a href="${ctx.base}/evals/compare?a=${encodeURIComponent(prev)}&b=${encodeURIComponent(r.id)}">vs previous</a>` : html`<span class="muted">—</span>`}</td></tr>`;
        },
      )}</tbody></table>`
}`;
  return layout(ctx, 'Evals', 'evals', body);
}

/** One eval run: scorer summaries and per-item results (linking the workflow runs that produced them). */
export function evalRunPage(ctx: PageContext, run: EvalRun, previous?: string): SafeHtml {
  const scorers = Object.keys(run.summary.scorers);
  const body = html`<nav class="crumbs"><a href="${ctx.base}/evals">Evals</a> / ${run.evalName}</nav>
<div class="page-head"><h1>${run.evalName} <span class="muted small">${run.variant} · ${formatAgo(run.startedAt, ctx.now)} · ${formatDuration(run.endedAt - run.startedAt)}</span></h1>${previous ? html`<a class="btn ghost" href="${ctx.base}/evals/compare?a=${encodeURIComponent(previous)}&b=${encodeURIComponent(run.id)}">Compare with previous run</a>` : ''}</div>
<div class="stats">${scorers.map((k) => {
    const s = run.summary.scorers[k];
    return html`<div class="stat"><span class="stat-v">${s ? s.mean.toFixed(3) : '—'}</span><span class="stat-l">${k} (± ${s ? s.stddev.toFixed(2) : '—'})</span></div>`;
  })}<div class="stat"><span class="stat-v">${formatUsd(run.summary.costUsd)}</span><span class="stat-l">cost</span></div><div class="stat"><span class="stat-v">${formatInt(run.summary.items)}</span><span class="stat-l">items</span></div></div>
<section class="card"><h2>Results</h2><table class="grid"><thead><tr><th scope="col">Item</th><th scope="col">Input</th><th scope="col">Output</th>${scorers.map((k) => html`<th scope="col">${k}</th>`)}<th scope="col" class="num">Latency</th><th scope="col">Run</th></tr></thead><tbody>${run.results.map(
    (r) =>
      html`<tr><td class="mono">${r.itemId}${r.trial > 0 ? ` #${r.trial}` : ''}</td><td class="mono muted data">${preview(r.input, 80)}</td><td class="mono data">${r.error ? html`<span class="bad">${preview(r.error.message ?? r.error, 80)}</span>` : preview(r.output, 80)}</td>${scorers.map(
        (k) => {
          const v = r.scores[k]?.score;
          return html`<td class="nowrap">${v === undefined ? '—' : html`${scoreBar(v)} ${v.toFixed(2)}`}</td>`;
        },
      )}<td class="num">${formatDuration(r.latencyMs)}</td><td>${r.taskRunId ? html`<a class="mono" href="${ctx.base}/runs/${encodeURIComponent(r.taskRunId)}">${r.taskRunId.slice(0, 12)}…</a>` : ''}</td></tr>`,
  )}</tbody></table></section>`;
  return layout(ctx, run.evalName, 'evals', body);
}

/** Three decimals, or — for a NaN (a scorer with no usable paired scores). */
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

/** A comparison: per scorer, the mean of A and B, the paired difference with its confidence interval (chart), p-value, verdict; then regressions. */
export function comparePage(ctx: PageContext, c: Comparison): SafeHtml {
  const lim = Math.max(
    0.05,
    ...c.scorers.flatMap((s) => [Math.abs(s.ci.lower), Math.abs(s.ci.upper), Math.abs(s.diff)]),
  );
  const pos = (v: number) => (((v + lim) / (2 * lim)) * 100).toFixed(2);
  const body = html`<nav class="crumbs"><a href="${ctx.base}/evals">Evals</a> / ${c.evalName} / compare</nav>
<div class="page-head"><h1>${c.evalName}: <a href="${ctx.base}/evals/${encodeURIComponent(c.a.runId)}">${c.a.variant}</a> → <a href="${ctx.base}/evals/${encodeURIComponent(c.b.runId)}">${c.b.variant}</a></h1></div>
<section class="card"><h2>Difference per scorer <span class="muted small">mean(B − A), ${Math.round((c.scorers[0]?.ci.confidence ?? 0.95) * 100)}% CI, ${c.test} test, ${c.correction ?? 'no'} correction, α = ${c.alpha}</span></h2>
<table class="grid compare"><thead><tr><th scope="col">Scorer</th><th scope="col" class="num">n</th><th scope="col" class="num">A</th><th scope="col" class="num">B</th><th scope="col" class="num">Δ</th><th scope="col" class="ci-col">−${lim.toFixed(2)} · 0 · +${lim.toFixed(2)}</th><th scope="col" class="num">p</th><th scope="col" class="num">p adj.</th><th scope="col">Verdict</th></tr></thead><tbody>${c.scorers.map(
    (s) =>
      html`<tr><td>${s.scorer}</td><td class="num">${s.n}</td><td class="num">${f3(s.meanA)}</td><td class="num">${f3(s.meanB)}</td><td class="num"><strong>${s.diff >= 0 ? '+' : ''}${f3(s.diff)}</strong></td><td class="ci-col"><span class="ci"><span class="ci-zero"></span><span class="ci-range v-${s.verdict}" style="left:${pos(s.ci.lower)}%;width:${(Number(pos(s.ci.upper)) - Number(pos(s.ci.lower))).toFixed(2)}%"></span><span class="ci-point v-${s.verdict}" style="left:${pos(s.diff)}%"></span></span></td><td class="num">${s.pValue.toFixed(3)}</td><td class="num">${(s.adjustedPValue ?? s.pValue).toFixed(3)}</td><td><span class="verdict v-${s.verdict}">${s.verdict}</span></td></tr>`,
  )}</tbody></table>${(c.warnings ?? []).length > 0 ? html`<ul class="muted small">${(c.warnings ?? []).map((w) => html`<li>${w}</li>`)}</ul>` : ''}</section>
<section class="card"><h2>Regressions <span class="count">${c.regressions.length}</span></h2>${
    c.regressions.length === 0
      ? html`<p class="muted small">No item scored lower in B.</p>`
      : html`<table class="grid"><thead><tr><th scope="col">Item</th><th scope="col">Scorer</th><th scope="col" class="num">A</th><th scope="col" class="num">B</th><th scope="col">Input</th><th scope="col">Output B</th></tr></thead><tbody>${c.regressions
          .slice(0, 100)
          .map(
            (r) =>
              html`<tr><td class="mono">${r.itemId}</td><td>${r.scorer}</td><td class="num">${r.a.toFixed(2)}</td><td class="num bad">${r.b.toFixed(2)}</td><td class="mono muted data">${preview(r.input, 80)}</td><td class="mono data">${preview(r.outputB, 80)}</td></tr>`,
          )}</tbody></table>`
  }${c.unpaired.onlyA.length + c.unpaired.onlyB.length ? html`<p class="muted small">${c.unpaired.onlyA.length} items only in A, ${c.unpaired.onlyB.length} only in B (not compared).</p>` : ''}</section>`;
  return layout(ctx, `${c.evalName} compare`, 'evals', body);
}
