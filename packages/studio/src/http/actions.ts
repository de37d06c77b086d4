/**
 * Studio's actions — cancel a run, resume a waiting step, decide an approval — as form posts.
 * Each is same-origin only and carries a CSRF token bound to the actor; decisions go through
 * @weft/approval's service (its policy, quorum, audit log), never around it.
 */
import { type ApprovalActor, type ApprovalDecision, type ApprovalService, createApprovalService } from '@weft/approval';
import { cancelStoredRun } from '@weft/workflow';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RunDetail } from '../data/run-detail.js';
import { isMissingTable, type StudioStore } from '../data/source.js';
import {
  StudioActionError,
  StudioBadRequestError,
  StudioForbiddenError,
  StudioNotFoundError,
} from '../errors/errors.js';
import type { RunApproval } from '../views/run-page.js';
import { verifyCsrfToken } from './csrf.js';
import { redirect } from './responses.js';
import { crossSite } from './security.js';

/** The engine methods Studio uses (an `Engine` from `createEngine()` has them). */
export interface StudioEngineLike {
  /** Cancels a run (`engine.cancel`). */
  cancel?(runId: string, reason?: string): Promise<void>;
  /** Resumes a suspended step (`engine.resume`). */
  resume?(runId: string, args: { step: string; data: unknown }): Promise<unknown>;
  /** Runs a failed or canceled run again in place, from its failure or `from` a step (`engine.restart`). */
  restart?(runId: string, options?: { from?: string }): Promise<unknown>;
  /** Runs a run again as a new run from step `from` (`engine.fork`). */
  fork?(runId: string, options: { from: string; runId?: string }): Promise<unknown>;
}

/**
 * Starts a long engine call in the background: waits briefly so an immediate refusal (a run that
 * cannot restart, an unknown step) is reported to the user, then lets it run (the page follows).
 */
async function background(what: string, started: Promise<unknown>): Promise<void> {
  let failed: unknown;
  let settled = false;
  started.then(
    () => {
      settled = true;
    },
    (err) => {
      settled = true;
      failed = err;
    },
  );
  await new Promise((r) => setTimeout(r, 100));
  if (failed !== undefined) throw failed;
  if (!settled) started.catch((err) => console.error(`[weft studio] ${what} failed`, err));
}

/** What the actions need from the handler. */
export interface ActionContext {
  store: StudioStore;
  engine?: StudioEngineLike;
  approvals?: ApprovalService;
  /** The approval service Studio created itself (closed with the handler). */
  ownedApprovals?: ApprovalService;
  csrfSecret: string;
  now: () => number;
  base: string;
  invalidate: () => void;
}

const DECISIONS = new Set(['approve', 'reject', 'request_changes']);

/** The approval service: the app's, or one Studio creates over the store (and engine, if given). */
export function approvalService(ctx: ActionContext): ApprovalService {
  if (ctx.approvals) return ctx.approvals;
  const engine = ctx.engine;
  const resume = engine?.resume;
  ctx.ownedApprovals ??= createApprovalService({
    store: ctx.store,
    engine: resume
      ? { resume: (runId, input) => resume.call(engine, runId, input) }
      : {
          async resume() {
            // No workflow code here: the decision is committed; the app's approval service resumes the run.
            throw new StudioActionError('deferred: Studio has no engine for this workflow');
          },
        },
    onError: (error, where) => {
      if (where.phase === 'resume' && (error as { code?: string })?.code === 'STUDIO_ACTION_UNAVAILABLE') return;
      console.error(
        `[weft studio] approval ${where.phase} failed${where.approvalId ? ` (${where.approvalId})` : ''}:`,
        error,
      );
    },
  });
  return ctx.ownedApprovals;
}

async function approvalIdsOf(store: StudioStore, runId: string): Promise<string[]> {
  try {
    const { rows } = await sql<{
      id: string;
    }>`select id from weft_approval_requests where run_id = ${runId} order by created_at`.execute(store.db);
    return rows.map((r) => r.id);
  } catch (err) {
    if (isMissingTable(err)) return [];
    throw err;
  }
}

/** The run's approval requests (picking up gates the service has not seen yet), with what the actor may do. */
export async function loadApprovals(ctx: ActionContext, d: RunDetail, actor: ApprovalActor): Promise<RunApproval[]> {
  const gates = d.suspensions.filter((s) => s.eventName === 'approval');
  if (gates.length === 0 && d.approvalIds.length === 0) return [];
  const svc = approvalService(ctx);
  let ids = d.approvalIds;
  if (gates.length > ids.length) {
    await svc.sync();
    ids = await approvalIdsOf(ctx.store, d.run.id);
  }
  return Promise.all(
    ids.map(async (id) => {
      const request = await svc.get(id);
      const refusal = request.status === 'pending' ? await svc.checkActor(id, actor) : undefined;
      return refusal ? { request, refusal } : { request };
    }),
  );
}

async function form(req: Request): Promise<FormData> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data'))
    throw new StudioBadRequestError('Expected a form post (application/x-www-form-urlencoded) from a Studio page.');
  return req.formData();
}

