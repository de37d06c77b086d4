/**
 * The run page: header with status and actions, then sections — timeline, error, waits and
 * approvals, input/output, steps, LLM calls, logs, events (live while the run is active), evals.
 */
import type { ApprovalDetails } from '@weft/approval';
import type { EventRecord } from '@weft/workflow';
import type { LlmCall } from '../data/llm.js';
import type { RunDetail } from '../data/run-detail.js';
import { errorChain } from './error-view.js';
import {
  formatAgo,
  formatDuration,
  formatInt,
  formatTime,
  formatUsd,
  preview,
  prettyJson,
  shortHash,
} from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext, statusBadge } from './layout.js';
import { computeTimeline, timelineView } from './timeline.js';

/** An approval request of the run with whether the signed-in actor may decide it. */
export interface RunApproval {
  request: ApprovalDetails;
  /** Why the actor may not decide (undefined when allowed). */
  refusal?: string;
}

const ACTIVE = new Set(['queued', 'running', 'suspended']);
/** Step attempts listed at most on the page (the JSON view has all of them). */
const STEP_ROWS = 2000;

function section(id: string, title: string, body: SafeHtml, extra: SafeHtml | string = ''): SafeHtml {
  return html`<section id="${id}" class="card" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}${extra}</h2>${body}</section>`;
}

function jsonBlock(value: unknown, label: string): SafeHtml {
  if (value === undefined) return html`<p class="muted small">No ${label}.</p>`;
  return html`<pre class="json" tabindex="0" aria-label="${label}">${prettyJson(value)}</pre>`;
}

/** One event as a table row (also rendered by the client for live events, same markup). */
export function eventRow(e: EventRecord, start: number): SafeHtml {
  return html`<tr data-seq="${e.seq}"><td class="num mono">${e.seq}</td><td class="mono nowrap" title="${formatTime(e.at)} UTC">+${formatDuration(e.at - start)}</td><td><span class="ev ev-${e.type.split(':')[0]}">${e.type}</span></td><td class="mono">${e.path ?? ''}</td><td class="mono muted data">${preview(e.data, 160)}</td></tr>`;
}

function logLevel(data: unknown): string {
  const l = (data as { level?: unknown })?.level;
  return typeof l === 'string' ? l : 'info';
}

/** "attempt 1 lost" next to the attempt that ran after a lost one. */
function lostTag(list: { attempt: number; reason: string }[] | undefined, attempt: number): SafeHtml | string {
  const before = list?.filter((l) => l.attempt === attempt - 1);
  if (!before?.length) return '';
  const l = before[0] as { attempt: number; reason: string };
  return html` <span class="tag warn" title="attempt ${l.attempt}: ${l.reason}">attempt ${l.attempt} lost</span>`;
}

function logsView(logs: EventRecord[], start: number): SafeHtml {
  if (logs.length === 0)
    return html`<p class="muted small">No log lines stored for this run. Steps log with <code>ctx.logger.info('…', { fields })</code>.</p>`;
  return html`<table class="grid logs"><thead><tr><th scope="col">Time</th><th scope="col">Level</th><th scope="col">Step</th><th scope="col" class="num">Attempt</th><th scope="col">Message</th><th scope="col">Fields</th></tr></thead><tbody>${logs.map(
    (e) => {
      if (e.type === 'log:truncated')
        return html`<tr class="log-cut"><td class="mono nowrap">+${formatDuration(e.at - start)}</td><td><span class="lvl lvl-warn">cap</span></td><td></td><td></td><td colspan="2">Log cap reached: later lines of this run were not stored. ${preview(e.data, 160)}</td></tr>`;
      const d = (e.data ?? {}) as Record<string, unknown>;
      const { level: _l, message, msg, fields, attempt, ...rest } = d;
      const extra = fields ?? (Object.keys(rest).length ? rest : undefined);
      const text = typeof message === 'string' ? message : typeof msg === 'string' ? msg : preview(e.data, 200);
      return html`<tr><td class="mono nowrap">+${formatDuration(e.at - start)}</td><td><span class="lvl lvl-${logLevel(e.data)}">${logLevel(e.data)}</span></td><td class="mono">${e.path ?? ''}</td><td class="num">${typeof attempt === 'number' ? attempt : ''}</td><td>${text}</td><td class="mono muted data">${extra === undefined ? '' : preview(extra, 200)}</td></tr>`;
    },
  )}</tbody></table>`;
}

