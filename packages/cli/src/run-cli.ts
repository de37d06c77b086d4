/** The `weft` command line: parses argv, opens the store, dispatches to a command, maps errors to exit codes. */
import { parseArgs } from 'node:util';
import { WeftError } from '@weft/workflow';
import { runsList, runsShow } from './commands/runs.js';
import { type CliIo, createContext, localFileOf } from './context.js';
import { CliUsageError } from './errors.js';

/** The usage text printed by `weft --help`. */
export const USAGE = `Usage: weft <command> [options]

Commands:
  runs list [--status s[,s]] [--workflow id] [--limit n]   runs, newest first
  runs show <run-id>                                       steps, timings, outputs, waits, events, logs
  runs tail <run-id>                                       events and log lines as they come, until the run ends
  runs watch [--status s[,s]] [--since 10m|date] [--workflow id]
                                                           runs as they start and change status (Ctrl+C stops)
  runs cancel <run-id> [--reason text]                     cancel a queued, running, suspended or parked run
  runs retry <run-id> [--from step-path]                   queue a failed or canceled run to run again in place
  runs migrate <run-id> [--to version|hash] [--actor name] [--reason text]
                                                           move a parked run to another definition
  approvals list [--all] [--workflow id]                   pending approval gates (every one with --all)
  approvals show <id>                                      one gate: approvers, votes, payload, audit log
  approvals approve <id> [--actor name] [--comment text]   approve a gate
  approvals reject <id> [--actor name] [--comment text]    reject a gate
  schedules list [--workflow id]                           schedules: cron/interval, next tick, paused
  schedules pause|resume|delete|trigger <schedule-id>      control one schedule (trigger: run it now)
  llm usage --run <run-id>                                 a run's LLM calls, tokens, cost, latency, fallbacks per step
  eval <files…> | eval compare <a> <b> [options]           run evals / compare runs (weft eval --help)
  studio [--port 4400] [--host 127.0.0.1]                  Weft Studio: runs, timelines, approvals, LLM cost in a browser

Options:
  --db <url>   the Weft store: file:path.db (libsql) or postgres://…[?schema=name]
               default $WEFT_DB_URL, else file:.weft/weft.db under the current directory
  --json       print JSON instead of tables (tail and watch: one JSON object per line)
  -h, --help   this help        -v, --version   the CLI's version

Output piped into a command that stops reading (\`weft runs list | head -1\`) ends quietly with 0.
Exit codes: 0 ok · 1 failed (not found, refused, a failed eval threshold; tail: the run failed or
was canceled) · 2 usage error.`;

const OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  status: { type: 'string' },
  workflow: { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
  actor: { type: 'string' },
  comment: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  since: { type: 'string' },
  run: { type: 'string' },
  interval: { type: 'string' },
} as const;

/** The CLI's version (kept in step with package.json by the release). */
export const VERSION = '0.1.0';

/** Splits off `--db` (which `weft eval` shares) from the arguments that follow `eval`. */
function splitEval(argv: readonly string[]): { db?: string; rest: string[] } {
  const rest: string[] = [];
  let db: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--db') db = argv[++i];
    else if (a.startsWith('--db=')) db = a.slice(5);
    else rest.push(a);
  }
  return db === undefined ? { rest } : { db, rest };
}

/**
 * Runs the `weft` command line with `argv` (without the node and script paths) and resolves to
 * the exit code; it never calls `process.exit`, so it can run in-process (tests, other tools).
 *
 * @example
 * ```ts
 * import { runCli } from '@weft/cli';
 *
 * process.exitCode = await runCli(['runs', 'list', '--status', 'failed', '--limit', '5']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  const stdout = io.stdout ?? process.stdout;
  if (argv[0] === 'eval') {
    const { db, rest } = splitEval(argv.slice(1));
    const ctx = createContext(io, db);
    const file = localFileOf(ctx.dbUrl, ctx.cwd);
    const url = file === undefined ? ctx.dbUrl : `file:${file}`;
    // Loaded on demand: `weft runs …` should not pay for loading the eval and AI SDK modules.
    const { evalCommand } = await import('./commands/eval.js');
    return evalCommand({ ...ctx, dbUrl: url }, rest, { stdout, stderr });
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    stdout.write(`weft ${VERSION}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    (values.help ? stdout : stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const ctx = createContext(io, values.db);
  const [group, action, id, ...extra] = positionals;
  try {
    if (extra.length > 0) throw new CliUsageError(`Unexpected arguments: ${extra.join(' ')}.`);
    const json = values.json === true;
    if (group === 'runs' && action === 'list' && id === undefined) return await runsList(ctx, { ...values, json });
    if (group === 'runs' && action === 'show') return await runsShow(ctx, id, { json });
    if (group === 'runs' && (action === 'cancel' || action === 'retry')) {
      const { runsCancel, runsRetry } = await import('./commands/runs-control.js');
      return action === 'cancel'
        ? await runsCancel(ctx, id, { ...values, json })
        : await runsRetry(ctx, id, { ...values, json });
    }
    if (group === 'runs' && (action === 'tail' || (action === 'watch' && id === undefined))) {
      const { runsTail, runsWatch } = await import('./commands/runs-live.js');
      const live = { ...values, json, ...(io.signal ? { signal: io.signal } : {}) };
      return action === 'tail' ? await runsTail(ctx, id, live) : await runsWatch(ctx, live);
    }
    if (group === 'llm' && id === undefined) {
      const { llmUsage } = await import('./commands/llm.js');
      return await llmUsage(ctx, action, { ...values, json });
    }
    if (group === 'runs' && action === 'migrate') {
      const { runsMigrate } = await import('./commands/migrate.js');
      return await runsMigrate(ctx, id, { ...values, json });
    }
    if (group === 'approvals' && action === 'list' && id === undefined) {
      const { approvalsList } = await import('./commands/approvals.js');
      return await approvalsList(ctx, { ...values, json });
    }
    if (group === 'approvals' && action === 'show') {
      const { approvalsShow } = await import('./commands/approvals.js');
      return await approvalsShow(ctx, id, { ...values, json });
    }
    if (group === 'approvals' && (action === 'approve' || action === 'reject')) {
      const { approvalsDecide } = await import('./commands/approvals.js');
      return await approvalsDecide(ctx, action, id, { ...values, json });
    }
    if (group === 'studio' && action === undefined) {
      const { studioCommand } = await import('./commands/studio.js');
      return await studioCommand(ctx, { ...values, json, ...(io.signal ? { signal: io.signal } : {}) });
    }
    if (group === 'schedules') {
      const { schedulesAct, schedulesList } = await import('./commands/schedules.js');
      if (action === 'list' && id === undefined) return await schedulesList(ctx, { ...values, json });
      if (action === 'pause' || action === 'resume' || action === 'delete' || action === 'trigger')
        return await schedulesAct(ctx, action, id, { json });
    }
    throw new CliUsageError(`Unknown command "${positionals.join(' ')}".`);
  } catch (err) {
    if (err instanceof CliUsageError) {
      stderr.write(`${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof WeftError) {
      stderr.write(`${err.message}${values.json ? `\n${JSON.stringify(err.toJSON())}` : ''}\n`);
      return 1;
    }
    stderr.write(`weft: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
