/**
 * `startStudio()`: the Studio handler on a node:http server bound to 127.0.0.1, unlocked by a
 * random access token carried in the printed link (like Jupyter's). What `weft studio` runs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StudioConfigError } from '../errors/errors.js';
import { createStudioHandler, type StudioHandlerOptions } from '../http/handler.js';
import { toNodeListener } from '../http/node.js';
import { LOCAL_HOSTS } from '../http/security.js';

/** Options of {@link startStudio}: the handler's, plus where to listen. */
export interface StartStudioOptions extends Omit<StudioHandlerOptions, 'accessToken'> {
  /** Port (default 4400; 0 picks a free one). */
  port?: number;
  /**
   * Interface to bind. Default `127.0.0.1`. Binding anything else exposes Studio to the network:
   * it is refused unless `allowedHosts` names the host names clients will use.
   */
  host?: string;
  /** The access token (default: 24 random bytes). Pass one to keep links stable across restarts. */
  accessToken?: string;
}

/** A running Studio. */
export interface RunningStudio {
  /** Base URL (`http://127.0.0.1:4400`). */
  readonly url: string;
  /** The URL with the access token, to open once in a browser (it sets a cookie). */
  readonly loginUrl: string;
  /** The access token. */
  readonly accessToken: string;
  /** The node:http server. */
  readonly server: Server;
  /** A link to one run's page (with the token). */
  runUrl(runId: string): string;
  /** Stops listening and closes open streams (the store stays open: it is yours). */
  close(): Promise<void>;
}

/**
 * Starts Studio on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { createStore } from '@weft/workflow';
 * import { startStudio } from '@weft/studio';
 *
 * const studio = await startStudio({ store: createStore({ url: 'file:.weft/weft.db' }), port: 0 });
 * console.log(`Weft Studio: ${studio.loginUrl}`);
 * await studio.close();
 * ```
 */
export async function startStudio(options: StartStudioOptions): Promise<RunningStudio> {
  const host = options.host ?? '127.0.0.1';
  const loopback = LOCAL_HOSTS.includes(host) || host.startsWith('127.');
  if (!loopback && !options.allowedHosts)
    throw new StudioConfigError(
      `Refusing to bind Studio to ${host} without allowedHosts: it would be reachable from the network. Bind 127.0.0.1 (the default) or pass allowedHosts with the names clients use.`,
    );
  const accessToken = options.accessToken ?? randomBytes(24).toString('base64url');
  const handler = createStudioHandler({
    ...options,
    accessToken,
    ...(loopback && !options.allowedHosts ? { allowedHosts: [...LOCAL_HOSTS, host] } : {}),
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4400, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  const base = (options.basePath ?? '').replace(/\/$/, '');
  const withToken = (path: string) =>
    `${url}${base}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(accessToken)}`;
  return {
    url,
    loginUrl: withToken('/'),
    accessToken,
    server,
    runUrl: (runId) => withToken(`/runs/${encodeURIComponent(runId)}`),
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
