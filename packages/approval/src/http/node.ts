/**
 * Adapter from a fetch-standard handler to node:http's `(req, res)`, which is also Express's
 * middleware signature (it reads `originalUrl`, so it works under `app.use('/approvals', …)`).
 *
 * What a public endpoint needs from an adapter: a malformed `Host` header (`a b`, a bad port) is
 * the client's mistake and answers 400 without reaching the handler; a client that aborts its
 * upload is not an error of ours (no 500, nothing logged); and a body the handler stops reading
 * (413) is drained for a bounded time, so the client still receives the answer instead of a
 * reset, and then the connection is closed on a client that keeps sending.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a refused upload is drained before the socket is closed on it. */
const DRAIN_MS = 2_000;

/** The request's URL, or undefined when the Host header or the target cannot form one. */
function requestUrl(req: IncomingMessage): URL | undefined {
  const host = req.headers.host ?? '127.0.0.1';
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  // Origin-form only ("/…"): an absolute-form or "*" target, or a Host with a path, user info or
  // spaces in it, would change which host or path the handler sees.
  if (!path.startsWith('/') || !host || /[\s/\\@?#]/.test(host)) return undefined;
  try {
    return new URL(`${proto}://${host}${path}`); // throws on `a b`, a port past 65535, `h:x`, …
  } catch {
    return undefined;
  }
}

/**
 * Discards the rest of an upload the handler did not read, so the client gets our answer rather
 * than a reset; a client that keeps sending past {@link DRAIN_MS} loses the connection.
 */
function drain(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  req.removeAllListeners('data');
  req.on('data', () => undefined);
  req.resume();
  const timer = setTimeout(() => req.socket?.destroy(), DRAIN_MS);
  timer.unref();
  const clear = () => clearTimeout(timer);
  req.once('end', clear);
  req.once('close', clear);
}

/** A web stream over the node request; cancelling it drains the rest (see {@link drain}). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        controller.error(err);
      };
      req.on('data', (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      // `Error: aborted` when the client goes away mid-upload: the handler answers it with a 400
      // (to nobody) and logs nothing.
      req.on('error', fail);
      req.on('aborted', () => fail(new Error('aborted')));
      req.on('close', () => {
        if (!req.complete) fail(new Error('aborted'));
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      settled = true;
      drain(req);
    },
  });
}

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
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Bad Request: malformed Host header or request target.\n');
      req.resume();
      return;
    }
    void (async () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        try {
          if (Array.isArray(v)) for (const item of v) headers.append(k, item);
          else if (v !== undefined) headers.set(k, v);
        } catch {
          // node:http accepts header values fetch refuses; drop them rather than fail the request.
        }
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      let request: Request;
      try {
        request = new Request(url, {
          method: req.method ?? 'GET',
          headers,
          ...(hasBody ? { body: bodyStream(req), duplex: 'half' } : {}),
        } as RequestInit);
      } catch {
        // fetch refuses some methods node:http parses (CONNECT, TRACE, TRACK).
        res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Method Not Allowed\n');
        drain(req);
        return;
      }
      const response = await handler(request);
      if (res.destroyed || res.writableEnded) return; // the client went away; nobody to answer
      res.statusCode = response.status;
      for (const [key, value] of response.headers) res.setHeader(key, value);
      const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
      res.end(body);
      drain(req); // a route that did not need the body leaves it unread
    })().catch((err) => {
      if (next) return next(err);
      if (res.destroyed) return;
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}
