/** The runs list: a filter bar (status chips, workflow, version, range, search) over a dense table. */
import type { RunFacets, RunFilter, RunListPage } from '../data/runs-query.js';
import { COUNT_CAP, RUN_STATUSES, SEARCH_WINDOW } from '../data/runs-query.js';
import { formatAgo, formatDuration, formatInt, formatTime, shortHash } from './format.js';
import { html, type SafeHtml } from './html.js';
import { layout, type PageContext, statusBadge } from './layout.js';

const RANGE_OPTIONS: [string, string][] = [
  ['all', 'Any time'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];

const FINISHED = new Set(['success', 'failed', 'canceled']);

/** Query string of a filter (without cursors), for links that keep the filter. */
export function filterQuery(params: URLSearchParams, patch: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) if (k !== 'after' && k !== 'before' && !(k in patch)) q.append(k, v);
  for (const [k, v] of Object.entries(patch)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Renders the runs list page. */
export function runsPage(
  ctx: PageContext,
  page: RunListPage,
  facets: RunFacets,
  filter: RunFilter,
  params: URLSearchParams,
): SafeHtml {
  const selected = new Set(filter.status ?? []);
  const count = (n: number) => (n >= COUNT_CAP ? `${formatInt(COUNT_CAP)}+` : formatInt(n));
  const chips = RUN_STATUSES.map((s) => {
    const on = selected.has(s);
    const next = on ? [...selected].filter((x) => x !== s) : [...selected, s];
    return html`<a class="chip s-${s}${on ? ' on' : ''}" href="${ctx.base}/${filterQuery(params, { status: next.join(',') || undefined })}" aria-pressed="${on ? 'true' : 'false'}" data-status-chip="${s}"><span class="dot" aria-hidden="true"></span>${s}<span class="count">${count(facets.counts[s] ?? 0)}</span></a>`;
  });
  const labels = new Map(facets.versions.filter((v) => v.label).map((v) => [v.hash, v.label as string]));
  const versions = facets.versions.filter((v) => !filter.workflowId || v.workflowId === filter.workflowId).slice(0, 50);
  const range = params.get('range') ?? 'all';
  const hasFilter = Boolean(
    filter.status || filter.workflowId || filter.version || filter.q || filter.from || filter.to,
  );
  const rows = page.runs.map((r) => {
    const href = `${ctx.base}/runs/${encodeURIComponent(r.id)}`;
    const took = FINISHED.has(r.status)
      ? formatDuration(r.updatedAt - r.createdAt)
      : html`<span class="muted">${formatDuration(ctx.now - r.createdAt)}…</span>`;
    return html`<tr data-href="${href}" data-run-id="${r.id}">
  <td>${statusBadge(r.status)}</td>
  <td class="mono"><a class="row-link" href="${href}">${r.id}</a>${r.parentRunId ? html` <span class="tag" title="Nested run of ${r.parentRunId}">nested</span>` : ''}</td>
  <td><a class="plain" href="${ctx.base}/${filterQuery(params, { workflow: r.workflowId })}" tabindex="-1">${r.workflowId}</a></td>
  <td class="mono muted" title="${r.definitionHash}">${labels.get(r.definitionHash) ?? shortHash(r.definitionHash)}</td>
  <td title="${formatTime(r.createdAt)} UTC" class="nowrap">${formatAgo(r.createdAt, ctx.now)}</td>
  <td class="num nowrap">${took}</td>
  <td class="err-cell">${r.error ? html`<span class="err-name">${r.error.code ?? r.error.name}</span> ${r.error.message}` : ''}</td>
</tr>`;
  });
  const body = html`
<div class="page-head">
  <h1>Runs <span class="muted small">${formatInt(facets.total)} in store</span></h1>
</div>
<form class="filters" method="get" action="${ctx.base}/" role="search" data-autosubmit>
  <div class="chips" role="group" aria-label="Status">${chips}</div>
  ${filter.status ? html`<input type="hidden" name="status" value="${filter.status.join(',')}">` : ''}
  <div class="fields">
    <label><span>Workflow</span><select name="workflow" data-filter="workflow"><option value="">All workflows</option>${facets.workflows.map(
      (w) => html`<option value="${w}"${w === filter.workflowId ? ' selected' : ''}>${w}</option>`,
    )}</select></label>
    <label><span>Version</span><input name="version" list="versions" value="${filter.version ?? ''}" placeholder="label or hash" size="10" data-filter="version"><datalist id="versions">${versions.map(
      (v) =>
        html`<option value="${v.label ?? shortHash(v.hash)}">${v.workflowId}${v.label ? ` ${shortHash(v.hash)}` : ''} · last run ${formatTime(v.lastAt)} UTC</option>`,
    )}</datalist></label>
    <label><span>Time</span><select name="range" data-filter="range">${RANGE_OPTIONS.map(
      ([v, l]) => html`<option value="${v}"${v === range ? ' selected' : ''}>${l}</option>`,
    )}</select></label>
    <label class="grow"><span>Search</span><input type="search" name="q" value="${filter.q ?? ''}" placeholder="run id, workflow, input or error text   ( / )" data-filter="q" autocomplete="off"></label>
    <button type="submit" class="btn">Apply</button>
    ${hasFilter ? html`<a class="btn ghost" href="${ctx.base}/">Clear</a>` : ''}
  </div>
</form>
${
  page.runs.length === 0
    ? html`<div class="empty"><p><strong>No runs${hasFilter ? ' match these filters' : ' yet'}.</strong></p><p class="muted">${
        hasFilter
          ? 'Widen the time range or clear the filters.'
          : html`Start a workflow with <code>engine.run(wf).start({ input })</code> on this store and it shows up here.`
      }</p></div>`
    : html`<table class="grid runs" data-keynav>
<thead><tr><th scope="col">Status</th><th scope="col">Run</th><th scope="col">Workflow</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col" class="num">Duration</th><th scope="col">Error</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}
${
  page.searchedSince !== undefined
    ? html`<p class="muted small search-note">Searched the newest ${formatInt(SEARCH_WINDOW)} runs (since ${formatTime(page.searchedSince)} UTC). <a href="${ctx.base}/${filterQuery(params, { deep: '1' })}">Search all runs</a> (slower).</p>`
    : ''
}
<nav class="pager" aria-label="Pages">
  ${page.prev ? html`<a class="btn ghost" rel="prev" href="${ctx.base}/${filterQuery(params, { before: page.prev })}">← Newer</a>` : html`<span class="btn ghost disabled" aria-disabled="true">← Newer</span>`}
  ${page.prev ? html`<a class="btn ghost" href="${ctx.base}/${filterQuery(params, {})}">Newest</a>` : ''}
  ${page.next ? html`<a class="btn ghost" rel="next" href="${ctx.base}/${filterQuery(params, { after: page.next })}">Older →</a>` : html`<span class="btn ghost disabled" aria-disabled="true">Older →</span>`}
  <span class="muted small keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>/</kbd> search</span>
</nav>`;
  return layout(ctx, 'Runs', 'runs', body);
}
