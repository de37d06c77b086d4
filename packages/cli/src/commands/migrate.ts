/**
 * `weft runs migrate <run-id>`: moves a parked run (its definition was deployed away and the new one
 * cannot continue it) to another stored definition of its workflow — the newest by default — with
 * an audited `run:migrated` event. Works on the store alone: the target is a definition some engine
 * registered (engines store a snapshot of every definition they run).
 */
import { migrateRun } from '@weft/workflow';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';

/** Options of `weft runs migrate`. */
export interface RunsMigrateOptions {
  /** Target version or definition hash (prefix of 8+ characters). */
  to?: string;
  actor?: string;
  reason?: string;
  json?: boolean;
}

/** Migrates one run; prints what changed. */
export async function runsMigrate(
  ctx: CommandContext,
  id: string | undefined,
  opts: RunsMigrateOptions,
): Promise<number> {
  if (!id)
    throw new CliUsageError(
      'Expected a run id: `weft runs migrate <id> [--to version|hash] [--actor name] [--reason text]` (parked runs: `weft runs list --status parked`).',
    );
  const store = await ctx.store();
  if (!(await store.getRun(id))) throw new CliNotFoundError('run', id, ctx.dbUrl);
  const result = await migrateRun(store, id, {
    ...(opts.to === undefined ? {} : { to: opts.to }),
    actor: opts.actor ?? process.env.USER ?? 'cli',
    ...(opts.reason === undefined ? {} : { reason: opts.reason }),
  });
  if (opts.json) {
    ctx.out(JSON.stringify(result, null, 2));
    return 0;
  }
  ctx.out(
    `${id}: ${result.from.slice(0, 12)} → ${result.to.slice(0, 12)}${result.version ? ` (version ${result.version})` : ''}; status ${result.status}.`,
  );
  if (result.changes.length > 0) {
    ctx.out('Changes for this run (its committed steps keep their stored results):');
    for (const c of result.changes) ctx.out(`  - ${c}`);
  }
  ctx.out(
    result.status === 'suspended'
      ? 'It waits where it was suspended: resume it as before (an approval decided meanwhile continues when the approval service syncs).'
      : 'It is queued: a worker or engine.recover() with that definition registered continues it.',
  );
  return 0;
}
