/**
 * What the parts of the service share: options, storage, clock, and the helpers every path needs
 * (load a request, notify, close a gate with a compare-and-set, resume the run).
 */
import { detailPath } from '../http/paths.js';
import { ApprovalNotFoundError } from '../errors/errors.js';
import type { ApprovalNotification } from '../notify/notifier.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalVote } from '../policy/quorum.js';
import { ApprovalStorage, type RequestRecord } from '../storage/approval-storage.js';
import { migrateApprovalTables } from '../storage/schema.js';
import { type GateDefinition, gateDefinition, workflowMap } from './definitions.js';
import type { ApprovalErrorContext, ApprovalServiceOptions } from './types.js';

/** The actor recorded for timer actions. */
export const SYSTEM: ApprovalActor = { id: 'system', name: 'Weft timer' };
/** A closed-but-unresumed request is retried by `sync()` only after this grace (the closer resumes first). */
export const RESUME_GRACE_MS = 5_000;

/** How a resume reports a lost race. */
export interface ResumeOptions {
  quietRace?: boolean;
}

/** Shared state and helpers of one service instance. */
export interface ServiceContext {
  readonly options: ApprovalServiceOptions;
  readonly storage: ApprovalStorage;
  readonly now: () => number;
  readonly report: (error: unknown, context: ApprovalErrorContext) => void;
  /** Creates the tables once. */
  init(): Promise<void>;
  /** Picks up new gates (set by the service; `load` uses it for ids it has not seen yet). */
  sync: () => Promise<number>;
  /** A request by id, syncing once if it is unknown. Throws ApprovalNotFoundError. */
  load(id: string): Promise<RequestRecord>;
  /** The definition-side gate (policy function, schema) of a request. */
  definition(row: RequestRecord): GateDefinition;
  /** The definition-side gate of a workflow's step. */
  definitionOf(workflowId: string, path: string): GateDefinition;
  notify(type: ApprovalNotification['type'], row: RequestRecord, extra?: Partial<ApprovalNotification>): Promise<void>;
  /** Closes a pending request with a CAS; the closed row, or undefined if another process changed it first. */
  close(
    row: RequestRecord,
    outcome: 'approved' | 'rejected',
    closedBy: 'decision' | 'timeout',
    votes: ApprovalVote[],
    payload: unknown,
  ): Promise<RequestRecord | undefined>;
  /**
   * Resumes the run of a closed request; failures are reported and retried by `sync()`. With
   * `quietRace`, losing the race to another process (the run is no longer suspended) is not reported.
   */
  resume(row: RequestRecord, options?: ResumeOptions): Promise<void>;
  /** Resumes now (`awaitResume`) or in the background, tracked so `settled()` can wait for it. */
  continueRun(row: RequestRecord, options?: ResumeOptions): Promise<void>;
  /** Whether this process is resuming that request right now. */
  resuming(id: string): boolean;
  /** Resolves when every background resume started by this process has finished. */
  settled(): Promise<void>;
}

/** Builds the shared context. */
export function createServiceContext(options: ApprovalServiceOptions): ServiceContext {
  const storage = new ApprovalStorage(options.store.db);
  const now = options.now ?? Date.now;
  const workflows = workflowMap(options.workflows);
  const notifiers = options.notifiers ?? [];
  const report =
    options.onError ??
    ((err: unknown, c: ApprovalErrorContext) =>
      console.error(`[weft approval] ${c.phase} failed`, c.approvalId ?? '', err));
  const urlOf = (id: string) => (options.publicUrl ? detailPath(options.publicUrl, id) : undefined);
  let ready: Promise<void> | undefined;
  const inflight = new Set<Promise<void>>();
  const resumingIds = new Set<string>();
  // A run parked by a deploy is reported once per request, not at every sync.
  const parkedReported = new Set<string>();

  const resumeOnce = async (row: RequestRecord, resumeOptions: ResumeOptions): Promise<void> => {
    const approved = row.status === 'approved';

    const deciders = row.votes.filter((v) => v.decision === (approved ? 'approve' : 'reject'));
    const comment = [...deciders].reverse().find((v) => v.comment)?.comment;
    try {
      await options.engine.resume(row.runId, {
        step: row.path,
        data: {
          decision: approved ? 'approve' : 'reject',
          ...(approved ? { payload: row.payload } : {}),
          actors: deciders.length ? deciders.map((v) => v.actor.id) : [SYSTEM.id],
          ...(comment ? { comment } : {}),
        },
      });
    } catch (err) {
      // Resumed elsewhere (or the run was canceled): the suspension is gone, nothing to retry.
      const open = await options.store.listSuspensions?.(row.runId).catch(() => undefined);
      if (!open || open.some((s) => s.path === row.path)) {
        const code = (err as { code?: unknown } | null)?.code;
        // Lost the race to another process resuming it: it carries on there.
        if (resumeOptions.quietRace && code === 'WEFT_RUN_NOT_SUSPENDED') return;
        if (code === 'WEFT_RUN_PARKED') {
          // A deploy parked the run: the decision stays recorded; after `weft runs migrate` it resumes.
          if (!parkedReported.has(row.id)) report(err, { phase: 'resume', approvalId: row.id });
          parkedReported.add(row.id);
          return;
        }
        report(err, { phase: 'resume', approvalId: row.id });
        return;
      }
    }
    await storage.markResumed(row.id, now());
  };

  const ctx: ServiceContext = {
    options,
    storage,
    now,
    report,
    init() {
      ready ??= migrateApprovalTables(options.store.db).catch((err) => {
        ready = undefined;
        throw err;
      });
      return ready;
    },
    sync: async () => 0,
    async load(id) {
      await ctx.init();
      let row = await storage.getRequest(id);
      if (!row) {
        await ctx.sync();
        row = await storage.getRequest(id);
      }
      if (!row) throw new ApprovalNotFoundError(id);
      return row;
    },
    definition: (row) => gateDefinition(workflows.get(row.workflowId), row.path),
    definitionOf: (workflowId, path) => gateDefinition(workflows.get(workflowId), path),
    async notify(type, row, extra = {}) {
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
    },
    async close(row, outcome, closedBy, votes, payload) {
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
    },
    resuming: (id) => resumingIds.has(id),
    async resume(row, resumeOptions = {}) {
      if (resumingIds.has(row.id)) return;
      resumingIds.add(row.id);
      try {
        await resumeOnce(row, resumeOptions);
      } finally {
        resumingIds.delete(row.id);
      }
    },
    async continueRun(row, resumeOptions) {
      if (options.awaitResume) return ctx.resume(row, resumeOptions);
      // The decision is committed; the rest of the run (maybe minutes of LLM calls) must not hold
      // the caller (an HTTP request, a CLI). Durability does not depend on this promise: if the
      // process dies, `sync()` elsewhere resumes (resumed_at is still empty) or the engine recovers.
      const p: Promise<void> = ctx
        .resume(row, resumeOptions)
        .catch((err: unknown) => report(err, { phase: 'resume', approvalId: row.id }));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    },
    async settled() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
  return ctx;
}