function llmView(ctx: PageContext, calls: LlmCall[]): SafeHtml {
  if (calls.length === 0)
    return html`<p class="muted small">No LLM calls recorded for this run. Calls made through <code>@weft/llm</code>'s router with a usage store on this database appear here.</p>`;
  const total = calls.reduce((a, c) => a + c.costUsd, 0);
  const tokens = calls.reduce((a, c) => a + c.inputTokens + c.outputTokens, 0);
  const bySteps = new Map<string, { calls: number; cost: number; tokens: number }>();
  for (const c of calls) {
    const k = c.stepId ?? '(outside a step)';
    const g = bySteps.get(k) ?? { calls: 0, cost: 0, tokens: 0 };
    g.calls++;
    g.cost += c.costUsd;
    g.tokens += c.inputTokens + c.outputTokens;
    bySteps.set(k, g);
  }
  const max = Math.max(...[...bySteps.values()].map((g) => g.cost), 1e-12);
  return html`<div class="stats">
  <div class="stat"><span class="stat-v">${formatUsd(total)}</span><span class="stat-l">cost</span></div>
  <div class="stat"><span class="stat-v">${formatInt(calls.length)}</span><span class="stat-l">calls</span></div>
  <div class="stat"><span class="stat-v">${formatInt(tokens)}</span><span class="stat-l">tokens</span></div>
  <div class="stat"><span class="stat-v">${formatInt(calls.filter((c) => c.fallbacks > 0).length)}</span><span class="stat-l">with fallbacks</span></div>
</div>
<table class="grid"><thead><tr><th scope="col">Step</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Tokens</th><th scope="col" class="num">Cost</th><th scope="col" class="bar-col">Share</th></tr></thead><tbody>${[
    ...bySteps,
  ]
    .sort((a, b) => b[1].cost - a[1].cost)
    .map(
      ([k, g]) =>
        html`<tr><td class="mono">${k}</td><td class="num">${formatInt(g.calls)}</td><td class="num">${formatInt(g.tokens)}</td><td class="num">${formatUsd(g.cost)}</td><td class="bar-col"><span class="hbar" style="width:${((g.cost / max) * 100).toFixed(1)}%"></span></td></tr>`,
    )}</tbody></table>
<details class="calls"><summary>All ${formatInt(calls.length)} calls</summary>
<table class="grid"><thead><tr><th scope="col">Started</th><th scope="col">Step</th><th scope="col" class="num">Attempt</th><th scope="col">Model</th><th scope="col">Outcome</th><th scope="col" class="num">In</th><th scope="col" class="num">Out</th><th scope="col" class="num">Latency</th><th scope="col" class="num">Cost</th></tr></thead><tbody>${calls.map(
    (c) =>
      html`<tr><td class="mono nowrap">${formatTime(c.startedAt)}</td><td class="mono">${c.stepId ?? ''}</td><td class="num">${c.attempt ?? ''}</td><td class="mono">${c.model ?? c.route}${c.fallbacks ? html` <span class="tag warn">${c.fallbacks} fallback${c.fallbacks > 1 ? 's' : ''}</span>` : ''}</td><td>${c.outcome}${c.error ? html` <span class="muted">${preview(c.error, 80)}</span>` : ''}</td><td class="num">${formatInt(c.inputTokens)}</td><td class="num">${formatInt(c.outputTokens)}</td><td class="num">${formatDuration(c.latencyMs)}</td><td class="num">${c.unpriced ? html`<span class="muted" title="No price for this model">n/a</span>` : formatUsd(c.costUsd)}</td></tr>`,
  )}</tbody></table></details>
<p class="small"><a href="${ctx.base}/llm">LLM cost across runs →</a></p>`;
}