function field(f: FormData, name: string): string | undefined {
  const v = f.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Handles a POST; answers with a redirect back to the run page. */
export async function handleAction(
  req: Request,
  ctx: ActionContext,
  actor: ApprovalActor,
  parts: string[],
): Promise<Response> {
  const [a, runId, verb, approvalId, extra] = parts;
  if (a !== 'runs' || !runId || !verb || extra !== undefined)
    throw new StudioNotFoundError('action', `/${parts.join('/')}`);
  if (crossSite(req))
    throw new StudioForbiddenError('Refused: a cross-site request may not change runs (CSRF protection).');
  const f = await form(req);
  if (!verifyCsrfToken(ctx.csrfSecret, actor.id, field(f, 'csrf'), ctx.now()))
    throw new StudioForbiddenError(
      'The form expired or did not come from this Studio (CSRF check). Reload the page and try again.',
    );
  const back = (done: string) => redirect(`${ctx.base}/runs/${encodeURIComponent(runId)}?done=${done}`);
  const run = await ctx.store.getRun(runId);
  if (!run) throw new StudioNotFoundError('run', runId);
  ctx.invalidate();

  if (verb === 'cancel' && approvalId === undefined) {
    const reason = `canceled in Weft Studio by ${actor.name ?? actor.id}`;
    if (ctx.engine?.cancel) await ctx.engine.cancel(runId, reason);
    // Same write as engine.cancel: CAS to canceled with its event; the process holding the run
    // sees the cancel on its next lease renewal and aborts the run's steps.
    else await cancelStoredRun(ctx.store, runId, reason, ctx.now());
    return back('cancel');
  }

  if (verb === 'resume' && approvalId === undefined) {
    const resume = ctx.engine?.resume;
    if (!resume)
      throw new StudioActionError(
        'Resuming needs the workflow code: start Studio with an engine (createStudioHandler({ engine })) or resume from your app.',
      );
    const step = field(f, 'step');
    if (!step) throw new StudioBadRequestError('Expected the step path to resume (field "step").');
    let data: unknown;
    try {
      data = JSON.parse(field(f, 'data') || 'null');
    } catch (err) {
      throw new StudioBadRequestError(`The resume data is not valid JSON: ${(err as Error).message}`);
    }
    // The run continues in the background; the page follows it live.
    await background('resume', resume.call(ctx.engine, runId, { step, data }));
    return back('resume');
  }

  if (verb === 'restart' && approvalId === undefined) {
    const restart = ctx.engine?.restart;
    if (!restart)
      throw new StudioActionError(
        'Restarting needs the workflow code: start Studio with an engine (createStudioHandler({ engine })) or call engine.restart(runId) in your app.',
      );
    const from = field(f, 'from') || undefined;
    await background('restart', restart.call(ctx.engine, runId, from ? { from } : {}));
    return back('restart');
  }

  if (verb === 'fork' && approvalId === undefined) {
    const fork = ctx.engine?.fork;
    if (!fork)
      throw new StudioActionError(
        'Forking needs the workflow code: start Studio with an engine (createStudioHandler({ engine })) or call engine.fork(runId, { from }) in your app.',
      );
    const from = field(f, 'from');
    if (!from) throw new StudioBadRequestError('Expected the step to fork at (field "from").');
    const newId = randomUUID();
    await background('fork', fork.call(ctx.engine, runId, { from, runId: newId }));
    return redirect(`${ctx.base}/runs/${encodeURIComponent(newId)}?done=fork`);
  }

  if (verb === 'approvals' && approvalId) {
    const decision = field(f, 'decision') ?? '';
    if (!DECISIONS.has(decision)) throw new StudioBadRequestError('Choose approve, reject or request changes.');
    const svc = approvalService(ctx);
    const request = await svc.get(approvalId);
    if (request.runId !== runId) throw new StudioNotFoundError('approval request', approvalId);
    const comment = field(f, 'comment')?.trim() || undefined;
    const payloadText = field(f, 'payload');
    let editedPayload: unknown;
    if (payloadText !== undefined && decision === 'approve' && request.allowEdit) {
      try {
        editedPayload = JSON.parse(payloadText);
      } catch (err) {
        throw new StudioBadRequestError(`The edited payload is not valid JSON: ${(err as Error).message}`);
      }
    }
    await svc.decide({
      id: approvalId,
      decision: decision as ApprovalDecision,
      actor,
      ...(comment ? { comment } : {}),
      ...(editedPayload === undefined ? {} : { editedPayload }),
      via: 'studio',
      origin: {
        interface: 'studio',
        ...(req.headers.get('user-agent') ? { userAgent: req.headers.get('user-agent')?.slice(0, 200) } : {}),
      },
    });
    return back(
      ctx.engine?.resume || ctx.approvals ? decision : decision === 'request_changes' ? decision : 'recorded',
    );
  }
  throw new StudioNotFoundError('action', `/${parts.join('/')}`);
}
