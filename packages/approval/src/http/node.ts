/**
 * Adapter from a fetch-standard handler to node:http's `(req, res)`, which is also Express's
 * middleware signature (it reads `originalUrl`, so it works under `app.use('/approvals', …)`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Wraps `handler` for node:http / Express.
 *
 * @example
 * http.createServer(toNodeHandler(createApprovalHandler({ service, authenticate }))).listen(3000, '127.0.0.1');
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void {
  return (req, res, next) => {
    void (async () => {
      const host = req.headers.host ?? '127.0.0.1';
      const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (Array.isArray(v)) for (const item of v) headers.append(k, item);
        else if (v !== undefined) headers.set(k, v);
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const request = new Request(`${proto}://${host}${path}`, {
        method: req.method ?? 'GET',
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
      } as RequestInit);
      const response = await handler(request);
      res.statusCode = response.status;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      if (response.body) {
        const buf = Buffer.from(await response.arrayBuffer());
        res.end(buf);
      } else res.end();
    })().catch((err) => {
      if (next) return next(err);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
