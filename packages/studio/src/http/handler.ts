/**
 * Weft Studio as a fetch-standard handler `(Request) => Promise<Response>`: server-rendered pages
 * over a Weft store, JSON endpoints, and Server-Sent Events for active runs. Mount it in Bun, Deno,
 * Hono or workers directly, in node:http with {@link toNodeListener}, or run `weft studio`.
 *
 * Routes (under `basePath`):
 *   GET  /                               runs list (?status=&workflow=&version=&range=&from=&to=&q=&after=&before=&limit=)
 *   GET  /runs/:id                       run page; /runs/:id.json the same data as JSON
 *   GET  /runs/:id/timeline              the timeline fragment;  GET /runs/:id/live  SSE
 *   POST /runs/:id/cancel | /resume | /approvals/:approvalId      actions (form posts, CSRF token)
 *   GET  /llm?range=7d                   LLM cost;  GET /evals, /evals/:id, /evals/compare?a=&b=
 *   GET  /api/runs                       runs list as JSON (same filters)
 *   GET  /assets/studio.css | studio.js | favicon.svg
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApprovalActor, ApprovalService } from '@weft/approval';
import { STUDIO_JS } from '../assets/client.js';
import { FAVICON_SVG, STUDIO_CSS } from '../assets/styles.js';
import { migrateStudio } from '../data/indexes.js';
import { loadRunDetail } from '../data/run-detail.js';
import {
  listRunsPage,
  matchVersions,
  parseRunFilter,
  type RunFacets,
  type RunFilter,
  runFacets,
} from '../data/runs-query.js';
import type { StudioStore } from '../data/source.js';
import { StudioConfigError, StudioError, StudioNotFoundError } from '../errors/errors.js';
import { escapeHtml, html } from '../views/html.js';
import { layout, type PageContext } from '../views/layout.js';
import { runPage } from '../views/run-page.js';
import { runsPage } from '../views/runs-page.js';
import { computeTimeline, timelineView } from '../views/timeline.js';
import { type ActionContext, handleAction, loadApprovals, type StudioEngineLike } from './actions.js';
import { issueCsrfToken } from './csrf.js';
import { evalRoutes } from './eval-routes.js';
import { llmRoute } from './llm-route.js';
import { liveRunStream } from './live.js';
import { asset, htmlResponse, jsonResponse, redirect, statusOf } from './responses.js';
import { hostAllowed, LOCAL_HOSTS, SECURITY_HEADERS } from './security.js';

/** Who is using Studio (the approval inbox's actor: id, groups, display name). */
export type StudioActor = ApprovalActor;

