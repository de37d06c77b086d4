/**
 * The approval service: turns approval suspensions in the workflow store into requests, applies
 * decisions atomically (compare-and-set on the request row), resumes the run in whichever process
 * closed the gate, fires durable timers, and keeps the audit log.
 *
 * Flow: engine suspends at `.awaitApproval()` → `sync()` sees the suspension, inserts the request
 * (deterministic id; the inserting process notifies and schedules timers) → `decide()` / a timer
 * closes it with one CAS → the winner resumes the engine → `sync()` retries resumes that a crash
 * interrupted. The parts live in sync.ts, decide.ts and timers.ts over a shared context.ts.
 */
import { linkPath } from '../http/paths.js';
import { ApprovalTokenError } from '../errors/errors.js';
import { authorizeActor } from '../policy/authorize.js';
import type { ApprovalActor } from '../policy/options.js';
import { createDecisionToken, verifyDecisionToken } from '../tokens/signed-link.js';
import { createServiceContext } from './context.js';
import { decide as decideWith } from './decide.js';
import { validateWithSchema } from './definitions.js';
import { watchDecisions } from './decisions.js';
import { syncGates } from './sync.js';
import { processTimers as runTimers } from './timers.js';
import type {
  ApprovalDetails,
  ApprovalService,
  ApprovalServiceOptions,
  DecideInput,
  DecisionTokenInput,
} from './types.js';
import { optionsOf, toView } from './view.js';

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
  const ctx = createServiceContext(options);
  const { storage, now, report } = ctx;
  const orphanState = { lastOrphanCheck: Number.NEGATIVE_INFINITY };
  const sync = () => syncGates(ctx, orphanState);
  ctx.sync = sync;
  const init = () => ctx.init();
  const load = (id: string) => ctx.load(id);
  const definition = ctx.definition;
  const decide = (input: DecideInput) => decideWith(ctx, input);
  const processTimers = () => runTimers(ctx);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let unsubscribe: (() => void) | undefined;
  let kick: (() => void) | undefined;
  let stopWatch: (() => Promise<void>) | undefined;

  function tokenFor(input: DecisionTokenInput): string {
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
      return linkPath(options.publicUrl ?? '', tokenFor(input));
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
      const decisionPollMs = startOptions.decisionPollMs ?? 100;
      if (decisionPollMs > 0) stopWatch = watchDecisions(ctx, decisionPollMs);
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
    settled: () => ctx.settled(),
    async stop() {
      stopped = true;
      unsubscribe?.();
      if (timer) clearTimeout(timer);
      await stopWatch?.();
      stopWatch = undefined;
      await running;
      await ctx.settled();
    },
    close() {
      return service.stop();
    },
    [Symbol.asyncDispose]() {
      return service.stop();
    },
  };
  return service;
}
