/**
 * Output piped into a command that stops reading (`weft runs list | head -1`): the next write to
 * stdout fails with EPIPE. That is not an error of the CLI — the reader has what it wanted — so the
 * process ends at once with code 0 and nothing on stderr, like Unix tools do.
 */

/** A stream that reports write errors as `'error'` events (`process.stdout`). */
export interface ErrorEmitter {
  /** Subscribes to the stream's write errors. */
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Ends the process quietly (code 0) when `stream` reports EPIPE; other errors are rethrown.
 *
 * @example
 * ```ts
 * exitQuietlyOnBrokenPipe(process.stdout);
 * ```
 */
export function exitQuietlyOnBrokenPipe(
  stream: ErrorEmitter,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (error) => {
    if (error?.code === 'EPIPE') exit(0);
    else throw error;
  });
}
