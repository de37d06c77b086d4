/**
 * @weft/cli — the `weft` command line: list and inspect runs, decide approval gates, run evals,
 * all on the same store as your app (`--db`, `WEFT_DB_URL`, default `file:.weft/weft.db`).
 *
 * @packageDocumentation
 */
export { runCli, USAGE, VERSION } from './run-cli.js';
export type { CliIo, OutputStream } from './context.js';
export { CliNotFoundError, CliUsageError, StoreMissingError } from './errors.js';
export { exitQuietlyOnBrokenPipe } from './broken-pipe.js';
export type { ErrorEmitter } from './broken-pipe.js';
