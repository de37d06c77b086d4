/**
 * `weft studio [--port n] [--host 127.0.0.1]`: serves Weft Studio over the configured store until
 * SIGINT/SIGTERM. It prints a link carrying a random access token (open it once; it sets a cookie).
 * The CLI has no workflow code: cancel works, and approvals decided in Studio are recorded for the
 * app's approval service to resume (as with `weft approvals approve`).
 */
import type { CommandContext } from '../context.js';
import { CliUsageError } from '../errors.js';

/** Options of `weft studio`. */
export interface StudioOptions {
  port?: string;
  host?: string;
  json?: boolean;
  /** Stops the server (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
}

/** Hides a password in a store URL before it is shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, '$1***@');
}

/** Runs Studio until a signal; resolves to the exit code. */
export async function studioCommand(ctx: CommandContext, opts: StudioOptions): Promise<number> {
  const port = opts.port === undefined ? 4400 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliUsageError(`Expected --port to be a port number (0–65535), got "${opts.port}".`);
  const store = await ctx.store();
  const { startStudio } = await import('@weft/studio');
  const studio = await startStudio({
    store,
    port,
    ...(opts.host ? { host: opts.host } : {}),
    storeLabel: redactUrl(ctx.dbUrl),
    ...(ctx.env.WEFT_STUDIO_TOKEN ? { accessToken: ctx.env.WEFT_STUDIO_TOKEN } : {}),
  });
  if (opts.json) ctx.out(JSON.stringify({ url: studio.url, loginUrl: studio.loginUrl, store: redactUrl(ctx.dbUrl) }));
  else {
    ctx.out(`Weft Studio on ${redactUrl(ctx.dbUrl)}`);
    ctx.out(`  ${studio.loginUrl}`);
    ctx.out('Open the link once (it sets a cookie). Press Ctrl+C to stop.');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (opts.signal?.aborted) stop();
  });
  await studio.close();
  return 0;
}
