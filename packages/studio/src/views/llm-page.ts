/** The LLM cost page: totals, cost per day (bar chart), and breakdowns by model, workflow, step and run. */
import type { LlmUsage, UsageGroup } from '../data/llm.js';
import { formatDuration, formatInt, formatUsd } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

const RANGES: [string, string][] = [
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
];

function groupTable(
  ctx: PageContext,
  title: string,
  groups: UsageGroup[],
  kind: 'model' | 'workflow' | 'step' | 'run',
): SafeHtml {
  if (groups.length === 0) return html``;
  const max = Math.max(...groups.map((g) => g.costUsd), 1e-12);
  const label = (g: UsageGroup) =>
    kind === 'run'
      ? html`<a class="mono" href="${ctx.base}/runs/${encodeURIComponent(g.key)}">${g.key}</a>${g.workflowId ? html` <span class="muted small">${g.workflowId}</span>` : ''}`
      : kind === 'workflow'
        ? html`<a href="${ctx.base}/?workflow=${encodeURIComponent(g.key)}">${g.key}</a>`
        : kind === 'step'
          ? html`<span class="mono">${g.key}</span>${g.workflowId ? html` <span class="muted small">${g.workflowId}</span>` : ''}`
          : html`<span class="mono">${g.key}</span>`;
  return html`<section class="card"><h2>${title}</h2><table class="grid"><thead><tr><th scope="col">${kind}</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Tokens in / out</th><th scope="col" class="num">Avg latency</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Cost</th><th scope="col" class="bar-col">Share</th></tr></thead><tbody>${groups.map(
    (g) =>
      html`<tr><td class="nowrap">${label(g)}</td><td class="num">${formatInt(g.calls)}</td><td class="num nowrap">${formatInt(g.inputTokens)} / ${formatInt(g.outputTokens)}</td><td class="num">${formatDuration(g.avgLatencyMs)}</td><td class="num">${g.failed ? html`<span class="bad">${formatInt(g.failed)}</span>` : '0'}</td><td class="num"><strong>${formatUsd(g.costUsd)}</strong></td><td class="bar-col"><span class="hbar" style="width:${((g.costUsd / max) * 100).toFixed(1)}%"></span></td></tr>`,
  )}</tbody></table></section>`;
}

function dayChart(days: UsageGroup[]): SafeHtml {
  if (days.length === 0) return html``;
  const max = Math.max(...days.map((d) => d.costUsd), 1e-12);
  return html`<div class="chart" role="img" aria-label="Cost per day">${days.map(
    (d) =>
      html`<div class="col" title="${d.key}: ${formatUsd(d.costUsd)} · ${formatInt(d.calls)} calls"><span class="colbar" style="height:${Math.max(d.costUsd > 0 ? 2 : 0, (d.costUsd / max) * 100).toFixed(1)}%"></span></div>`,
  )}</div><div class="chart-axis"><span>${days[0]?.key}</span><span>max ${formatUsd(max)}/day</span><span>${days[days.length - 1]?.key}</span></div>`;
}

/** Renders the LLM cost page. */
export function llmPage(ctx: PageContext, u: LlmUsage, range: string): SafeHtml {
  const t = u.totals;
  const body = html`
<div class="page-head"><h1>LLM cost</h1>
<nav class="seg" aria-label="Range">${RANGES.map(([v, l]) => html`<a href="${ctx.base}/llm?range=${v}"${v === range ? html` class="on" aria-current="true"` : ''}>${l}</a>`)}</nav></div>
${
  !u.recorded
    ? html`<div class="empty"><p><strong>No LLM usage recorded in this database.</strong></p><p class="muted">Create the router with <code>store: createKyselyUsageStore({ db: store.db, dialect: store.dialect })</code> and every call is recorded with its run and step.</p></div>`
    : html`<div class="stats big">
  <div class="stat"><span class="stat-v">${formatUsd(t.costUsd)}</span><span class="stat-l">total cost</span></div>
  <div class="stat"><span class="stat-v">${formatInt(t.calls)}</span><span class="stat-l">calls</span></div>
  <div class="stat"><span class="stat-v">${formatInt(t.inputTokens)}</span><span class="stat-l">input tokens</span></div>
  <div class="stat"><span class="stat-v">${formatInt(t.outputTokens)}</span><span class="stat-l">output tokens</span></div>
  <div class="stat"><span class="stat-v">${formatDuration(t.avgLatencyMs)}</span><span class="stat-l">avg latency</span></div>
  <div class="stat"><span class="stat-v${t.failed ? ' bad' : ''}">${formatInt(t.failed)}</span><span class="stat-l">failed</span></div>
</div>
<section class="card"><h2>Cost per day</h2>${dayChart(u.byDay)}</section>
${groupTable(ctx, 'By model', u.byModel, 'model')}
${groupTable(ctx, 'By workflow', u.byWorkflow, 'workflow')}
${groupTable(ctx, 'Most expensive steps', u.byStep, 'step')}
${groupTable(ctx, 'Most expensive runs', u.topRuns, 'run')}`
}`;
  return layout(ctx, 'LLM cost', 'llm', body);
}
