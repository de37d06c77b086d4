/**
 * A fetch-standard handler `(Request) => Promise<Response>` for the approval inbox: JSON endpoints
 * and server-rendered pages. It mounts anywhere that speaks Request/Response (Bun.serve, Hono,
 * Deno, workers) and in node:http or Express through {@link toNodeHandler}.
 *
 * Routes (under `basePath`):
 *   GET  /                         inbox page (pending requests the actor may decide)
 *   GET  /approvals/:id            detail page;  POST: decide from the form (CSRF token required)
 *   GET  /api/approvals            JSON list (?workflow=&minAgeMs=&maxAgeMs=&all=1)
 *   GET  /api/approvals/:id        JSON details;  GET …/audit: the audit log
 *   POST /api/approvals/:id/decision   JSON { decision, comment?, editedPayload? }
 *   GET  /links/:token             confirmation page for a signed link; POST: decide with it
 */
import { randomBytes } from 'node:crypto';
import {
  ApprovalError,
  ApprovalNotFoundError,
  ApprovalUnauthenticatedError,
  ApprovalValidationError,
} from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision } from '../policy/quorum.js';
import type { ApprovalRequest, ApprovalService } from '../service/types.js';
import { issueCsrfToken, verifyCsrfToken } from './csrf.js';
import { detailPage, type FormState, inboxPage, linkPage, messagePage } from './pages.js';

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
  const base = (options.basePath ?? '').replace(/\/$/, '');
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
    const form = await req.formData();
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
    return redirect(`${base}/approvals/${encodeURIComponent(id)}?done=${encodeURIComponent(decision)}`);
  }

  async function apiDecision(req: Request, id: string, actor: ApprovalActor): Promise<Response> {
    // JSON only: a cross-site HTML form cannot send application/json without a CORS preflight.
    if (!(req.headers.get('content-type') ?? '').includes('application/json') || crossSite(req)) {
      return jsonResponse(
        {
          error: {
            code: 'APPROVAL_BAD_REQUEST',
            message: 'Expected a same-origin request with content-type application/json.',
          },
        },
        415,
      );
    }
    let body: Record<string, unknown>;
    try {
      body = (await req.json()) as Record<string, unknown>;
    } catch {
      return jsonResponse(
        {
          error: {
            code: 'APPROVAL_BAD_REQUEST',
            message: 'Expected a JSON object body: { decision, comment?, editedPayload? }.',
          },
        },
        400,
      );
    }
    const result = await service.decide({
      id,
      decision: body.decision as ApprovalDecision,
      actor,
      ...(typeof body.comment === 'string' && body.comment ? { comment: body.comment } : {}),
      ...(body.editedPayload === undefined ? {} : { editedPayload: body.editedPayload }),
      via: 'http',
      origin: originOf(req, 'http'),
    });
    return jsonResponse(result);
  }

  async function link(req: Request, token: string): Promise<Response> {
    const action = `${base}/links/${encodeURIComponent(token)}`;
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
    const form = await req.formData().catch(() => undefined);
    const comment = form?.get('comment');
    try {
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

  return async function approvalHandler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`))
      return jsonResponse({ error: { code: 'APPROVAL_NOT_FOUND', message: 'Not found' } }, 404);
    const path = url.pathname.slice(base.length) || '/';
    let parts: string[];
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return jsonResponse(
        { error: { code: 'APPROVAL_BAD_REQUEST', message: 'Malformed URL encoding in the path.' } },
        400,
      );
    }
    const api = parts[0] === 'api';
    try {
      if (parts[0] === 'links' && parts.length === 2 && (req.method === 'GET' || req.method === 'POST'))
        return await link(req, parts[1] as string);
      const actor = await options.authenticate(req);
      if (!actor?.id) {
        if (api)
          throw new ApprovalUnauthenticatedError(
            'Sign in first: the authenticate hook found no user for this request.',
          );
        return html(
          messagePage('Sign in required', 'The authenticate hook found no user for this request.', base),
          401,
        );
      }
      if (!api) {
        if (parts.length === 0 && req.method === 'GET')
          return html(inboxPage(await visible(actor, await service.listPending({ approver: actor })), { base, actor }));
        if (parts[0] === 'approvals' && parts.length === 2) {
          const id = parts[1] as string;
          await ensureVisible(id, actor);
          if (req.method === 'GET') {
            const done = url.searchParams.get('done');
            return await renderDetail(
              id,
              actor,
              done ? { notice: `Your decision (${done.replace('_', ' ')}) was recorded.` } : undefined,
            );
          }
          if (req.method === 'POST') return await formDecision(req, id, actor);
        }
        return html(messagePage('Not found', 'No such page.', base), 404);
      }
      const [, resource, id, sub] = parts;
      if (resource === 'approvals') {
        if (!id && req.method === 'GET') {
          const q = url.searchParams;
          const num = (k: string) => (q.get(k) === null ? undefined : Number(q.get(k)));
          const minAgeMs = num('minAgeMs');
          const maxAgeMs = num('maxAgeMs');
          const approvals = await service.listPending({
            ...(q.get('all') === '1' ? {} : { approver: actor }),
            ...(q.get('workflow') ? { workflowId: q.get('workflow') as string } : {}),
            ...(minAgeMs === undefined ? {} : { minAgeMs }),
            ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
          });
          return jsonResponse({ approvals: await visible(actor, approvals) });
        }
        if (id) await ensureVisible(id, actor);
        if (id && !sub && req.method === 'GET')
          return jsonResponse({ approval: await service.get(id), canDecide: !(await service.checkActor(id, actor)) });
        if (id && sub === 'audit' && req.method === 'GET') return jsonResponse({ audit: await service.audit(id) });
        if (id && sub === 'decision' && req.method === 'POST') return await apiDecision(req, id, actor);
      }
      return jsonResponse({ error: { code: 'APPROVAL_NOT_FOUND', message: `No route ${req.method} ${path}` } }, 404);
    } catch (err) {
      const status = statusOf(err);
      if (status >= 500) console.error('[weft approval] handler error', err);
      if (api) return jsonResponse(errorBody(err), status);
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
