/**
 * `weft runs cancel <id>` and `weft runs retry <id> [--from step]`: control a run from a terminal,
 * with nothing but the store. Cancel is `engine.cancel`'s write (the process executing the run
 * sees it on its next lease renewal); retry is `engine.restart` without workflow code here: the
 * run is queued again with its `run:restart` event, and a worker (or `engine.recover()`) that has
 * the workflow registered runs it from its failure or from `--from`.
 */
import { cancelStoredRun, queueRestart } from '@weft/workflow';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';

/** Options of `weft runs cancel`. */
export interface RunsCancelOptions {
  reason?: string;
  actor?: string;
  json?: boolean;
}

/** Cancels one run (queued, running, suspended or parked); a finished run is left as it is. */
export async function runsCancel(
  ctx: CommandContext,
  id: string | undefined,
  opts: RunsCancelOptions,
): Promise<number> {
  if (!id) throw new CliUsageError('Expected a run id: `weft runs cancel <id> [--reason text]`.');
  const store = await ctx.store();
  const before = await store.getRun(id);
  if (!before) throw new CliNotFoundError('run', id, ctx.dbUrl);
  const actor = opts.actor ?? ctx.env.WEFT_ACTOR ?? ctx.env.USER ?? 'cli';
  const reason = opts.reason ?? `canceled with the weft CLI by ${actor}`;
  const canceled = await cancelStoredRun(store, id, reason);
  const after = await store.getRun(id);
  if (opts.json) {
    ctx.out(JSON.stringify({ runId: id, canceled, previous: before.status, status: after?.status, reason }, null, 2));
    return 0;
  }
  if (!canceled) {
    ctx.out(`${id}: already ${after?.status ?? before.status} — nothing to cancel.`);
    return 0;
  }
  ctx.out(`${id}: canceled (was ${before.status}) — "${reason}".`);
  if (before.status === 'running')
    ctx.out('The process executing it stops its steps at its next lease renewal (their signal aborts).');
  return 0;
}

/** Options of `weft runs retry`. */
export interface RunsRetryOptions {
  from?: string;
  json?: boolean;
}

/** Queues a failed or canceled run to run again in place (from its failure, or from `--from`). */
export async function runsRetry(ctx: CommandContext, id: string | undefined, opts: RunsRetryOptions): Promise<number> {
  if (!id) throw new CliUsageError('Expected a run id: `weft runs retry <id> [--from step-path]`.');
  const store = await ctx.store();
  const before = await store.getRun(id);
  if (!before) throw new CliNotFoundError('run', id, ctx.dbUrl);
  await queueRestart(store, id, opts.from === undefined ? {} : { from: opts.from });
  if (opts.json) {
    ctx.out(JSON.stringify({ runId: id, previous: before.status, status: 'queued', from: opts.from ?? null }, null, 2));
    return 0;
  }
  ctx.out(
    `${id}: queued to run again ${opts.from ? `from "${opts.from}"` : 'from its failure'} (was ${before.status}); the steps before it keep their results.`,
  );
  ctx.out(
    `A worker or engine.recover() with workflow "${before.workflowId}" registered runs it. Follow it with: weft runs tail ${id}`,
  );
  return 0;
}
