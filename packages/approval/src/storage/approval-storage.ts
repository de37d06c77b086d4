/**
 * Row access for the approval tables through kysely's query builder (portable across the libsql
 * and Postgres dialects of the workflow store). Every mutation of a request is a compare-and-set
 * on `version` with RETURNING, so "who won" is decided by the database in one statement.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalVote } from '../policy/quorum.js';

type Db = Kysely<any>;

/** Status of an approval request. `canceled`: the run stopped waiting (canceled or resumed elsewhere). */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'canceled';

/** A request as stored (JSON decoded). */
export interface RequestRecord {
  /** Id (entries sort by it in time order). */
  id: string;
  runId: string;
  path: string;
  workflowId: string;
  title: string;
  summary?: string;
  status: ApprovalStatus;
  payload: unknown;
  originalPayload: unknown;
  /** Normalized gate options (JSON). */
  options: unknown;
  votes: ApprovalVote[];
  version: number;
  escalated: boolean;
  createdAt: number;
  dueAt?: number;
  decidedAt?: number;
  closedBy?: 'decision' | 'timeout';
  resumedAt?: number;
}

let auditSeq = 0;
/** A per-process counter that orders audit entries written within one millisecond. */
function nextAuditSeq(): number {
  auditSeq = (auditSeq + 1) % 1_000_000_000;
  return auditSeq;
}

/** The actions stored in the audit log (see {@link AuditEntry.action}). */
export type AuditAction =
  | 'requested'
  | 'approve'
  | 'reject'
  | 'request_changes'
  | 'reminder'
  | 'escalated'
  | 'timeout'
  | 'canceled';

/** One audit log entry. */
export interface AuditEntry {
  /** Id (entries sort by it in time order). */
  id: string;
  /** Approval request id. */
  approvalId: string;
  /** When (epoch ms). */
  at: number;
  /**
   * What happened: `requested` (the gate opened), a decision (`approve`, `reject`,
   * `request_changes`), `reminder`, `escalated`, `timeout`, or `canceled` (the run left the gate
   * without a decision, e.g. it was canceled).
   */
  action: AuditAction;
  /** Who (absent for system actions without an actor). */
  actor?: ApprovalActor;
  /** Interface: `inbox`, `http`, `link`, `terminal`, `ci`, `api`, `system`. */
  via: string;
  /** Comment given with the action. */
  comment?: string;
  /** Payload before the action. */
  payloadBefore?: unknown;
  /** Payload after the action (differs from before when edited). */
  payloadAfter?: unknown;
  /** Outcome, origin (user agent, forwarded-for), escalation target, … */
  details?: Record<string, unknown>;
}