function approvalView(ctx: PageContext, runId: string, a: RunApproval): SafeHtml {
  const r = a.request;
  const action = `${ctx.base}/runs/${encodeURIComponent(runId)}/approvals/${encodeURIComponent(r.id)}`;
  const decided = r.status !== 'pending';
  return html`<article class="approval" data-approval-id="${r.id}" data-approval-status="${r.status}">
  <header><strong>${r.title}</strong> ${statusBadge(r.status === 'pending' ? 'suspended' : r.status === 'approved' ? 'success' : 'failed', r.status.replace('_', ' '))} <span class="muted small">gate <code>${r.path}</code> · ${r.approvals}/${r.quorum} approvals · opened ${formatAgo(r.createdAt, ctx.now)}${r.dueAt ? ` · due ${formatTime(r.dueAt)} UTC` : ''}</span></header>
  ${r.summary ? html`<p>${r.summary}</p>` : ''}
  <pre class="json" tabindex="0" aria-label="Payload">${prettyJson(r.payload, 8000)}</pre>
  ${r.votes.length ? html`<ul class="votes">${r.votes.map((v) => html`<li><strong>${v.actor.name ?? v.actor.id}</strong> ${v.decision}${v.comment ? html` — “${v.comment}”` : ''} <span class="muted small">${formatAgo(v.at, ctx.now)} via ${v.via}</span></li>`)}</ul>` : ''}
  ${
    decided
      ? html`<p class="muted small">Closed${r.decidedAt ? ` ${formatAgo(r.decidedAt, ctx.now)}` : ''} by ${r.closedBy ?? 'decision'}.</p>`
      : a.refusal
        ? html`<p class="muted small">You cannot decide this request: ${a.refusal}</p>`
        : html`<form method="post" action="${action}" class="decide">
    <input type="hidden" name="csrf" value="${ctx.csrf}">
    ${r.allowEdit ? html`<label class="block"><span>Payload (editable)</span><textarea name="payload" rows="6" spellcheck="false">${prettyJson(r.payload, 50_000)}</textarea></label>` : ''}
    <label class="block"><span>Comment</span><input name="comment" maxlength="2000" placeholder="optional"></label>
    <div class="actions"><button class="btn primary" name="decision" value="approve">Approve</button><button class="btn danger" name="decision" value="reject" data-confirm="Reject this request? The run fails at this gate.">Reject</button><button class="btn ghost" name="decision" value="request_changes">Request changes</button></div>
  </form>`
  }
</article>`;
}

function waitsView(ctx: PageContext, d: RunDetail, approvals: RunApproval[]): SafeHtml {
  const approvalPaths = new Set(approvals.map((a) => a.request.path));
  const others = d.suspensions.filter((s) => !approvalPaths.has(s.path));
  const base = `${ctx.base}/runs/${encodeURIComponent(d.run.id)}`;
  return html`${approvals.map((a) => approvalView(ctx, d.run.id, a))}
${others.map(
  (s) => html`<article class="approval wait" data-wait-path="${s.path}">
  <header><strong>${s.eventName === 'approval' ? 'Approval gate' : s.eventName ? html`Waiting for event <code>${s.eventName}</code>` : 'Suspended step'}</strong> <span class="muted small">at <code>${s.path}</code> · since ${formatAgo(s.createdAt, ctx.now)}</span></header>
  ${s.payload === undefined ? '' : html`<pre class="json" tabindex="0">${prettyJson(s.payload, 4000)}</pre>`}
  ${
    ctx.canResume && s.eventName !== 'approval'
      ? html`<form method="post" action="${base}/resume" class="decide">
    <input type="hidden" name="csrf" value="${ctx.csrf}"><input type="hidden" name="step" value="${s.path}">
    <label class="block"><span>Resume data (JSON)</span><textarea name="data" rows="3" spellcheck="false">{}</textarea></label>
    <div class="actions"><button class="btn primary">Resume</button></div>
  </form>`
      : s.eventName === 'approval'
        ? html`<p class="muted small">The approval service has not picked this gate up yet.</p>`
        : html`<p class="muted small">Resume from your app (<code>engine.resume(runId, { step, data })</code>) or start Studio with an engine that has this workflow.</p>`
  }
</article>`,
)}`;
}

