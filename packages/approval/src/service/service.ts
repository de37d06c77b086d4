/**
 * The approval service: turns approval suspensions in the workflow store into requests, applies
 * decisions atomically (compare-and-set on the request row), resumes the run in whichever process
 * closed the gate, fires durable timers, and keeps the audit log.
 *
 * Flow: engine suspends at `.awaitApproval()` → `sync()` sees the suspension, inserts the request
 * (deterministic id; the inserting process notifies and schedules timers) → `decide()` / a timer
 * closes it with one CAS → the winner resumes the engine → `sync()` retries resumes that a crash
 * interrupted.
 */
import {
  ApprovalClosedError,
  ApprovalForbiddenError,
  ApprovalNotFoundError,
  ApprovalTokenError,
  ApprovalValidationError,
} from '../errors/errors.js';
import type { ApprovalNotification } from '../notify/notifier.js';
import { authorizeActor } from '../policy/authorize.js';
import { type ApprovalActor, normalizeGateOptions } from '../policy/options.js';
import { type ApprovalVote, castVote, evaluateQuorum } from '../policy/quorum.js';
import { ApprovalStorage, type ApprovalTimer, type RequestRecord } from '../storage/approval-storage.js';
import { migrateApprovalTables } from '../storage/schema.js';
import { createDecisionToken, verifyDecisionToken } from '../tokens/signed-link.js';
import { approvalIdFor, gateDefinition, payloadHash, validateWithSchema, workflowMap } from './definitions.js';
import type { ApprovalDetails, ApprovalService, ApprovalServiceOptions, DecideInput, DecideResult } from './types.js';
import { optionsOf, toView } from './view.js';

const SYSTEM: ApprovalActor = { id: 'system', name: 'Weft timer' };
/** A closed-but-unresumed request is retried by `sync()` only after this grace (the closer resumes first). */
const RESUME_GRACE_MS = 5_000;
/** How often `sync()` looks for pending requests whose run stopped waiting. */
const ORPHAN_CHECK_MS = 30_000;

/**
 * Creates an approval service over the workflow store's database.
 *
 * @example
 * const store = await createStore({ url: 'file:.weft/weft.db' });
 * const engine = createEngine({ store, workflows: [refund] });
 * const approvals = createApprovalService({ store, engine, workflows: [refund], notifiers: [consoleNotifier()] });
 * approvals.start(); // picks up new gates, fires timeouts and reminders
 * const [first] = await approvals.listPending({ approver: { id: 'alice' } });
 * await approvals.decide({ id: first.id, decision: 'approve', actor: { id: 'alice' }, comment: 'ok' });
 */
