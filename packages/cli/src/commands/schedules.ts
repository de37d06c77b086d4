/** `weft schedules list|pause|resume|delete|trigger`: the schedules stored in the Weft store. */
import { createEngine, type ScheduleRecord } from '@weft/workflow';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';
import { table, timestamp } from '../format/text.js';

function spec(s: ScheduleRecord): string {
  if (s.cron !== undefined) return `cron ${s.cron}${s.timezone ? ` (${s.timezone})` : ''}`;
  return `every ${s.every} ms`;
}
const missed = (s: ScheduleRecord) => (typeof s.missed === 'string' ? s.missed : `catchUp ${s.missed.catchUp}`);

async function schedulesOf(ctx: CommandContext) {
  const engine = createEngine({ store: await ctx.store() });
  return engine.schedules;
}

/** Lists schedules (of one workflow with `--workflow`). */
export async function schedulesList(ctx: CommandContext, opts: { workflow?: string; json?: boolean }): Promise<number> {
  const list = await (await schedulesOf(ctx)).list(opts.workflow);
  if (opts.json) {
    ctx.out(JSON.stringify(list, null, 2));
    return 0;
  }
  if (list.length === 0) {
    ctx.out(`No schedules${opts.workflow ? ` of workflow ${opts.workflow}` : ''} in ${ctx.dbUrl}.`);
    return 0;
  }
  ctx.out(
    table(
      ['id', 'workflow', 'when', 'missed', 'state', 'next', 'source'],
      list.map((s) => [
        s.id,
        s.workflowId,
        spec(s),
        missed(s),
        s.paused ? 'paused' : 'active',
        s.paused ? '—' : timestamp(s.nextAt),
        s.source,
      ]),
    ),
  );
  ctx.out(`\n${list.length} schedule(s) · store ${ctx.dbUrl}`);
  return 0;
}

/** Pauses, resumes, deletes or triggers one schedule. */
export async function schedulesAct(
  ctx: CommandContext,
  action: 'pause' | 'resume' | 'delete' | 'trigger',
  id: string | undefined,
  opts: { json?: boolean },
): Promise<number> {
  if (!id)
    throw new CliUsageError(
      `Expected a schedule id: \`weft schedules ${action} <id>\` (ids are listed by \`weft schedules list\`).`,
    );
  const schedules = await schedulesOf(ctx);
  const found = await schedules.get(id);
  if (!found) throw new CliNotFoundError('schedule', id, ctx.dbUrl);
  let result: unknown;
  let text: string;
  if (action === 'pause') {
    result = await schedules.pause(id);
    text = `Paused ${id}.`;
  } else if (action === 'resume') {
    const rec = await schedules.resume(id);
    result = rec;
    text = `Resumed ${id}; next tick ${timestamp(rec.nextAt)}.`;
  } else if (action === 'delete') {
    result = { deleted: await schedules.delete(id) };
    text = `Deleted ${id}.${found.source === 'code' ? ' It is declared in code: it comes back when a worker registers its workflow.' : ''}`;
  } else {
    result = { triggered: await schedules.trigger(id) };
    text = `Triggered ${id}: the next worker poll starts a run now.`;
  }
  ctx.out(opts.json ? JSON.stringify(result, null, 2) : text);
  return 0;
}
