/**
 * A fetch-standard handler `(Request) => Promise<Response>` for the approval inbox: JSON endpoints
 * and server-rendered pages. It mounts anywhere that speaks Request/Response (Bun.serve, Hono,
 * Deno, workers) and in node:http or Express through {@link toNodeHandler}.
 *
 * Routes (under `basePath`); anything else is 404, a known route with another method 405:
 *   GET  /                         inbox page (pending requests the actor may decide)
 *   GET  /:id                      detail page;  POST: decide from the form (CSRF token required)
 *   GET  /approvals/:id            (before 0.2) 308 redirect to /:id, so links already sent keep working
 *   GET  /api/approvals            JSON list (?workflow=&minAgeMs=&maxAgeMs=&all=1)
 *   GET  /api/approvals/:id        JSON details;  GET …/audit: the audit log
 *   POST /api/approvals/:id/decision   JSON { decision, comment?, editedPayload? }
 *   GET  /links/:token             confirmation page for a signed link; POST: decide with it
 */
import { randomBytes } from 'node:crypto';
import {
  ApprovalError,
  ApprovalInvalidRequestError,
  ApprovalNotFoundError,
  ApprovalUnauthenticatedError,
  ApprovalValidationError,
} from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision } from '../policy/quorum.js';
import type { ApprovalRequest, ApprovalService } from '../service/types.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  isJsonMediaType,
  parseMediaType,
  readFormBody,
  readJsonBody,
  tooDeep,
} from './body.js';
import { issueCsrfToken, verifyCsrfToken } from './csrf.js';
import { detailPage, type FormState, inboxPage, linkPage, messagePage } from './pages.js';
import { detailPath, linkPath, trimBase } from './paths.js';

/** Options of {@link createApprovalHandler}. */
export interface ApprovalHandlerOptions {
  /** The approval service the handler reads and decides through. */
  service: ApprovalService;
  /**
   * Who is calling. Return the actor, or null/undefined to answer 401. Weft has no user database:
   * read your session cookie, a bearer token, mTLS headers from your proxy, … here.
   */
  authenticate: (request: Request) => ApprovalActor | null | undefined | Promise<ApprovalActor | null | undefined>;
  /** Path prefix the handler is mounted at, e.g. `/approvals`. Default `''`. */
  basePath?: string;
  /** Secret for CSRF tokens; share it between processes behind one load balancer. Default: random per handler. */
  csrfSecret?: string;
  /**
   * Who may see a request (its payload, votes and audit log). Default: every authenticated actor.
   * Requests an actor may not see answer 404, as if they did not exist.
   */
  canView?: (actor: ApprovalActor, request: ApprovalRequest) => boolean | Promise<boolean>;
  /**
   * Largest request body accepted, in bytes (decisions, edited payloads, form posts). Larger
   * bodies answer 413 (`APPROVAL_PAYLOAD_TOO_LARGE`) as soon as the `Content-Length` or the bytes
   * counted so far pass it; the rest is not read. Default {@link DEFAULT_MAX_BODY_BYTES} (1 MiB).
   */
  maxBodyBytes?: number;
  /** Clock (tests). */
  now?: () => number;
}

const DECISIONS: readonly string[] = ['approve', 'reject', 'request_changes'];
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS } });
}
function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
  });
}
function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { location, ...SECURITY_HEADERS } });
}

/** HTTP status for an error code. */
function statusOf(err: unknown): number {
  const code = (err as { code?: string })?.code;
  switch (code) {
    case 'APPROVAL_NOT_FOUND':
      return 404;
    case 'APPROVAL_FORBIDDEN':
      return 403;
    case 'APPROVAL_CLOSED':
      return 409;
    case 'APPROVAL_VALIDATION':
      return 422;
    case 'APPROVAL_UNAUTHENTICATED':
      return 401;
    case 'APPROVAL_PAYLOAD_TOO_LARGE':
      return 413;
    case 'APPROVAL_TOKEN_INVALID':
    case 'APPROVAL_INVALID_REQUEST':
      return 400;
    default:
      return err instanceof TypeError ? 400 : 500;
  }
}

function errorBody(err: unknown): Record<string, unknown> {
  if (err instanceof ApprovalError) return { error: err.toJSON() };
  if (err instanceof TypeError)
    return { error: { name: 'TypeError', code: 'APPROVAL_BAD_REQUEST', message: err.message } };
  return { error: { name: 'Error', code: 'APPROVAL_INTERNAL', message: 'Internal error; see the server log.' } };
}