export function createApprovalService(options: ApprovalServiceOptions): ApprovalService {
  const storage = new ApprovalStorage(options.store.db);
  const now = options.now ?? Date.now;
  const workflows = workflowMap(options.workflows);
  const notifiers = options.notifiers ?? [];
  const report =
    options.onError ?? ((err, ctx) => console.error(`[weft approval] ${ctx.phase} failed`, ctx.approvalId ?? '', err));
  let ready: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let lastOrphanCheck = Number.NEGATIVE_INFINITY;
  let unsubscribe: (() => void) | undefined;
  let kick: (() => void) | undefined;

  const init = () => {
    ready ??= migrateApprovalTables(options.store.db).catch((err) => {
      ready = undefined;
      throw err;
    });
    return ready;
  };
  const definition = (row: RequestRecord) => gateDefinition(workflows.get(row.workflowId), row.path);
  const urlOf = (id: string) =>
    options.publicUrl ? `${options.publicUrl.replace(/\/$/, '')}/approvals/${encodeURIComponent(id)}` : undefined;

  async function load(id: string): Promise<RequestRecord> {
    await init();
    let row = await storage.getRequest(id);
    if (!row) {
      await sync();
      row = await storage.getRequest(id);
    }
    if (!row) throw new ApprovalNotFoundError(id);
    return row;
  }

  async function notify(
    type: ApprovalNotification['type'],
    row: RequestRecord,
    extra: Partial<ApprovalNotification> = {},
  ) {
    if (notifiers.length === 0) return;
    const url = urlOf(row.id);
    const event: ApprovalNotification = {
      type,
      approval: {
        id: row.id,
        runId: row.runId,
        workflowId: row.workflowId,
        path: row.path,
        title: row.title,
        ...(row.summary === undefined ? {} : { summary: row.summary }),
        status: row.status,
        payload: row.payload,
        ...(row.dueAt === undefined ? {} : { dueAt: row.dueAt }),
        ...(url ? { url } : {}),
      },
      at: now(),
      ...extra,
    };
    await Promise.all(
      notifiers.map((n) =>
        n.notify(event).catch((err: unknown) => report(err, { phase: 'notify', approvalId: row.id })),
      ),
    );
  }

  async function resume(row: RequestRecord): Promise<void> {
    const approved = row.status === 'approved';
    const deciders = row.votes.filter((v) => v.decision === (approved ? 'approve' : 'reject'));
    const comment = [...deciders].reverse().find((v) => v.comment)?.comment;
    try {
      await options.engine.resume(row.runId, {
        step: row.path,
        data: {
          decision: approved ? 'approved' : 'rejected',
          ...(approved ? { payload: row.payload } : {}),
          actors: deciders.length ? deciders.map((v) => v.actor.id) : [SYSTEM.id],
          ...(comment ? { comment } : {}),
        },
      });
    } catch (err) {
      // Resumed elsewhere (or the run was canceled): the suspension is gone, nothing to retry.
      const open = await options.store.listSuspensions?.(row.runId).catch(() => undefined);
      if (!open || open.some((s) => s.path === row.path)) {
        report(err, { phase: 'resume', approvalId: row.id });
        return;
      }
    }
    await storage.markResumed(row.id, now());
  }

  async function sync(): Promise<number> {
    await init();
    let created = 0;
    try {
      const suspensions = await options.store.findSuspensions({ eventName: 'approval', limit: 10_000 });
      const ids = suspensions.map((s) => approvalIdFor(s.runId, s.path));
      const known = await storage.knownIds(ids);
      for (const s of suspensions) {
        const id = approvalIdFor(s.runId, s.path);
        if (known.has(id)) continue;
        const p = (s.payload ?? {}) as Record<string, unknown>;
        const def = gateDefinition(workflows.get(String(p.workflowId)), s.path);
        // Options: JSON from the suspension, with the definition's raw options (if any) on top.
        const normalized = normalizeGateOptions({
          ...(p.options as object),
          ...(def.raw ?? {}),
          ...(def.policy ? { hasPolicy: true } : {}),
        });
        const createdAt = s.createdAt;
        const dueAt = normalized.timeoutMs === undefined ? undefined : createdAt + normalized.timeoutMs;
        const row: RequestRecord = {
          id,
          runId: s.runId,
          path: s.path,
          workflowId: String(p.workflowId ?? ''),
          title: typeof p.title === 'string' && p.title ? p.title : `Approve ${s.path}`,
          ...(typeof p.summary === 'string' ? { summary: p.summary } : {}),
          status: 'pending',
          payload: p.payload,
          originalPayload: p.payload,
          options: normalized,
          votes: [],
          version: 0,
          escalated: false,
          createdAt,
          ...(dueAt === undefined ? {} : { dueAt }),
        };
        if (!(await storage.insertRequest(row))) continue;
        created++;
        const timers: ApprovalTimer[] = [];
        if (dueAt !== undefined) {
          timers.push({ id: `${id}:timeout`, approvalId: id, kind: 'timeout', dueAt });
          for (const before of normalized.remindBeforeMs) {
            timers.push({
              id: `${id}:reminder:${before}`,
              approvalId: id,
              kind: 'reminder',
              dueAt: Math.max(createdAt, dueAt - before),
            });
          }
        }
        await storage.addTimers(timers);
        await storage.addAudit({
          approvalId: id,
          at: now(),
          action: 'requested',
          via: 'system',
          payloadAfter: row.payload,
          details: { runId: s.runId, path: s.path },
        });
        await notify('request', row);
      }
      for (const row of await storage.listUnresumed()) {
        if ((row.decidedAt ?? 0) <= now() - RESUME_GRACE_MS) await resume(row);
      }
      await closeOrphans(new Set(ids));
    } catch (err) {
      report(err, { phase: 'sync' });
      throw err;
    }
    return created;
  }

  /**
   * Pending requests whose gate is no longer suspended (the run was canceled, or resumed without
   * the service) can never be decided: mark them `canceled` so inboxes stop showing them.
   */
  async function closeOrphans(open: Set<string>) {
    // O(pending) reads: run at most every ORPHAN_CHECK_MS per process.
    if (now() - lastOrphanCheck < ORPHAN_CHECK_MS) return;
    lastOrphanCheck = now();
    for (const row of await storage.listRequests({
      status: 'pending',
      createdBefore: now() - RESUME_GRACE_MS,
      limit: 10_000,
    })) {
      const run = await options.store.getRun?.(row.runId);
      const finished = !run || ['success', 'failed', 'canceled'].includes(run.status);
      const suspendedElsewhere =
        !open.has(row.id) &&
        run?.status === 'suspended' &&
        !(await options.store.listSuspensions?.(row.runId))?.some((x) => x.path === row.path);
      if (!finished && !suspendedElsewhere) continue;
      const at = now();
      if (!(await storage.compareAndSet(row.id, row.version, { status: 'canceled', decidedAt: at, resumedAt: at })))
        continue;
      await storage.deleteTimersOf(row.id);
      await storage.addAudit({
        approvalId: row.id,
        at,
        action: 'canceled',
        via: 'system',
        details: { runStatus: run?.status ?? 'deleted' },
      });
    }
  }

  /** Closes a pending request with a CAS; returns the closed row, or undefined if it was not pending anymore. */
  async function close(
    row: RequestRecord,
    outcome: 'approved' | 'rejected',
    closedBy: 'decision' | 'timeout',
    votes: ApprovalVote[],
    payload: unknown,
  ) {
    const decidedAt = now();
    const ok = await storage.compareAndSet(row.id, row.version, {
      status: outcome,
      votes,
      payload,
      decidedAt,
      closedBy,
    });
    if (!ok) return undefined;
    const closed: RequestRecord = {
      ...row,
      status: outcome,
      votes,
      payload,
      decidedAt,
      closedBy,
      version: row.version + 1,
    };
    await storage.deleteTimersOf(row.id);
    return closed;
  }

  async function decide(input: DecideInput): Promise<DecideResult> {
    if (!['approve', 'reject', 'request_changes'].includes(input.decision)) {
      throw new TypeError(
        `Expected decision to be 'approve', 'reject' or 'request_changes', found ${JSON.stringify(input.decision)}`,
      );
    }
    const via = input.via ?? 'api';
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = await load(input.id);
      const o = optionsOf(row);
      const def = definition(row);
      const denied = authorizeActor(
        input.actor,
        o,
        {
          id: row.id,
          runId: row.runId,
          workflowId: row.workflowId,
          path: row.path,
          payload: row.payload,
          escalated: row.escalated,
        },
        def.policy,
      );
      if (denied) throw new ApprovalForbiddenError(row.id, String(input.actor?.id ?? ''), denied);
      const editing =
        input.editedPayload !== undefined && payloadHash(input.editedPayload) !== payloadHash(row.payload);
      if (editing && input.decision !== 'approve') {
        throw new ApprovalForbiddenError(
          row.id,
          input.actor.id,
          `an edited payload can only come with 'approve', not '${input.decision}'`,
        );
      }
      if (editing && !o.allowEdit)
        throw new ApprovalForbiddenError(row.id, input.actor.id, 'this gate does not allow edits (allowEdit is off)');
      if (row.status !== 'pending') {
        const same =
          (input.decision === 'approve' && row.status === 'approved') ||
          (input.decision === 'reject' && row.status === 'rejected');
        if (same && !editing) return { request: toView(row), changed: false };
        throw new ApprovalClosedError(row.id, row.status, input.decision);
      }
      if (editing) {
        const issues = validateWithSchema(def.schema, input.editedPayload);
        if (issues.length) throw new ApprovalValidationError(row.id, issues);
      }
      const payload = editing ? input.editedPayload : row.payload;
      const hash = payloadHash(payload);
      const previous = row.votes.find((v) => v.actor.id === input.actor.id);
      if (
        previous &&
        previous.decision === input.decision &&
        previous.payloadHash === hash &&
        (previous.comment ?? '') === (input.comment ?? '')
      ) {
        return { request: toView(row), changed: false };
      }
      const vote: ApprovalVote = {
        actor: {
          id: input.actor.id,
          ...(input.actor.name ? { name: input.actor.name } : {}),
          ...(input.actor.groups ? { groups: [...input.actor.groups] } : {}),
        },
        decision: input.decision,
        ...(input.comment ? { comment: input.comment } : {}),
        payloadHash: hash,
        edited: editing,
        via,
        at: now(),
      };
      const votes = castVote(row.votes, vote);
      const { outcome } = evaluateQuorum(votes, o, hash);
      let next: RequestRecord | undefined;
      if (outcome === 'pending') {
        if (await storage.compareAndSet(row.id, row.version, { votes, payload }))
          next = { ...row, votes, payload, version: row.version + 1 };
      } else {
        next = await close(row, outcome, 'decision', votes, payload);
      }
      if (!next) continue; // lost a race: reload and re-evaluate against the winner's state
      await storage.addAudit({
        approvalId: row.id,
        at: vote.at,
        action: input.decision,
        actor: vote.actor,
        via,
        ...(input.comment ? { comment: input.comment } : {}),
        payloadBefore: row.payload,
        payloadAfter: payload,
        details: { outcome: next.status, edited: editing, ...(input.origin ? { origin: input.origin } : {}) },
      });
      if (next.status !== 'pending') await resume(next);
      await notify('decision', next, {
        decision: {
          actor: vote.actor,
          decision: input.decision,
          ...(input.comment ? { comment: input.comment } : {}),
          via,
          outcome: next.status,
        },
      });
      return { request: toView(next), changed: true, ...(next.status === 'pending' ? {} : { outcome: next.status }) };
    }
    throw new ApprovalClosedError(input.id, 'contended', input.decision);
  }

  async function fire(t: ApprovalTimer): Promise<void> {
    const row = await storage.getRequest(t.approvalId);
    if (row?.status !== 'pending') return;
    const o = optionsOf(row);
    if (t.kind === 'reminder') {
      await storage.addAudit({ approvalId: row.id, at: now(), action: 'reminder', via: 'system', actor: SYSTEM });
      await notify('reminder', row);
      return;
    }
    const action = t.kind === 'timeout' ? o.onTimeout : (o.escalateTo?.onTimeout ?? 'reject');
    if (action === 'escalate' && !row.escalated) {
      const dueAt = o.escalateTo?.timeoutMs === undefined ? undefined : now() + o.escalateTo.timeoutMs;
      if (
        !(await storage.compareAndSet(row.id, row.version, {
          escalated: true,
          ...(dueAt === undefined ? {} : { dueAt }),
        }))
      )
        return fire(t);
      const next = { ...row, escalated: true, version: row.version + 1, ...(dueAt === undefined ? {} : { dueAt }) };
      if (dueAt !== undefined)
        await storage.addTimers([
          { id: `${row.id}:escalation-timeout`, approvalId: row.id, kind: 'escalation-timeout', dueAt },
        ]);
      await storage.addAudit({
        approvalId: row.id,
        at: now(),
        action: 'escalated',
        via: 'system',
        actor: SYSTEM,
        details: { to: o.escalateTo },
      });
      await notify('escalation', next, { timeoutAction: 'escalate' });
      return;
    }
    const outcome = action === 'approve' ? 'approved' : 'rejected';
    const closed = await close(row, outcome, 'timeout', row.votes, row.payload);
    if (!closed) return fire(t);
    await storage.addAudit({
      approvalId: row.id,
      at: now(),
      action: 'timeout',
      via: 'system',
      actor: SYSTEM,
      payloadBefore: row.payload,
      payloadAfter: row.payload,
      details: { outcome },
    });
    await resume(closed);
    await notify('timeout', closed, { timeoutAction: action === 'approve' ? 'approve' : 'reject' });
  }

  async function processTimers(): Promise<number> {
    await init();
    const due = await storage.claimDueTimers(now(), 60_000, 50);
    for (const t of due) {
      try {
        await fire(t);
        await storage.deleteTimer(t.id);
      } catch (err) {
        report(err, { phase: 'timer', approvalId: t.approvalId });
      }
    }
    return due.length;
  }

  function tokenFor(input: Parameters<ApprovalService['createDecisionToken']>[0]): string {
    return createDecisionToken(options.linkSecret, {
      approvalId: input.id,
      actor: input.actor,
      decision: input.decision,
      expiresAt: now() + (input.expiresInMs ?? 24 * 3_600_000),
    });
  }

  const service: ApprovalService = {
    init,
    sync,
    async listPending(filter = {}) {
      await sync();
      const t = now();
      const rows = await storage.listRequests({
        status: 'pending',
        ...(filter.workflowId ? { workflowId: filter.workflowId } : {}),
        ...(filter.minAgeMs === undefined ? {} : { createdBefore: t - filter.minAgeMs }),
        ...(filter.maxAgeMs === undefined ? {} : { createdAfter: t - filter.maxAgeMs }),
        limit: filter.approver ? 1000 : (filter.limit ?? 500),
      });
      const actor = typeof filter.approver === 'string' ? { id: filter.approver } : filter.approver;
      const visible = actor
        ? rows.filter(
            (r) => !authorizeActor(actor, optionsOf(r), { ...r, escalated: r.escalated }, definition(r).policy),
          )
        : rows;
      return visible.slice(0, filter.limit ?? 500).map(toView);
    },
    async list(filter = {}) {
      await sync();
      return (await storage.listRequests(filter)).map(toView);
    },
    async get(id) {
      const row = await load(id);
      const details: ApprovalDetails = toView(row);
      const run = await options.store.getRun?.(row.runId);
      if (run)
        details.run = {
          id: run.id,
          workflowId: run.workflowId,
          status: run.status,
          input: run.input,
          createdAt: run.createdAt,
        };
      const steps = await options.store.listSteps?.(row.runId);
      if (steps)
        details.steps = Object.fromEntries(steps.filter((s) => s.status === 'success').map((s) => [s.path, s.output]));
      return details;
    },
    async checkActor(id, actor) {
      const row = await load(id);
      return authorizeActor(actor, optionsOf(row), { ...row, escalated: row.escalated }, definition(row).policy);
    },
    async validatePayload(id, payload) {
      return validateWithSchema(definition(await load(id)).schema, payload);
    },
    decide,
    async audit(id) {
      await load(id);
      return storage.listAudit(id);
    },
    createDecisionToken: tokenFor,
    createDecisionLink(input) {
      const base = (options.publicUrl ?? '').replace(/\/$/, '');
      return `${base}/links/${tokenFor(input)}`;
    },
    inspectDecisionToken(token) {
      const c = verifyDecisionToken(options.linkSecret, token, { now: now() });
      return { approvalId: c.a, actorId: c.u, decision: c.d, expiresAt: c.e };
    },
    async decideWithToken(token, input = {}) {
      const claims = verifyDecisionToken(options.linkSecret, token, {
        now: now(),
        ...(input.id ? { approvalId: input.id } : {}),
      });
      await load(claims.a);
      const actor: ApprovalActor = { id: claims.u, ...(claims.g ? { groups: claims.g } : {}) };
      if (!(await storage.useToken(claims.n, claims.a, claims.u, now()))) {
        throw new ApprovalTokenError('replayed', 'this link was already used; each link works once');
      }
      return decide({
        id: claims.a,
        decision: claims.d,
        actor,
        via: input.via ?? 'link',
        ...(input.comment ? { comment: input.comment } : {}),
        origin: { ...input.origin, token: claims.n },
      });
    },
    processTimers,
    start(startOptions = {}) {
      if (!stopped) return;
      stopped = false;
      const pollMs = startOptions.pollMs ?? 1000;
      const loop = async () => {
        if (stopped) return;
        if (timer) clearTimeout(timer);
        timer = undefined;
        running = (async () => {
          await sync().catch(() => undefined);
          await processTimers().catch((err) => report(err, { phase: 'timer' }));
        })();
        await running;
        if (!stopped) timer = setTimeout(loop, pollMs);
      };
      // A suspension at an approval gate triggers a sync right away instead of at the next poll.
      kick = () => {
        if (!stopped && timer) {
          clearTimeout(timer);
          timer = setTimeout(loop, 0);
        }
      };
      unsubscribe = options.engine.on?.('step:suspended', () => kick?.());
      void loop();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
  return service;
}