/** Options of {@link createStudioHandler}. */
export interface StudioHandlerOptions {
  /** The Weft store to show (`createStore({ url })`: libsql file or Postgres). */
  store: StudioStore;
  /**
   * Who is calling: return the actor, or null/undefined to answer 401 — the approval inbox's
   * model (read your session cookie, a bearer token, your proxy's headers…). Optional when
   * `accessToken` is set: then every holder of the token is `{ id: 'local' }` unless this says otherwise.
   */
  authenticate?: (request: Request) => StudioActor | null | undefined | Promise<StudioActor | null | undefined>;
  /**
   * A secret that unlocks Studio (what `weft studio` prints in its link): accepted as
   * `Authorization: Bearer <token>`, or once as `?token=<token>`, which sets an HttpOnly,
   * SameSite=Strict cookie and redirects to the same page without it.
   */
  accessToken?: string;
  /**
   * The engine that runs these workflows. With it, Studio can resume waiting runs, and approvals
   * decided in Studio resume their run in this process. Without it, cancel still works (through the
   * store; the process running the run sees it on its next lease renewal) and decisions are
   * recorded for the app's approval service to act on.
   */
  engine?: StudioEngineLike;
  /** The app's approval service. Default: one created over `store` (and `engine`, when given). */
  approvals?: ApprovalService;
  /** Path prefix Studio is mounted at, e.g. `/studio`. Default `''`. */
  basePath?: string;
  /**
   * Host names accepted in the Host header (DNS-rebinding protection). Default loopback only:
   * `127.0.0.1`, `localhost`, `[::1]`. Add your proxy's name when you put Studio behind one; `'*'` accepts any.
   */
  allowedHosts?: readonly string[];
  /** Secret for CSRF tokens (share it between processes behind one load balancer). Default: random. */
  csrfSecret?: string;
  /** Shown in the header, e.g. the store URL. Default `weft store`. */
  storeLabel?: string;
  /** How often the live stream polls the store for new events (ms). Default 250. */
  livePollMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/** The handler, with a way to release what it created (its approval service). */
export type StudioHandler = ((request: Request) => Promise<Response>) & {
  /** Stops the approval service Studio created (not one passed in). */
  close(): Promise<void>;
};

const FACETS_TTL_MS = 10_000;

function cookieName(req: Request): string {
  const host = req.headers.get('host') ?? new URL(req.url).host;
  const port = /:(\d+)$/.exec(host)?.[1] ?? '80';
  return `weft_studio_${port}`;
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Creates the Studio handler.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createStore } from '@weft/workflow';
 * import { createStudioHandler, toNodeListener } from '@weft/studio';
 *
 * const store = createStore({ url: 'file:.weft/weft.db' });
 * const studio = createStudioHandler({
 *   store,
 *   authenticate: (req) => (req.headers.get('x-user') ? { id: String(req.headers.get('x-user')) } : null),
 * });
 * createServer(toNodeListener(studio)).listen(4400, '127.0.0.1');
 * ```
 */
export function createStudioHandler(options: StudioHandlerOptions): StudioHandler {
  if (!options?.store?.db)
    throw new StudioConfigError(
      'createStudioHandler({ store }) needs a Weft store with a database (createStore({ url })): the memory store has no tables to query.',
    );
  if (!options.authenticate && !options.accessToken)
    throw new StudioConfigError(
      'createStudioHandler needs `authenticate` (your auth) or `accessToken` (a secret for local use): Studio never runs open.',
    );
  if (options.accessToken !== undefined && options.accessToken.length < 16)
    throw new StudioConfigError(
      'Expected `accessToken` of at least 16 characters (use randomBytes(24).toString("base64url")).',
    );
  const { store } = options;
  const base = (options.basePath ?? '').replace(/\/$/, '');
  const csrfSecret = options.csrfSecret ?? randomBytes(32).toString('base64url');
  const now = options.now ?? Date.now;
  const allowed = options.allowedHosts ?? LOCAL_HOSTS;
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= (async () => {
      await store.init();
      await migrateStudio(store.db);
    })().catch((e) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };
  let facets: { at: number; value: Promise<RunFacets> } | undefined;
  const getFacets = async (filter?: RunFilter): Promise<RunFacets> => {
    // A version filter naming a version the cache has not seen yet (a deploy in the last seconds) reads again.
    if (filter?.version && facets && matchVersions(await facets.value, filter).length === 0) facets = undefined;
    if (!facets || now() - facets.at > FACETS_TTL_MS) {
      const value = runFacets(store);
      facets = { at: now(), value };
      value.catch(() => (facets = undefined));
    }
    return facets.value;
  };
  const actions: ActionContext = {
    store,
    ...(options.engine ? { engine: options.engine } : {}),
    ...(options.approvals ? { approvals: options.approvals } : {}),
    csrfSecret,
    now,
    base,
    invalidate: () => (facets = undefined),
  };

  async function authenticate(req: Request, url: URL): Promise<StudioActor | Response | null> {
    if (options.accessToken) {
      const given = url.searchParams.get('token');
      if (given !== null && req.method === 'GET') {
        if (!same(given, options.accessToken)) return null;
        url.searchParams.delete('token');
        return redirect(`${url.pathname}${url.search}${url.hash}`, {
          'set-cookie': `${cookieName(req)}=${encodeURIComponent(options.accessToken)}; HttpOnly; SameSite=Strict; Path=${base || '/'}`,
        });
      }
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
      const held = bearer ?? cookie(req, cookieName(req));
      if (!held || !same(held, options.accessToken)) return null;
      if (!options.authenticate) return { id: 'local', name: 'local' };
    }
    return (await options.authenticate?.(req)) ?? null;
  }

  function pageContext(actor: StudioActor): PageContext {
    return {
      base,
      actorName: actor.name ?? actor.id,
      csrf: issueCsrfToken(csrfSecret, actor.id, now()),
      storeLabel: options.storeLabel ?? 'weft store',
      now: now(),
      canResume: Boolean(options.engine?.resume),
      canRestart: Boolean(options.engine?.restart),
      canFork: Boolean(options.engine?.fork),
    };
  }

  function signInPage(): Response {
    return htmlResponse(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Weft Studio</title><link rel="stylesheet" href="${escapeHtml(base)}/assets/studio.css"></head><body><main><div class="empty"><p><strong>Sign in required.</strong></p><p class="muted">${
        options.accessToken
          ? 'Open the link that <code>weft studio</code> printed: it carries the access token.'
          : 'The authenticate hook found no user for this request.'
      }</p></div></main></body></html>`,
      401,
    );
  }

  async function route(req: Request, url: URL, parts: string[], actor: StudioActor): Promise<Response> {
    const ctx = pageContext(actor);
    const [a, b, c, d] = parts;
    if (req.method === 'POST') return handleAction(req, actions, actor, parts);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return jsonResponse({ error: { code: 'STUDIO_METHOD', message: `Method ${req.method} not allowed.` } }, 405);
    if (a === undefined) {
      const filter = parseRunFilter(url.searchParams, ctx.now);
      const f = await getFacets(filter);
      const page = await listRunsPage(store, filter, f);
      return htmlResponse(runsPage(ctx, page, f, filter, url.searchParams));
    }
    if (a === 'api' && b === 'runs' && c === undefined) {
      const filter = parseRunFilter(url.searchParams, ctx.now);
      return jsonResponse(await listRunsPage(store, filter, filter.version ? await getFacets(filter) : undefined));
    }
    if (a === 'api' && b === 'runs' && c !== undefined && d === undefined)
      return jsonResponse(await loadRunDetail(store, c));
    if (a === 'runs' && b !== undefined) {
      if (c === undefined && b.endsWith('.json')) return jsonResponse(await loadRunDetail(store, b.slice(0, -5)));
      if (c === undefined) {
        const detail = await loadRunDetail(store, b);
        const approvals = await loadApprovals(actions, detail, actor);
        const done = url.searchParams.get('done');
        const page = runPage(ctx, detail, approvals);
        return htmlResponse(done ? injectNotice(String(page), done) : page);
      }
      if (c === 'timeline' && d === undefined) {
        const run = await store.getRun(b);
        if (!run) throw new StudioNotFoundError('run', b);
        return htmlResponse(timelineView(computeTimeline(run, await store.listSteps(b), ctx.now)));
      }
      if (c === 'live' && d === undefined) {
        if (!(await store.getRun(b))) throw new StudioNotFoundError('run', b);
        const lastId = Number(req.headers.get('last-event-id') ?? url.searchParams.get('after') ?? 0);
        return new Response(
          liveRunStream(store, b, Number.isFinite(lastId) ? lastId : 0, {
            pollMs: options.livePollMs ?? 250,
            signal: req.signal,
          }),
          {
            headers: {
              'content-type': 'text/event-stream; charset=utf-8',
              ...SECURITY_HEADERS,
              'cache-control': 'no-store',
              'x-accel-buffering': 'no',
            },
          },
        );
      }
    }
    if (a === 'llm' && b === undefined) return llmRoute(ctx, store, url);
    if (a === 'evals') return evalRoutes(ctx, store, parts.slice(1), url);
    throw new StudioNotFoundError('page', `/${parts.join('/')}`);
  }

  const handler = async function studioHandler(req: Request): Promise<Response> {
    if (!hostAllowed(req, allowed))
      return new Response(
        'Refused: this Host header is not one Studio serves (DNS-rebinding protection). Open Studio at http://127.0.0.1:<port>/, or add the name to allowedHosts.',
        { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } },
      );
    const url = new URL(req.url);
    if (base && url.pathname !== base && !url.pathname.startsWith(`${base}/`))
      return jsonResponse({ error: { code: 'STUDIO_NOT_FOUND', message: 'Not found' } }, 404);
    const path = url.pathname.slice(base.length) || '/';
    if (req.method === 'GET' && path.startsWith('/assets/')) {
      if (path === '/assets/studio.css') return asset(STUDIO_CSS, 'text/css; charset=utf-8');
      if (path === '/assets/studio.js') return asset(STUDIO_JS, 'text/javascript; charset=utf-8');
      if (path === '/assets/favicon.svg') return asset(FAVICON_SVG, 'image/svg+xml');
    }
    let parts: string[];
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return jsonResponse(
        { error: { code: 'STUDIO_BAD_REQUEST', message: 'Malformed URL encoding in the path.' } },
        400,
      );
    }
    const api = parts[0] === 'api' || (parts[0] === 'runs' && (parts[1]?.endsWith('.json') || parts[2] === 'live'));
    try {
      const who = await authenticate(req, url);
      if (who instanceof Response) return who;
      if (!who?.id) {
        if (api)
          return jsonResponse(
            {
              error: {
                code: 'STUDIO_UNAUTHENTICATED',
                message: 'Sign in first (access token or your authenticate hook).',
              },
            },
            401,
          );
        return signInPage();
      }
      await init();
      return await route(req, url, parts, who);
    } catch (err) {
      const status = statusOf(err);
      if (status >= 500) console.error('[weft studio] handler error', err);
      const message = status >= 500 ? 'Internal error; see the server log.' : (err as Error).message;
      if (api)
        return jsonResponse(
          {
            error:
              err instanceof StudioError && status < 500
                ? err.toJSON()
                : { code: (err as { code?: string })?.code ?? 'STUDIO_INTERNAL', message },
          },
          status,
        );
      const ctx: PageContext = {
        base,
        actorName: '',
        csrf: '',
        storeLabel: options.storeLabel ?? 'weft store',
        now: now(),
        canResume: false,
        canRestart: false,
        canFork: false,
      };
      return htmlResponse(
        layout(
          ctx,
          status === 404 ? 'Not found' : 'Error',
          'runs',
          html`<div class="empty"><p><strong>${status === 404 ? 'Not found' : `Error ${status}`}</strong></p><p class="muted">${message}</p><p><a href="${base}/">Back to runs</a></p></div>`,
        ),
        status,
      );
    }
  } as StudioHandler;
  handler.close = async () => {
    await actions.ownedApprovals?.stop().catch(() => undefined);
  };
  return handler;
}

const NOTICES: Record<string, [string, boolean]> = {
  cancel: ['Run canceled.', false],
  resume: ['Resumed: the run continues.', false],
  approve: ['Approved. The run continues.', false],
  reject: ['Rejected.', false],
  request_changes: ['Changes requested.', false],
  restart: ['Restarted: the run runs again from its failure, reusing every committed step.', false],
  fork: ['Forked: this is a new run, with the steps before the fork point copied from the original.', false],
  recorded: [
    'Decision recorded. The run continues in the process that runs this workflow (its approval service picks the decision up).',
    false,
  ],
};

function injectNotice(page: string, done: string): string {
  const n = NOTICES[done];
  if (!n) return page;
  return page.replace(
    '<main id="main" tabindex="-1">',
    `<main id="main" tabindex="-1"><div class="notice" role="status">${escapeHtml(n[0])}</div>`,
  );
}
