/** `weft runs list` and `weft runs show <id>`: what ran, how long each step took, what it returned. */
import type { RunStatus } from '@weft/workflow';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';
import { duration, preview, table, timestamp } from '../format/text.js';
import { eventLine } from '../format/events.js';

const STATUSES: readonly RunStatus[] = ['queued', 'running', 'suspended', 'parked', 'success', 'failed', 'canceled'];

/** Options of `weft runs list`. */
export interface RunsListOptions {
  status?: string;
  workflow?: string;
  limit?: string;
  json?: boolean;
}

/** Parses `--status a,b` against the run statuses. */
export function parseStatuses(value: string | undefined): RunStatus[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list) {
    if (!STATUSES.includes(s as RunStatus)) {
      throw new CliUsageError(`Expected --status to be one of ${STATUSES.join(', ')} (comma-separated), got "${s}".`);
    }
  }
  return list as RunStatus[];
}

/** Parses a positive integer flag. */
export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliUsageError(`Expected --limit to be a whole number from 1 up, got "${value}".`);
  return n;
}

/** Lists runs, newest first. */
export async function runsList(ctx: CommandContext, opts: RunsListOptions): Promise<number> {
  const status = parseStatuses(opts.status);
  const limit = parseLimit(opts.limit, 20);
  const store = await ctx.store();
  const page = await store.listRuns({
    ...(status ? { status } : {}),
    ...(opts.workflow ? { workflowId: opts.workflow } : {}),
    limit,
  });
  if (opts.json) {
    ctx.out(JSON.stringify(page.runs, null, 2));
    return 0;
  }
  if (page.runs.length === 0) {
    ctx.out(`No runs${status || opts.workflow ? ' match these filters' : ''} in ${ctx.dbUrl}.`);
    return 0;
  }
  ctx.out(
    table(
      ['id', 'workflow', 'status', 'created', 'duration'],
      page.runs.map((r) => [r.id, r.workflowId, r.status, timestamp(r.createdAt), duration(r.updatedAt - r.createdAt)]),
    ),
  );
  ctx.out(`\n${page.runs.length} run(s)${page.nextCursor ? ` (more: --limit ${limit * 2})` : ''} · store ${ctx.dbUrl}`);
  return 0;
}

/** Tie-break for events in the same millisecond: starts first, run endings last. */
function order(type: string): number {
  if (type === 'run:start' || type === 'run:resume') return 0;
  if (type === 'step:start' || type === 'step:resume') return 1;
  if (type.startsWith('run:')) return 3;
  return 2;
}

/** Shows one run: its record, every step attempt with timings and outputs, open suspensions, events. */
export async function runsShow(ctx: CommandContext, id: string | undefined, opts: { json?: boolean }): Promise<number> {
  if (!id) throw new CliUsageError('Expected a run id: `weft runs show <id>` (ids are listed by `weft runs list`).');
  const store = await ctx.store();
  const run = await store.getRun(id);
  if (!run) throw new CliNotFoundError('run', id, ctx.dbUrl);
  const [steps, suspensions, events] = await Promise.all([
    store.listSteps(id),
    store.listSuspensions(id),
    store.readEvents(id),
  ]);
  if (opts.json) {
    ctx.out(JSON.stringify({ run, steps, suspensions, events }, null, 2));
    return 0;
  }
  ctx.out(`run ${run.id}`);
  ctx.out(`  workflow   ${run.workflowId} (definition ${run.definitionHash.slice(0, 12)})`);
  ctx.out(`  status     ${run.status}`);
  ctx.out(
    `  created    ${timestamp(run.createdAt)} · updated ${timestamp(run.updatedAt)} · ${duration(run.updatedAt - run.createdAt)}`,
  );
  ctx.out(`  input      ${preview(run.input, 100)}`);
  if (run.output !== undefined) ctx.out(`  output     ${preview(run.output, 100)}`);
  if (run.error)
    ctx.out(`  error      ${run.error.name}${run.error.code ? ` [${run.error.code}]` : ''}: ${run.error.message}`);
  ctx.out(`\nsteps (${steps.length})`);
  if (steps.length > 0) {
    ctx.out(
      table(
        ['path', 'attempt', 'status', 'duration', 'output'],
        steps.map((s) => [
          s.path,
          String(s.attempt),
          s.status,
          duration(s.endedAt === undefined ? undefined : s.endedAt - s.startedAt),
          s.error ? `${s.error.name}: ${preview(s.error.message, 60)}` : preview(s.output, 60),
        ]),
      ),
    );
  }
  if (suspensions.length > 0) {
    ctx.out(`\nwaiting at (${suspensions.length})`);
    for (const s of suspensions) {
      ctx.out(`  ${s.path}${s.eventName ? ` · event "${s.eventName}"` : ''} · since ${timestamp(s.createdAt)}`);
    }
    if (suspensions.some((s) => s.eventName === 'approval')) ctx.out('  decide with: weft approvals list');
  }
  const logs = events.filter((e) => e.type === 'log' || e.type === 'log:truncated' || e.type === 'step:lost');
  if (logs.length > 0) {
    ctx.out(`\nlogs and lost attempts (${logs.length})`);
    for (const e of logs) ctx.out(`  ${eventLine(e, run.createdAt)}`);
  }
  // The engine stores run-level events and step failures, suspensions and custom events; a plain
  // step success is its step row. The timeline merges both, so every step shows up in order.
  const timeline = [
    ...events.map((e) => ({
      seq: String(e.seq),
      at: e.at,
      type: e.type,
      path: e.path ?? '',
      data: preview(e.data, 50),
    })),
    ...steps.flatMap((s) => {
      const has = (type: string) => events.some((e) => e.type === type && e.path === s.path);
      const rows = [];
      if (!has('step:start')) rows.push({ seq: '·', at: s.startedAt, type: 'step:start', path: s.path, data: '' });
      const end = `step:${s.status}`;
      if (s.endedAt !== undefined && s.status !== 'running' && !has(end)) {
        rows.push({ seq: '·', at: s.endedAt, type: end, path: s.path, data: '' });
      }
      return rows;
    }),
  ].sort((a, b) => a.at - b.at || order(a.type) - order(b.type));
  ctx.out(`\nevents (${events.length} stored; · = from a step row)`);
  if (timeline.length > 0) {
    ctx.out(
      table(
        ['seq', '+time', 'type', 'path', 'data'],
        timeline.map((e) => [e.seq, duration(e.at - run.createdAt), e.type, e.path, e.data]),
      ),
    );
  }
  return 0;
}
