/**
 * The run timeline: a Gantt view of step attempts. One row per step path (parallel arms, foreach
 * items and dag tasks each get their own row, so work that ran at the same time shows side by
 * side), one bar per attempt, positioned on a shared time axis from the run's start.
 */
import type { RunRecord, StepRecord } from '@weft/workflow';
import { formatDuration, formatTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/** One bar: an attempt of a step. */
export interface TimelineBar {
  attempt: number;
  status: string;
  start: number;
  end: number;
  /** True when the attempt has not ended (running, or waiting while suspended). */
  open: boolean;
  /** Position and width on the axis, in percent of the timeline's span. */
  left: number;
  width: number;
  error?: string;
}

/** One row: every attempt at one step path. */
export interface TimelineRow {
  path: string;
  /** Path of the enclosing composite (`review` for `review/lint`), '' at top level. */
  parent: string;
  /** Last path segment. */
  leaf: string;
  depth: number;
  bars: TimelineBar[];
}

/** Rows drawn at most; a bigger run (a foreach over thousands of items) says how many were left out. */
export const TIMELINE_ROWS = 400;

/** A computed timeline. */
export interface Timeline {
  start: number;
  end: number;
  rows: TimelineRow[];
  /** Step paths not drawn (beyond {@link TIMELINE_ROWS}); their time still counts in the axis. */
  hidden: number;
  /** Axis ticks: offset from start (ms) and position (%). */
  ticks: { offset: number; left: number }[];
}

const ACTIVE = new Set(['running', 'queued', 'suspended']);

/** Lays the run's attempts out on a time axis. Pure: the same input gives the same geometry. */
export function computeTimeline(run: RunRecord, steps: readonly StepRecord[], now: number): Timeline {
  const runActive = ACTIVE.has(run.status);
  const start = Math.min(run.createdAt, ...steps.map((s) => s.startedAt));
  const ends = steps.map((s) => s.endedAt ?? (runActive ? now : run.updatedAt));
  const end = Math.max(start + 1, runActive ? now : run.updatedAt, ...ends);
  const span = end - start;
  const byPath = new Map<string, StepRecord[]>();
  for (const s of steps) {
    const list = byPath.get(s.path) ?? [];
    list.push(s);
    byPath.set(s.path, list);
  }
  const rows: TimelineRow[] = [];
  for (const [path, attempts] of byPath) {
    attempts.sort((a, b) => a.attempt - b.attempt);
    const cut = path.lastIndexOf('/');
    rows.push({
      path,
      parent: cut === -1 ? '' : path.slice(0, cut),
      leaf: cut === -1 ? path : path.slice(cut + 1),
      depth: path.split('/').length - 1,
      bars: attempts.map((s) => {
        const open = s.endedAt === undefined;
        const e = s.endedAt ?? (runActive ? now : Math.max(s.startedAt, run.updatedAt));
        const left = ((s.startedAt - start) / span) * 100;
        const width = Math.max(0.35, ((e - s.startedAt) / span) * 100);
        const bar: TimelineBar = {
          attempt: s.attempt,
          status: s.status,
          start: s.startedAt,
          end: e,
          open,
          left: Math.min(left, 99.65),
          width: Math.min(width, 100 - Math.min(left, 99.65)),
        };
        if (s.error) bar.error = `${s.error.name}: ${s.error.message}`;
        return bar;
      }),
    });
  }
  const firstStart = (r: TimelineRow) => r.bars[0]?.start ?? 0;
  rows.sort((a, b) => firstStart(a) - firstStart(b) || (a.path < b.path ? -1 : 1));
  const step = niceStep(span / 5);
  const ticks: Timeline['ticks'] = [];
  for (let t = 0; t <= span && ticks.length < 12; t += step) ticks.push({ offset: t, left: (t / span) * 100 });
  const hidden = Math.max(0, rows.length - TIMELINE_ROWS);
  return { start, end, rows: hidden ? rows.slice(0, TIMELINE_ROWS) : rows, ticks, hidden };
}

function niceStep(raw: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** Renders the timeline (also served alone as a fragment for live updates). */
export function timelineView(t: Timeline): SafeHtml {
  if (t.rows.length === 0) return html`<div class="empty small"><p class="muted">No step has started yet.</p></div>`;
  const span = t.end - t.start;
  return html`<div class="timeline" role="table" aria-label="Step attempts over time" data-span="${span}">
<div class="tl-row tl-axis" role="row"><div class="tl-label" role="columnheader">Step</div><div class="tl-track" role="columnheader" aria-label="Time from run start">${t.ticks.map(
    (k) =>
      html`<span class="tl-tick" style="left:${k.left.toFixed(3)}%">${k.offset === 0 ? '0' : `+${formatDuration(k.offset)}`}</span>`,
  )}</div><div class="tl-dur" role="columnheader">Took</div></div>
${t.rows.map((r) => {
  const last = r.bars[r.bars.length - 1];
  const total = last ? last.end - (r.bars[0]?.start ?? last.start) : 0;
  return html`<div class="tl-row" role="row" data-path="${r.path}">
  <div class="tl-label" role="rowheader" style="padding-left:${(0.5 + r.depth * 0.9).toFixed(1)}rem" title="${r.path}">${r.parent ? html`<span class="tl-parent">${r.parent}/</span>` : ''}<span class="tl-leaf">${r.leaf}</span>${r.bars.length > 1 ? html`<span class="tag">${r.bars.length} attempts</span>` : ''}</div>
  <div class="tl-track" role="cell">${t.ticks.map((k) => html`<span class="tl-grid" style="left:${k.left.toFixed(3)}%"></span>`)}${r.bars.map(
    (b) =>
      html`<span class="tl-bar s-${b.status}${b.open ? ' open' : ''}" tabindex="0" data-attempt="${b.attempt}" data-status="${b.status}" style="left:${b.left.toFixed(3)}%;width:${b.width.toFixed(3)}%" title="${r.path} · attempt ${b.attempt} · ${b.status} · ${formatDuration(b.end - b.start)}${b.open ? ' so far' : ''} · started ${formatTime(b.start)} UTC${b.error ? ` · ${b.error}` : ''}" aria-label="${r.path} attempt ${b.attempt}: ${b.status}, ${formatDuration(b.end - b.start)}"></span>`,
  )}</div>
  <div class="tl-dur num" role="cell">${formatDuration(total)}${last?.open ? '…' : ''}</div>
</div>`;
})}
${t.hidden ? html`<p class="muted small tl-more">${t.hidden} more step paths are not drawn (the first ${TIMELINE_ROWS} by start time are); the steps table lists every attempt.</p>` : ''}
</div>`;
}