/** A durable approval timer. */
export interface ApprovalTimer {
  /** Id (entries sort by it in time order). */
  id: string;
  /** Approval request id. */
  approvalId: string;
  kind: 'timeout' | 'reminder' | 'escalation-timeout';
  dueAt: number;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parse = (v: unknown): unknown => (v === null || v === undefined ? undefined : JSON.parse(String(v)));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function toRecord(r: Record<string, unknown>): RequestRecord {
  return {
    id: String(r.id),
    runId: String(r.run_id),
    path: String(r.path),
    workflowId: String(r.workflow_id),
    title: String(r.title),
    ...(r.summary == null ? {} : { summary: String(r.summary) }),
    status: r.status as ApprovalStatus,
    payload: parse(r.payload),
    originalPayload: parse(r.original_payload),
    options: parse(r.options),
    votes: (parse(r.votes) as ApprovalVote[] | undefined) ?? [],
    version: Number(r.version),
    escalated: Number(r.escalated) === 1,
    createdAt: Number(r.created_at),
    ...(r.due_at == null ? {} : { dueAt: num(r.due_at) }),
    ...(r.decided_at == null ? {} : { decidedAt: num(r.decided_at) }),
    ...(r.closed_by == null ? {} : { closedBy: r.closed_by as 'decision' | 'timeout' }),
    ...(r.resumed_at == null ? {} : { resumedAt: num(r.resumed_at) }),
  };
}

/** Fields a compare-and-set may change. */
export type RequestPatch = Partial<
  Pick<RequestRecord, 'status' | 'payload' | 'votes' | 'escalated' | 'dueAt' | 'decidedAt' | 'closedBy' | 'resumedAt'>
>;

/** Access to the approval tables. */
export class ApprovalStorage {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Inserts a new request unless one exists for the id; returns whether this call created it. */
  async insertRequest(r: RequestRecord): Promise<boolean> {
    const rows = await this.#db
      .insertInto('weft_approval_requests')
      .values({
        id: r.id,
        run_id: r.runId,
        path: r.path,
        workflow_id: r.workflowId,
        title: r.title,
        summary: r.summary ?? null,
        status: r.status,
        payload: json(r.payload),
        original_payload: json(r.originalPayload),
        options: JSON.stringify(r.options),
        votes: JSON.stringify(r.votes),
        version: r.version,
        escalated: r.escalated ? 1 : 0,
        created_at: r.createdAt,
        due_at: r.dueAt ?? null,
        decided_at: null,
        closed_by: null,
        resumed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    return rows.length === 1;
  }

  async getRequest(id: string): Promise<RequestRecord | undefined> {
    const row = await this.#db.selectFrom('weft_approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async knownIds(ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    // Chunks keep the statement under every driver's bound-parameter limit.
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.#db
        .selectFrom('weft_approval_requests')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) known.add(String(r.id));
    }
    return known;
  }

  async listRequests(q: {
    status?: ApprovalStatus;
    workflowId?: string;
    createdBefore?: number;
    createdAfter?: number;
    limit?: number;
  }): Promise<RequestRecord[]> {
    let query = this.#db.selectFrom('weft_approval_requests').selectAll();
    if (q.status) query = query.where('status', '=', q.status);
    if (q.workflowId) query = query.where('workflow_id', '=', q.workflowId);
    if (q.createdBefore !== undefined) query = query.where('created_at', '<=', q.createdBefore);
    if (q.createdAfter !== undefined) query = query.where('created_at', '>=', q.createdAfter);
    const rows = await query
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(q.limit ?? 500)
      .execute();
    return rows.map(toRecord);
  }

  /** Closed requests whose run was not resumed yet (a crash between deciding and resuming). */
  async listUnresumed(limit = 50): Promise<RequestRecord[]> {
    const rows = await this.#db
      .selectFrom('weft_approval_requests')
      .selectAll()
      .where('status', '!=', 'pending')
      .where('resumed_at', 'is', null)
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  /** Applies `patch` (and bumps the version) only if the row is still at `version`. */
  async compareAndSet(id: string, version: number, patch: RequestPatch): Promise<boolean> {
    const set: Record<string, unknown> = { version: version + 1 };
    if (patch.status !== undefined) set.status = patch.status;
    if ('payload' in patch) set.payload = json(patch.payload);
    if (patch.votes !== undefined) set.votes = JSON.stringify(patch.votes);
    if (patch.escalated !== undefined) set.escalated = patch.escalated ? 1 : 0;
    if (patch.dueAt !== undefined) set.due_at = patch.dueAt;
    if (patch.decidedAt !== undefined) set.decided_at = patch.decidedAt;
    if (patch.closedBy !== undefined) set.closed_by = patch.closedBy;
    if (patch.resumedAt !== undefined) set.resumed_at = patch.resumedAt;
    const rows = await this.#db
      .updateTable('weft_approval_requests')
      .set(set)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .execute();
    return rows.length === 1;
  }

  /** Marks the run as resumed (not versioned: it never changes the outcome). */
  async markResumed(id: string, at: number): Promise<void> {
    await this.#db
      .updateTable('weft_approval_requests')
      .set({ resumed_at: at })
      .where('id', '=', id)
      .where('resumed_at', 'is', null)
      .execute();
  }

  async addAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.#db
      .insertInto('weft_approval_audit')
      .values({
        // Ordered by time, then by write order inside this process: entries written in the same
        // millisecond (request, then decision) must list in the order they happened.
        id: `${String(entry.at).padStart(15, '0')}-${String(nextAuditSeq()).padStart(9, '0')}-${randomUUID()}`,
        approval_id: entry.approvalId,
        at: entry.at,
        action: entry.action,
        actor: json(entry.actor),
        via: entry.via,
        comment: entry.comment ?? null,
        payload_before: json(entry.payloadBefore),
        payload_after: json(entry.payloadAfter),
        details: json(entry.details),
      })
      .execute();
  }

