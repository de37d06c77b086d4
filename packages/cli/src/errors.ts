/** Errors of the `weft` command line. */
import { WeftError } from '@weft/workflow';

/**
 * A command line that cannot be run as given: unknown command, missing argument, bad flag value.
 * The CLI prints its message with the usage and exits with code 2.
 *
 * @example
 * ```ts
 * try { parseLimit('ten'); } catch (err) { if (err instanceof CliUsageError) console.error(err.message); }
 * ```
 */
export class CliUsageError extends WeftError {
  constructor(message: string) {
    super('WEFT_CLI_USAGE', message);
  }
}

/**
 * Something asked for by id does not exist in the store (a run or an approval).
 * The CLI prints its message and exits with code 1.
 */
export class CliNotFoundError extends WeftError {
  /** What was looked up: `'run'`, `'approval'` or `'schedule'`. */
  readonly kind: string;
  /** The id that was not found. */
  readonly id: string;

  constructor(kind: string, id: string, storeUrl: string) {
    super(
      'WEFT_CLI_NOT_FOUND',
      `No ${kind} with id "${id}" in the store at ${storeUrl}. List them with \`weft ${kind === 'run' ? 'runs list' : kind === 'schedule' ? 'schedules list' : 'approvals list --all'}\`, or point --db / WEFT_DB_URL at the store your app uses.`,
    );
    this.kind = kind;
    this.id = id;
  }

  override details(): Record<string, unknown> {
    return { kind: this.kind, id: this.id };
  }
}

/** The store URL points to a local file that does not exist (nothing has run there yet). */
export class StoreMissingError extends WeftError {
  /** The store URL that was given. */
  readonly url: string;
  /** The absolute path of the missing file. */
  readonly file: string;

  constructor(url: string, file: string) {
    super(
      'WEFT_CLI_NO_STORE',
      `No Weft store at ${file} (from ${url}). Run a workflow first (e.g. \`npm run demo\`), or point --db / WEFT_DB_URL at your app's store (file:path.db or postgres://…).`,
    );
    this.url = url;
    this.file = file;
  }

  override details(): Record<string, unknown> {
    return { url: this.url, file: this.file };
  }
}
