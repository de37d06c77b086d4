/**
 * Adapter from a fetch-standard handler to node:http's `(req, res)` that streams the response body
 * (Server-Sent Events need it) and aborts the request's signal when the client goes away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Wraps a `(Request) => Promise<Response>` handler for node:http (or Express).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createStore } from '@weft/workflow';
 * import { createStudioHandler, toNodeListener } from '@weft/studio';
 *
 * const store = createStore({ url: 'file:.weft/weft.db' });
 * const handler = createStudioHandler({ store, authenticate: () => ({ id: 'me' }) });
 * createServer(toNodeListener(handler)).listen(4400, '127.0.0.1');
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    void (async () => {
      const host = req.headers.host ?? '127.0.0.1';
      const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (Array.isArray(v)) for (const item of v) headers.append(k, item);
        else if (v !== undefined) headers.set(k, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      let url: string;
      try {
        url = new URL(path, `http://${host}`).toString();
      } catch {
        res.statusCode = 400;
        res.end('Bad request: malformed Host header or URL.');
        return;
      }
      const request = new Request(url, {
        method: req.method ?? 'GET',
        headers,
        signal: abort.signal,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
      } as RequestInit);
      const response = await handler(request);
      res.statusCode = response.status;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      if (!response.body) {
        res.end();
        return;
      }
      const reader = response.body.getReader();
      abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
      res.flushHeaders();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) await new Promise((r) => res.once('drain', r));
      }
      res.end();
    })().catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