  async listAudit(approvalId: string): Promise<AuditEntry[]> {
    const rows = await this.#db
      .selectFrom('weft_approval_audit')
      .selectAll()
      .where('approval_id', '=', approvalId)
      .orderBy('id', 'asc')
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      approvalId: String(r.approval_id),
      at: Number(r.at),
      action: String(r.action) as AuditAction,
      ...(r.actor == null ? {} : { actor: parse(r.actor) as ApprovalActor }),
      via: String(r.via),
      ...(r.comment == null ? {} : { comment: String(r.comment) }),
      ...(r.payload_before == null ? {} : { payloadBefore: parse(r.payload_before) }),
      ...(r.payload_after == null ? {} : { payloadAfter: parse(r.payload_after) }),
      ...(r.details == null ? {} : { details: parse(r.details) as Record<string, unknown> }),
    }));
  }

  /** Records a link nonce; false when it was used before (the primary key decides, atomically). */
  async useToken(nonce: string, approvalId: string, actorId: string, at: number): Promise<boolean> {
    const rows = await this.#db
      .insertInto('weft_approval_tokens')
      .values({ nonce, approval_id: approvalId, actor_id: actorId, used_at: at })
      .onConflict((oc) => oc.doNothing())
      .returning('nonce')
      .execute();
    return rows.length === 1;
  }

  async addTimers(timers: ApprovalTimer[]): Promise<void> {
    if (timers.length === 0) return;
    await this.#db
      .insertInto('weft_approval_timers')
      .values(
        timers.map((t) => ({
          id: t.id,
          approval_id: t.approvalId,
          kind: t.kind,
          due_at: t.dueAt,
          claimed_until: null,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** Claims due timers for `leaseMs`; each timer is claimed by one caller (CAS on claimed_until). */
  async claimDueTimers(now: number, leaseMs: number, limit: number): Promise<ApprovalTimer[]> {
    const due = await this.#db
      .selectFrom('weft_approval_timers')
      .selectAll()
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('due_at', 'asc')
      .limit(limit)
      .execute();
    const claimed: ApprovalTimer[] = [];
    for (const t of due) {
      const rows = await this.#db
        .updateTable('weft_approval_timers')
        .set({ claimed_until: now + leaseMs })
        .where('id', '=', t.id)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .returning('id')
        .execute();
      if (rows.length === 1) {
        claimed.push({
          id: String(t.id),
          approvalId: String(t.approval_id),
          kind: t.kind as ApprovalTimer['kind'],
          dueAt: Number(t.due_at),
        });
      }
    }
    return claimed;
  }

  async listTimers(approvalId: string): Promise<ApprovalTimer[]> {
    const rows = await this.#db
      .selectFrom('weft_approval_timers')
      .selectAll()
      .where('approval_id', '=', approvalId)
      .orderBy('due_at')
      .execute();
    return rows.map((t) => ({
      id: String(t.id),
      approvalId: String(t.approval_id),
      kind: t.kind as ApprovalTimer['kind'],
      dueAt: Number(t.due_at),
    }));
  }

  async deleteTimer(id: string): Promise<void> {
    await this.#db.deleteFrom('weft_approval_timers').where('id', '=', id).execute();
  }

  async deleteTimersOf(approvalId: string): Promise<void> {
    await this.#db.deleteFrom('weft_approval_timers').where('approval_id', '=', approvalId).execute();
  }
}
