/**
 * `weft llm usage --run <id>`: what a run spent on LLM calls, per step — calls, tokens, cost,
 * latency and fallbacks — from the calls `@weft/llm`'s router recorded in `weft_llm_calls` (a
 * usage store on the same database as the runs).
 */
import { createKyselyUsageStore, runUsage, type StepUsage } from '@weft/llm';
import { sql } from 'kysely';
import type { CommandContext } from '../context.js';
import { CliNotFoundError, CliUsageError } from '../errors.js';
import { duration, table } from '../format/text.js';

/** Options of `weft llm usage`. */
export interface LlmUsageOptions {
  run?: string;
  json?: boolean;
}

const usd = (n: number) => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(6)}` : `$${n.toFixed(4)}`);

function row(label: string, u: StepUsage): string[] {
  return [
    label,
    String(u.calls),
    u.failures ? String(u.failures) : '',
    String(u.inputTokens),
    String(u.outputTokens),
    usd(u.costUsd),
    duration(u.calls ? u.latencyMs / u.calls : undefined),
    u.fallbacks ? `${u.fallbacks} (${u.fallbackModels.join(', ')})` : '',
    u.models.join(', '),
  ];
}

/** Prints one run's LLM usage per step (and in total). */
export async function llmUsage(
  ctx: CommandContext,
  action: string | undefined,
  opts: LlmUsageOptions,
): Promise<number> {
  if (action !== 'usage')
    throw new CliUsageError(`Unknown command "llm ${action ?? ''}". Try: weft llm usage --run <id>.`);
  if (!opts.run)
    throw new CliUsageError('Expected --run <run-id>: `weft llm usage --run <id>` (ids: `weft runs list`).');
  const store = await ctx.store();
  const run = await store.getRun(opts.run);
  if (!run) throw new CliNotFoundError('run', opts.run, ctx.dbUrl);
  // A database where no router ever recorded has no table: say so rather than create it.
  const recorded = await sql`select 1 from weft_llm_calls where 1 = 0`.execute(store.db).then(
    () => true,
    () => false,
  );
  const usage = recorded
    ? await runUsage(createKyselyUsageStore({ db: store.db, dialect: store.dialect }), run.id)
    : { runId: run.id, totals: undefined, steps: [] };
  if (opts.json) {
    ctx.out(JSON.stringify({ ...usage, workflowId: run.workflowId, recorded }, null, 2));
    return 0;
  }
  if (!usage.totals || usage.totals.calls === 0) {
    ctx.out(
      `No LLM calls recorded for run ${run.id} in ${ctx.dbUrl}. Calls made through @weft/llm's router with a usage store on this database (createKyselyUsageStore) appear here.`,
    );
    return 0;
  }
  ctx.out(`LLM usage of run ${run.id} (workflow ${run.workflowId})`);
  ctx.out(
    table(
      ['step', 'calls', 'failed', 'in tokens', 'out tokens', 'cost', 'avg latency', 'fallbacks', 'models'],
      [...usage.steps.map((s) => row(s.stepPath ?? '(outside a step)', s)), row('total', usage.totals)],
    ),
  );
  return 0;
}
