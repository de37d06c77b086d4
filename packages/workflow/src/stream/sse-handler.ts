/**
 * `createSseHandler(engine)`: a fetch-standard `(Request) => Promise<Response>` that streams one
 * run's events as Server-Sent Events — mount it in any framework that speaks `Request`/`Response`
 * (Hono, Next.js route handlers, Bun, Deno, `node:http` through a small adapter).
 *
 * Each event is `event: <type>` + `data: <WeftEvent JSON>`, with `id: <seq>` for stored events, so a
 * reconnecting `EventSource` (or {@link subscribeRun}) sends `Last-Event-ID` and gets only what it
 * missed. The response ends when the run finishes or suspends.
 */
import type { Engine, WeftEvent } from '../engine/types.js';

/** Options of {@link createSseHandler}. */
export interface SseHandlerOptions {
  /**
   * Picks the run id from the request. Default: the `runId` query parameter, else the last path
   * segment (`/runs/<id>` or `/runs/<id>/events`).
   */
  runId?: (request: Request) => string | undefined | Promise<string | undefined>;
  /** Return false to answer 403 (check the caller may see this run). Default: allow. */
  authorize?: (request: Request, runId: string) => boolean | Promise<boolean>;
  /** A comment line is sent this often to keep proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** Only events of these types (default: all). */
  types?: readonly string[];
}

const defaultRunId = (request: Request): string | undefined => {
  const url = new URL(request.url);
  const q = url.searchParams.get('runId');
  if (q) return q;
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.at(-1) === 'events') parts.pop(); // `/runs/<id>/events`
  const last = parts.at(-1);
  return last ? decodeURIComponent(last) : undefined;
};

/** Serializes an event for the wire: errors as `{ name, message, code }`. */
function toWire(e: WeftEvent): string {
  return JSON.stringify(e, (_k, v: unknown) =>
    v instanceof Error ? { name: v.name, message: v.message, code: (v as { code?: unknown }).code } : v,
  );
}

/**
 * Creates the SSE handler.
 *
 * @example
 * ```ts
 * const sse = createSseHandler(engine);
 * // Hono: app.get('/runs/:id/events', (c) => sse(c.req.raw));
 * // Next.js: export const GET = sse;
 * ```
 */
export function createSseHandler(
  engine: Pick<Engine, 'stream' | 'getRun'>,
  options: SseHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const types = options.types ? new Set(options.types) : undefined;
  return async function sseHandler(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Expected a GET request for a run event stream.\n', {
        status: 405,
        headers: { allow: 'GET, HEAD' },
      });
    }
    const runId = await (options.runId ?? defaultRunId)(request);
    if (!runId) return new Response('Expected a run id (?runId=… or …/<runId>).\n', { status: 400 });
    if (options.authorize && !(await options.authorize(request, runId)))
      return new Response('Forbidden.\n', { status: 403 });
    if (!(await engine.getRun(runId))) return new Response(`Run "${runId}" was not found.\n`, { status: 404 });
    const lastHeader = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
    const after = lastHeader !== null && /^\d+$/.test(lastHeader) ? Number(lastHeader) : undefined;
    const encoder = new TextEncoder();
    const iterator = engine.stream(runId)[Symbol.asyncIterator]();
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      clearInterval(heartbeat);
      void iterator.return?.();
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(': weft run events\nretry: 2000\n\n'));
        heartbeat = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(': ping\n\n'));
          } catch {
            stop();
          }
        }, heartbeatMs);
        (heartbeat as { unref?: () => void }).unref?.();
        request.signal?.addEventListener('abort', stop, { once: true });
      },
      async pull(controller) {
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            clearInterval(heartbeat);
            controller.close();
            return;
          }
          const e = next.value;
          // Replayed events the client already has (it reconnected with Last-Event-ID).
          if (after !== undefined && e.seq !== undefined && e.seq <= after) continue;
          if (types && !types.has(e.type)) continue;
          const id = e.seq !== undefined ? `id: ${e.seq}\n` : '';
          controller.enqueue(encoder.encode(`${id}event: ${e.type}\ndata: ${toWire(e)}\n\n`));
          return;
        }
      },
      cancel: stop,
    });
    return new Response(request.method === 'HEAD' ? null : body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  };
}
