/**
 * A fetch-standard handler `(Request) => Promise<Response>` that delivers events to an engine,
 * like `@weft/approval`'s inbox handler: mount it in Bun.serve, Hono, Deno, or node:http through
 * `toNodeHandler` of @weft/approval.
 *
 *   POST {basePath}/events/:name   body: the JSON payload; header `Idempotency-Key` (or ?id=) dedupes
 *
 * 202 `{ started, skipped, resumed, duplicate }`; 400 bad JSON or name; 401 when `authorize`
 * refuses; 404 other paths; 405 other methods; 413 past `maxBytes`; 422 a payload failing a
 * trigger's schema (`{ error: { code, message, issues } }`, nothing started).
 */
import type { Engine } from '../engine/types.js';
import { WeftError } from '../errors/weft-error.js';
import { EventPayloadError } from './errors.js';

/** Options of {@link createEventHandler}. */
export interface EventHandlerOptions {
  /** The engine that receives the events. */
  engine: Engine;
  /** Path prefix (default `''`): events are posted to `${basePath}/events/:name`. */
  basePath?: string;
  /** Return false to answer 401 (check a bearer token, a signature…). Default: accept every request. */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /** Largest accepted body in bytes (default 1 MiB). */
  maxBytes?: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const fail = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  json(status, { error: { code, message, ...extra } });

/**
 * Creates the event endpoint.
 *
 * @example
 * ```ts
 * const handle = createEventHandler({ engine, authorize: (r) => r.headers.get('authorization') === `Bearer ${token}` });
 * // curl -X POST localhost:3000/events/user.signup -H 'Idempotency-Key: evt_1' -d '{"userId":"u1","plan":"pro"}'
 * ```
 */
export function createEventHandler(options: EventHandlerOptions): (request: Request) => Promise<Response> {
  const base = (options.basePath ?? '').replace(/\/+$/, '');
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return async function handleEvent(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const prefix = `${base}/events/`;
    if (!url.pathname.startsWith(prefix))
      return fail(404, 'NOT_FOUND', `No route ${url.pathname}; post events to ${prefix}:name.`);
    if (request.method !== 'POST')
      return new Response(JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: 'POST an event.' } }), {
        status: 405,
        headers: { allow: 'POST', 'content-type': 'application/json; charset=utf-8' },
      });
    if (options.authorize && !(await options.authorize(request)))
      return fail(401, 'UNAUTHORIZED', 'The request was not authorized to send events.');
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(prefix.length));
    } catch {
      name = '';
    }
    if (name === '' || name.includes('/'))
      return fail(400, 'BAD_EVENT_NAME', 'Expected /events/:name with a non-empty event name.');
    const text = await request.text();
    if (Buffer.byteLength(text) > maxBytes)
      return fail(413, 'TOO_LARGE', `Event bodies are limited to ${maxBytes} bytes.`);
    let payload: unknown;
    try {
      payload = text === '' ? undefined : JSON.parse(text);
    } catch {
      return fail(400, 'BAD_JSON', 'Expected the request body to be the JSON payload of the event.');
    }
    const id = request.headers.get('idempotency-key') ?? url.searchParams.get('id') ?? undefined;
    try {
      const out = await options.engine.sendEvent(name, payload, id === undefined ? undefined : { id });
      return json(202, {
        started: out.started,
        skipped: out.skipped,
        resumed: out.map((r) => r.runId),
        duplicate: out.duplicate,
      });
    } catch (error) {
      if (error instanceof EventPayloadError)
        return fail(422, error.code, error.message, {
          event: error.event,
          workflowId: error.workflowId,
          issues: error.issues,
        });
      if (error instanceof WeftError) return fail(400, error.code, error.message);
      throw error;
    }
  };
}