/** Renders the run page. */
export function runPage(ctx: PageContext, d: RunDetail, approvals: RunApproval[]): SafeHtml {
  const { run } = d;
  const active = ACTIVE.has(run.status);
  const end = active ? ctx.now : run.updatedAt;
  const logs = d.events.filter((e) => e.type === 'log' || e.type === 'log:truncated');
  // Streamed chunks (step:chunk, one per token) are live-only noise here; the compacted
  // step:stream event of each attempt is shown instead.
  const events = d.events.filter((e) => e.type !== 'log' && e.type !== 'log:truncated' && e.type !== 'step:chunk');
  const cost = d.llmCalls.reduce((a, c) => a + c.costUsd, 0);
  // Attempts that died with their process (`step:lost`): shown next to the attempt that followed.
  const lost = new Map<string, { attempt: number; reason: string }[]>();
  for (const e of d.events)
    if (e.type === 'step:lost' && e.path !== undefined) {
      const data = (e.data ?? {}) as { attempt?: number; reason?: string };
      const list = lost.get(e.path) ?? [];
      list.push({ attempt: data.attempt ?? 1, reason: data.reason ?? 'process lost' });
      lost.set(e.path, list);
    }
  const pending =
    approvals.filter((a) => a.request.status === 'pending').length +
    d.suspensions.filter((s) => !approvals.some((a) => a.request.path === s.path)).length;
  const base = `${ctx.base}/runs/${encodeURIComponent(run.id)}`;
  const timeline = computeTimeline(run, d.steps, ctx.now);
  const paths = [...new Set(d.steps.map((s) => s.path))];
  const tabs: [string, string, string | number | undefined][] = [
    ['timeline', 'Timeline', d.steps.length],
    ...(run.error ? ([['error', 'Error', undefined]] as [string, string, undefined][]) : []),
    ['waits', 'Waits & approvals', pending || undefined],
    ['io', 'Input & output', undefined],
    ['llm', 'LLM calls', d.llmCalls.length ? formatUsd(cost) : undefined],
    ['logs', 'Logs', logs.length || undefined],
    ['events', 'Events', events.length],
    ['evals', 'Evals', d.evals.length || undefined],
  ];
  const body = html`
<nav class="crumbs" aria-label="Breadcrumb"><a href="${ctx.base}/">Runs</a> <span aria-hidden="true">/</span> <a href="${ctx.base}/?workflow=${encodeURIComponent(run.workflowId)}">${run.workflowId}</a></nav>
<div class="page-head run-head" data-run-id="${run.id}" data-run-status="${run.status}" data-live="${active ? `${base}/live` : ''}" data-last-seq="${d.events[d.events.length - 1]?.seq ?? 0}">
  <div>
    <h1 class="mono">${run.id} <span id="run-status">${statusBadge(run.status)}</span></h1>
    <div class="meta">
      <span><span class="muted">workflow</span> ${run.workflowId}</span>
      <span title="${run.definitionHash}"><span class="muted">version</span> <code>${shortHash(run.definitionHash)}</code></span>
      <span title="${formatTime(run.createdAt)} UTC"><span class="muted">started</span> ${formatAgo(run.createdAt, ctx.now)}</span>
      <span><span class="muted">${active ? 'running for' : 'took'}</span> ${formatDuration(end - run.createdAt)}</span>
      ${d.llmCalls.length ? html`<span><span class="muted">LLM</span> ${formatUsd(cost)}</span>` : ''}
      ${run.forkedFrom ? html`<span><span class="muted">forked from</span> <a class="mono" href="${ctx.base}/runs/${encodeURIComponent(run.forkedFrom.runId)}">${run.forkedFrom.runId}</a> <span class="muted">at</span> <code>${run.forkedFrom.step}</code></span>` : ''}
      ${run.parentRunId ? html`<span><span class="muted">parent</span> <a class="mono" href="${ctx.base}/runs/${encodeURIComponent(run.parentRunId)}">${run.parentRunId}</a></span>` : ''}
      <span class="live-dot${active ? ' on' : ''}" id="live-indicator" aria-live="polite">${active ? 'live' : ''}</span>
    </div>
  </div>
  <div class="actions">
    ${
      active
        ? html`<form method="post" action="${base}/cancel"><input type="hidden" name="csrf" value="${ctx.csrf}"><button class="btn danger" data-confirm="Cancel run ${run.id}? Running steps see their signal abort.">Cancel run</button></form>`
        : ''
    }
    ${ctx.canRestart && (run.status === 'failed' || run.status === 'canceled') ? html`<form method="post" action="${base}/restart" class="inline"><input type="hidden" name="csrf" value="${ctx.csrf}"><label class="sr-only" for="restart-from">Restart from</label><select id="restart-from" name="from"><option value="">from the failure</option>${paths.map((p) => html`<option value="${p}">from ${p}</option>`)}</select><button class="btn primary">Restart</button></form>` : ''}
    ${ctx.canFork && !active && paths.length > 0 ? html`<form method="post" action="${base}/fork" class="inline"><input type="hidden" name="csrf" value="${ctx.csrf}"><label class="sr-only" for="fork-from">Fork at</label><select id="fork-from" name="from">${paths.map((p) => html`<option value="${p}">at ${p}</option>`)}</select><button class="btn">Fork</button></form>` : ''}
    <a class="btn ghost" href="${base}.json" download="${run.id}.json">JSON</a>
  </div>
</div>
<nav class="tabs" aria-label="Run sections">${tabs.map(
    ([id, label, n]) =>
      html`<a href="#${id}">${label}${n !== undefined ? html` <span class="count">${n}</span>` : ''}</a>`,
  )}</nav>
${section('timeline', 'Timeline', html`<div id="timeline-body" data-src="${base}/timeline">${timelineView(timeline)}</div>`)}
${run.error ? section('error', 'Error', errorChain(run.error)) : ''}
${section('waits', 'Waits & approvals', approvals.length || d.suspensions.length ? waitsView(ctx, d, approvals) : html`<p class="muted small">This run has no open waits and no approval gates.</p>`)}
${section(
  'io',
  'Input & output',
  html`<div class="two"><div><h3>Input</h3>${jsonBlock(run.input, 'input')}</div><div><h3>Output</h3>${jsonBlock(run.output, 'output')}</div></div>
<h3>Steps</h3>
<table class="grid steps"><thead><tr><th scope="col">Step</th><th scope="col" class="num">Attempt</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col" class="num">Took</th><th scope="col">Output / error</th></tr></thead><tbody>${d.steps
    .slice(0, STEP_ROWS)
    .map(
      (s) =>
        html`<tr><td class="mono">${s.path}</td><td class="num">${s.attempt}${lostTag(lost.get(s.path), s.attempt)}</td><td>${statusBadge(s.status)}</td><td class="mono nowrap">+${formatDuration(s.startedAt - run.createdAt)}</td><td class="num">${s.endedAt === undefined ? '…' : formatDuration(s.endedAt - s.startedAt)}</td><td>${
          s.error
            ? html`<details><summary class="err-sum"><span class="err-name">${s.error.code ?? s.error.name}</span> ${preview(s.error.message, 120)}</summary>${errorChain(s.error)}</details>`
            : s.output !== undefined || s.input !== undefined
              ? html`<details><summary class="mono muted">${preview(s.output, 100) || '(no output)'}</summary><div class="two"><div><h4>Input</h4>${jsonBlock(s.input, 'input')}</div><div><h4>Output</h4>${jsonBlock(s.output, 'output')}</div></div></details>`
              : ''
        }</td></tr>`,
    )}</tbody></table>