/** Browsers label cross-site requests; refuse those for anything that changes state. */
function crossSite(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.get('origin');
  if (origin && origin !== 'null') {
    const host = req.headers.get('host') ?? new URL(req.url).host;
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return false;
}

function originOf(req: Request, via: string): Record<string, unknown> {
  return {
    interface: via,
    ...(req.headers.get('x-forwarded-for') ? { forwardedFor: req.headers.get('x-forwarded-for') } : {}),
    ...(req.headers.get('user-agent') ? { userAgent: req.headers.get('user-agent')?.slice(0, 200) } : {}),
  };
}

/**
 * Creates the inbox handler.
 *
 * @example
 * const handler = createApprovalHandler({
 *   service: approvals,
 *   basePath: '/approvals',
 *   csrfSecret: process.env.CSRF_SECRET,
 *   authenticate: async (req) => sessions.userFrom(req.headers.get('cookie')), // your auth
 * });
 * Bun.serve({ fetch: handler });                                  // Bun
 * http.createServer(toNodeHandler(handler)).listen(3000);         // node:http
 * app.all('/approvals/*', (c) => handler(c.req.raw));             // Hono
 */
export function createApprovalHandler(options: ApprovalHandlerOptions): (request: Request) => Promise<Response> {
  const base = trimBase(options.basePath);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new TypeError(`Expected maxBodyBytes to be a positive integer, found ${String(options.maxBodyBytes)}`);
  const csrfSecret = options.csrfSecret ?? randomBytes(32).toString('base64url');
  const now = options.now ?? Date.now;
  const { service } = options;

  async function ensureVisible(id: string, actor: ApprovalActor): Promise<void> {
    if (options.canView && !(await options.canView(actor, await service.get(id)))) throw new ApprovalNotFoundError(id);
  }

  async function visible(actor: ApprovalActor, items: ApprovalRequest[]): Promise<ApprovalRequest[]> {
    const view = options.canView;
    if (!view) return items;
    const keep = await Promise.all(items.map((r) => view(actor, r)));
    return items.filter((_, i) => keep[i]);
  }

  async function renderDetail(id: string, actor: ApprovalActor, form?: FormState, status = 200): Promise<Response> {
    const [details, canDecide, audit] = await Promise.all([
      service.get(id),
      service.checkActor(id, actor),
      service.audit(id),
    ]);
    return html(
      detailPage(details, {
        base,
        actor,
        csrf: issueCsrfToken(csrfSecret, actor.id, now()),
        canDecide,
        audit,
        ...(form ? { form } : {}),
      }),
      status,
    );
  }

  async function formDecision(req: Request, id: string, actor: ApprovalActor): Promise<Response> {
    const form = await readFormBody(req, maxBodyBytes);
    const field = (n: string) => {
      const v = form.get(n);
      return typeof v === 'string' ? v : undefined;
    };
    if (crossSite(req) || !verifyCsrfToken(csrfSecret, actor.id, field('csrf'), now())) {
      return html(
        messagePage(
          'Form expired',
          'The form was not sent from this inbox or is too old (CSRF check). Reload the page and try again.',
          base,
        ),
        403,
      );
    }
    const decision = field('decision') ?? '';
    const comment = field('comment')?.trim() || undefined;
    const payloadText = field('payload');
    const state: FormState = { ...(payloadText === undefined ? {} : { payloadText }), ...(comment ? { comment } : {}) };
    if (!DECISIONS.includes(decision))
      return renderDetail(id, actor, { ...state, error: 'Choose approve, reject or request changes.' }, 400);
    let editedPayload: unknown;
    if (payloadText !== undefined && decision === 'approve') {
      try {
        editedPayload = JSON.parse(payloadText);
        if (tooDeep(editedPayload)) throw new Error('it nests objects or arrays too deeply');
      } catch (err) {
        return renderDetail(
          id,
          actor,
          {
            ...state,
            error: 'The payload is not valid JSON:',
            issues: [{ path: [], message: (err as Error).message }],
          },
          422,
        );
      }
    }
    try {
      await service.decide({
        id,
        decision: decision as ApprovalDecision,
        actor,
        ...(comment ? { comment } : {}),
        ...(editedPayload === undefined ? {} : { editedPayload }),
        via: 'inbox',
        origin: originOf(req, 'inbox'),
      });
    } catch (err) {
      if (err instanceof ApprovalValidationError) return renderDetail(id, actor, { ...state, issues: err.issues }, 422);
      if (err instanceof ApprovalError && err.code !== 'APPROVAL_NOT_FOUND')
        return renderDetail(id, actor, { ...state, error: err.message }, statusOf(err));
      throw err;
    }
    return redirect(`${detailPath(base, id)}?done=${encodeURIComponent(decision)}`);
  }

  async function apiDecision(req: Request, id: string, actor: ApprovalActor): Promise<Response> {
    // JSON only (the media type parsed, not searched for): a cross-site HTML form cannot send
    // application/json without a CORS preflight, and text/plain; x=application/json is text/plain.
    if (!isJsonMediaType(parseMediaType(req.headers.get('content-type'))) || crossSite(req)) {
      await req.body?.cancel().catch(() => undefined);
      return jsonResponse(
        {
          error: {
            code: 'APPROVAL_BAD_REQUEST',
            message: 'Expected a same-origin request with Content-Type: application/json (charset, if given, utf-8).',
          },
        },
        415,
      );
    }
    const body = await readJsonBody(req, maxBodyBytes);
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ApprovalInvalidRequestError('Expected a JSON object body: { decision, comment?, editedPayload? }.');
    const { decision, comment, editedPayload } = body as Record<string, unknown>;
    if (typeof decision !== 'string' || !DECISIONS.includes(decision))
      throw new ApprovalInvalidRequestError(
        `Expected "decision" to be 'approve', 'reject' or 'request_changes', found ${JSON.stringify(decision) ?? 'nothing'}.`,
      );
    if (comment !== undefined && comment !== null && typeof comment !== 'string')
      throw new ApprovalInvalidRequestError(`Expected "comment" to be a string, found ${typeof comment}.`);
    const result = await service.decide({
      id,
      decision: decision as ApprovalDecision,
      actor,
      ...(typeof comment === 'string' && comment ? { comment } : {}),
      ...(editedPayload === undefined ? {} : { editedPayload }),
      via: 'http',
      origin: originOf(req, 'http'),
    });
    return jsonResponse(result);
  }

  async function link(req: Request, token: string): Promise<Response> {
    const action = linkPath(base, encodeURIComponent(token));
    if (req.method === 'GET') {
      try {
        // Shows what the link would do; only a POST (the confirm button) consumes it.
        const claims = service.inspectDecisionToken(token);
        const r = await service.get(claims.approvalId);
        return html(linkPage({ base, action, decision: claims.decision, title: r.title }));
      } catch (err) {
        if (err instanceof ApprovalError)
          return html(linkPage({ base, action, decision: '', title: '', error: err.message }), statusOf(err));
        throw err;
      }
    }
    if (crossSite(req))
      return html(linkPage({ base, action, decision: '', title: '', error: 'Cross-site request refused.' }), 403);
    try {
      const form = await readFormBody(req, maxBodyBytes);
      const comment = form.get('comment');
      const result = await service.decideWithToken(token, {
        ...(typeof comment === 'string' && comment.trim() ? { comment: comment.trim() } : {}),
        via: 'link',
        origin: originOf(req, 'link'),
      });
      return html(
        linkPage({
          base,
          action,
          decision: '',
          title: '',
          done: `Recorded. The request is now ${result.request.status}.`,
        }),
      );
    } catch (err) {
      if (err instanceof ApprovalError)
        return html(linkPage({ base, action, decision: '', title: '', error: err.message }), statusOf(err));
      throw err;
    }
  }

  async function pages(req: Request, url: URL, parts: string[], actor: ApprovalActor): Promise<Response> {
    if (parts.length === 0) {
      if (req.method !== 'GET') return notAllowed('GET', false);
      return html(inboxPage(await visible(actor, await service.listPending({ approver: actor })), { base, actor }));
    }
    const id = parts[0] as string;
    if (parts.length !== 1 || RESERVED.has(id)) return html(messagePage('Not found', 'No such page.', base), 404);
    if (req.method !== 'GET' && req.method !== 'POST') return notAllowed('GET, POST', false);
    await ensureVisible(id, actor);
    if (req.method === 'POST') return formDecision(req, id, actor);
    const done = url.searchParams.get('done');
    return renderDetail(
      id,
      actor,
      done && DECISIONS.includes(done)
        ? { notice: `Your decision (${done.replace('_', ' ')}) was recorded.` }
        : undefined,
    );
  }

  async function api(req: Request, url: URL, parts: string[], actor: ApprovalActor): Promise<Response> {
    const [, resource, id, sub, ...extra] = parts;
    if (resource !== 'approvals' || extra.length || (sub !== undefined && sub !== 'audit' && sub !== 'decision'))
      return notFound(req, url);
    const allowed = sub === 'decision' ? 'POST' : 'GET';
    if (req.method !== allowed) return notAllowed(allowed, true);
    if (!id) {
      const q = url.searchParams;
      const age = (k: string) => {
        const raw = q.get(k);
        if (raw === null) return undefined;
        const n = Number(raw);
        if (!raw.trim() || !Number.isFinite(n) || n < 0)
          throw new ApprovalInvalidRequestError(
            `Expected ?${k}= to be a number of milliseconds >= 0, found "${raw.slice(0, 40)}".`,
          );
        return n;
      };
      const minAgeMs = age('minAgeMs');
      const maxAgeMs = age('maxAgeMs');
      const workflow = q.get('workflow');
      const approvals = await service.listPending({
        ...(q.get('all') === '1' ? {} : { approver: actor }),
        ...(workflow ? { workflowId: workflow } : {}),
        ...(minAgeMs === undefined ? {} : { minAgeMs }),
        ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
      });
      return jsonResponse({ approvals: await visible(actor, approvals) });
    }
    await ensureVisible(id, actor);
    if (sub === 'decision') return apiDecision(req, id, actor);
    if (sub === 'audit') return jsonResponse({ audit: await service.audit(id) });
    return jsonResponse({ approval: await service.get(id), canDecide: !(await service.checkActor(id, actor)) });
  }

  return async function approvalHandler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`))
      return jsonResponse({ error: { code: 'APPROVAL_NOT_FOUND', message: 'Not found' } }, 404);
    const path = url.pathname.slice(base.length) || '/';
    // Exact segments: `/` is the inbox; any empty segment (`//`, a trailing `/`) matches no route.
    const raw = path === '/' ? [] : path.split('/').slice(1);
    let parts: string[];
    try {
      parts = raw.map(decodeURIComponent);
    } catch {
      return jsonResponse(
        { error: { code: 'APPROVAL_BAD_REQUEST', message: 'Malformed URL encoding in the path.' } },
        400,
      );
    }
    const isApi = parts[0] === 'api';
    try {
      if (parts.some((p) => p === '')) return notFound(req, url);
      if (parts[0] === 'links') {
        if (parts.length !== 2) return notFound(req, url);
        if (req.method !== 'GET' && req.method !== 'POST') return notAllowed('GET, POST', false);
        return await link(req, parts[1] as string);
      }
      // Links sent before 0.2 pointed at <base>/approvals/<id>: keep them working.
      if (parts[0] === 'approvals' && parts.length === 2)
        return new Response(null, {
          status: 308,
          headers: { location: `${detailPath(base, parts[1] as string)}${url.search}`, ...SECURITY_HEADERS },
        });
      const actor = await options.authenticate(req);
      if (!actor?.id) {
        await req.body?.cancel().catch(() => undefined);
        if (isApi)
          throw new ApprovalUnauthenticatedError(
            'Sign in first: the authenticate hook found no user for this request.',
          );
        return html(
          messagePage('Sign in required', 'The authenticate hook found no user for this request.', base),
          401,
        );
      }
      return await (isApi ? api(req, url, parts, actor) : pages(req, url, parts, actor));
    } catch (err) {
      const status = statusOf(err);
      // Only our own failures are logged: a client's bad request or aborted upload is not news.
      if (status >= 500) console.error('[weft approval] handler error', err);
      if (isApi) return jsonResponse(errorBody(err), status);
      return html(
        messagePage(
          status === 404 ? 'Not found' : 'Error',
          status >= 500 ? 'Internal error; see the server log.' : (err as Error).message,
          base,
        ),
        status,
      );
    }
  };
}

/** Path segments the pages never treat as a request id. */
const RESERVED = new Set(['api', 'links', 'approvals']);

function notFound(req: Request, url: URL): Response {
  return jsonResponse(
    { error: { code: 'APPROVAL_NOT_FOUND', message: `No route ${req.method} ${url.pathname}` } },
    404,
  );
}

function notAllowed(allow: string, api: boolean): Response {
  const message = `Method not allowed here; use ${allow}.`;
  const res = api
    ? jsonResponse({ error: { code: 'APPROVAL_METHOD_NOT_ALLOWED', message } }, 405)
    : html(messagePage('Method not allowed', message, ''), 405);
  res.headers.set('allow', allow);
  return res;
}
