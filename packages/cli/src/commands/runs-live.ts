/**
 * `weft runs tail <id>` (a run's events and log lines as they are stored, until it finishes) and
 * `weft runs watch` (runs as they start and change status, with `--since` / `--status`). Both
 * poll the store (any process may be writing it) and stop on Ctrl+C. `--json` prints one JSON
 * object per line.
 */
import type { RunRecord } from '@weft/workflow';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';
import { eventLine } from '../format/events.js';
import { duration, preview, timestamp } from '../format/text.js';
import { parseStatuses } from './runs.js';

/** Options of the live commands. */
export interface LiveOptions {
  status?: string;
  since?: string;
  workflow?: string;
  json?: boolean;
  /** Poll interval in ms (default 250 for tail, 500 for watch). */
  interval?: string;
  /** Stops the command (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
}

const FINISHED = new Set(['success', 'failed', 'canceled']);
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from `now` (`30s`, `10m`, `2h`, `7d`) or a date (`2026-12-03T10:00Z`). */
export function parseSince(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/.exec(value.trim());
  if (m) return now - Number(m[1]) * (UNITS[m[2] as string] as number);
  const at = Date.parse(value);
  if (Number.isFinite(at)) return at;
  throw new CliUsageError(
    `Expected --since to be a duration back from now (30s, 10m, 2h, 7d) or a date (2026-12-03T10:00Z), got "${value}".`,
  );
}

function interval(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10)
    throw new CliUsageError(`Expected --interval to be milliseconds (10 or more), got "${value}".`);
  return n;
}

/** Aborts on SIGINT, SIGTERM or `signal`; `dispose()` removes the handlers. */
function stopper(signal: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  return {
    signal: ac.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
    },
  };
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Prints a run's stored events as they come, until the run succeeds, fails or is canceled. */
export async function runsTail(ctx: CommandContext, id: string | undefined, opts: LiveOptions): Promise<number> {
  if (!id) throw new CliUsageError('Expected a run id: `weft runs tail <id>` (ids are listed by `weft runs list`).');
  const every = interval(opts.interval, 250);
  const store = await ctx.store();
  let run = await store.getRun(id);
  if (!run) throw new CliNotFoundError('run', id, ctx.dbUrl);
  const stop = stopper(opts.signal);
  let seq = 0;
  let waitingNoted = false;
  if (!opts.json)
    ctx.out(`run ${run.id} · workflow ${run.workflowId} · ${run.status} · started ${timestamp(run.createdAt)}`);
  try {
    for (;;) {
      // Read the status first: events written before a final status are then all read below.
      run = (await store.getRun(id)) ?? run;
      const events = await store.readEvents(id, seq);
      for (const e of events) {
        seq = e.seq;
        ctx.out(opts.json ? JSON.stringify(e) : eventLine(e, run.createdAt));
      }
      if (FINISHED.has(run.status)) break;
      if (run.status === 'suspended' && !waitingNoted && !opts.json) {
        waitingNoted = true;
        const waits = await store.listSuspensions(id);
        ctx.out(
          `(waiting at ${waits.map((w) => `${w.path}${w.eventName ? ` for "${w.eventName}"` : ''}`).join(', ') || 'a step'} — still following; Ctrl+C to stop)`,
        );
      } else if (run.status !== 'suspended') waitingNoted = false;
      if (stop.signal.aborted) return 0;
      await pause(every, stop.signal);
      if (stop.signal.aborted) return 0;
    }
  } finally {
    stop.dispose();
  }
  if (!opts.json)
    ctx.out(
      `run ${run.id} ${run.status} after ${duration(run.updatedAt - run.createdAt)}${run.error ? ` — ${run.error.name}: ${run.error.message}` : ''}`,
    );
  return run.status === 'success' ? 0 : 1;
}

/** Prints runs as they appear and change status, newest activity last, until Ctrl+C. */
export async function runsWatch(ctx: CommandContext, opts: LiveOptions): Promise<number> {
  const status = parseStatuses(opts.status);
  const since = parseSince(opts.since);
  const every = interval(opts.interval, 500);
  const store = await ctx.store();
  const stop = stopper(opts.signal);
  const seen = new Map<string, string>();
  if (!opts.json)
    ctx.out(
      `watching runs in ${ctx.dbUrl}${status ? ` · status ${status.join(',')}` : ''}${opts.workflow ? ` · workflow ${opts.workflow}` : ''}${since !== undefined ? ` · since ${timestamp(since)}` : ''} (Ctrl+C to stop)`,
    );
  try {
    while (!stop.signal.aborted) {
      const page = await store.listRuns({
        ...(status ? { status } : {}),
        ...(opts.workflow ? { workflowId: opts.workflow } : {}),
        ...(since !== undefined ? { createdAfter: since } : {}),
        limit: 200,
      });
      const changed: RunRecord[] = [];
      for (const r of page.runs) {
        const key = `${r.status}:${r.updatedAt}`;
        if (seen.get(r.id) === key) continue;
        seen.set(r.id, key);
        changed.push(r);
      }
      changed.sort((a, b) => a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1));
      for (const r of changed)
        ctx.out(
          opts.json
            ? JSON.stringify({
                id: r.id,
                workflowId: r.workflowId,
                status: r.status,
                createdAt: r.createdAt,
                updatedAt: r.updatedAt,
              })
            : `${timestamp(r.updatedAt)}  ${r.id}  ${r.workflowId.padEnd(16)} ${r.status.padEnd(9)} ${duration(r.updatedAt - r.createdAt)}${r.error ? `  ${r.error.name}: ${preview(r.error.message, 60)}` : ''}`,
        );
      await pause(every, stop.signal);
    }
  } finally {
    stop.dispose();
  }
  return 0;
}