${d.steps.length > STEP_ROWS ? html`<p class="muted small">${d.steps.length - STEP_ROWS} more attempts: see <a href="${base}.json">the run's JSON</a>.</p>` : ''}
${d.forks.length ? html`<h3>Forks</h3><ul class="plain-list">${d.forks.map((c) => html`<li><a class="mono" href="${ctx.base}/runs/${encodeURIComponent(c.id)}">${c.id}</a> ${c.step ? html`at <code>${c.step}</code>` : ''} ${statusBadge(c.status)} <span class="muted small">${formatAgo(c.createdAt, ctx.now)}</span></li>`)}</ul>` : ''}
${d.children.length ? html`<h3>Nested runs</h3><ul class="plain-list">${d.children.map((c) => html`<li><a class="mono" href="${ctx.base}/runs/${encodeURIComponent(c.id)}">${c.id}</a> ${c.workflowId} ${statusBadge(c.status)}</li>`)}</ul>` : ''}`,
)}
${section('llm', 'LLM calls', llmView(ctx, d.llmCalls))}
${section('logs', 'Logs', logsView(logs, run.createdAt))}
${section(
  'events',
  'Events',
  html`${d.eventsTruncated ? html`<p class="muted small">Showing the newest events only.</p>` : ''}<table class="grid events"><thead><tr><th scope="col" class="num">#</th><th scope="col">At</th><th scope="col">Type</th><th scope="col">Path</th><th scope="col">Data</th></tr></thead><tbody id="events-body" data-start="${run.createdAt}">${events.map((e) => eventRow(e, run.createdAt))}</tbody></table>`,
  active ? html` <span class="live-tag" id="events-live">live</span>` : '',
)}
${section(
  'evals',
  'Evals',
  d.evals.length === 0
    ? html`<p class="muted small">No eval result points at this run. Evals whose task runs a workflow link their results here.</p>`
    : html`<table class="grid"><thead><tr><th scope="col">Eval</th><th scope="col">Variant</th><th scope="col">Item</th><th scope="col">Scores</th><th scope="col">Compare</th></tr></thead><tbody>${d.evals.map(
        (e) =>
          html`<tr><td><a href="${ctx.base}/evals/${encodeURIComponent(e.evalRunId)}">${e.evalName}</a> <span class="muted small">${formatAgo(e.startedAt, ctx.now)}</span></td><td>${e.variant}</td><td class="mono">${e.itemId}${e.trial > 0 ? ` #${e.trial}` : ''}</td><td>${Object.entries(e.scores).map(([k, v]) => html`<span class="score">${k} <strong>${v.toFixed(2)}</strong></span> `)}</td><td>${e.previousRunId ? html`<a href="${ctx.base}/evals/compare?a=${encodeURIComponent(e.previousRunId)}&b=${encodeURIComponent(e.evalRunId)}">vs previous run</a>` : html`<span class="muted">first run</span>`}</td></tr>`,
      )}</tbody></table>`,
)}`;
  return layout(ctx, run.id, 'runs', body, 'run-page');
}
