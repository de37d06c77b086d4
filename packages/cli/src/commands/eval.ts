/** `weft eval …`: delegates to @weft/eval's CLI, on the same store as every other command. */
import { runEvalCli } from '@weft/eval';
import { createStore } from '@weft/workflow';
import { type CommandContext, localFileOf, postgresOptions } from '../context.js';

/** Runs `weft eval <argv…>`; the eval history goes to the CLI's store unless `--store` is given. */
export async function evalCommand(
  ctx: CommandContext,
  argv: readonly string[],
  io: { stdout?: unknown; stderr?: unknown },
): Promise<number> {
  const hasStore = argv.some((a) => a === '--store' || a.startsWith('--store='));
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const args = hasStore || wantsHelp ? [...argv] : [...argv, '--store', ctx.dbUrl];
  return runEvalCli(args, {
    ...(io as Parameters<typeof runEvalCli>[1]),
    cwd: ctx.cwd,
    env: ctx.env,
    // The same URL rules as `weft runs`: relative files against the cwd, `?schema=` for Postgres.
    openStore: async (url) => {
      const file = localFileOf(url, ctx.cwd);
      return createStore(file !== undefined ? { url: `file:${file}` } : postgresOptions(url));
    },
  });
}
