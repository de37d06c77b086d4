/** Public types of the approval service. */
import type { Kysely } from 'kysely';
import type { RunRecord, StepRecord, SuspensionRecord } from '@weft/workflow';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision, ApprovalInterface, ApprovalVote } from '../policy/quorum.js';
import type { AuditEntry, ApprovalStatus } from '../storage/approval-storage.js';
import type { Notifier, ApprovalNotification } from '../notify/notifier.js';
import type { ApprovalWorkflowLike } from './definitions.js';

/** The parts of the workflow store the service uses: its kysely handle and suspension queries. */
export interface ApprovalStoreLike {
  readonly db: Kysely<any>;
  findSuspensions(query: { eventName?: string; workflowId?: string; limit?: number }): Promise<SuspensionRecord[]>;
  listSuspensions?(runId: string): Promise<SuspensionRecord[]>;
  getRun?(runId: string): Promise<RunRecord | undefined>;
  listSteps?(runId: string): Promise<StepRecord[]>;
}

/** What the service sends to the engine to resume a run at a gate. */
export interface ApprovalResumeData {
  decision: 'approved' | 'rejected';
  /** The payload as approved (edited or not); absent on rejection. */
  payload?: unknown;
  actors: string[];
  comment?: string;
}

/** The parts of the workflow engine the service uses. */
export interface ApprovalEngineLike {
  resume(runId: string, input: { step: string; data: ApprovalResumeData }): Promise<unknown>;
  /** When present, `start()` listens for `step:suspended` to pick new gates up at once. */
  on?(type: string, listener: (event: { type: string; runId: string; path?: string }) => void): () => void;
}

/** Options of {@link createApprovalService}. */
export interface ApprovalServiceOptions {
  store: ApprovalStoreLike;
  engine: ApprovalEngineLike;
  /** Committed workflows (for policy functions and schemas), as a list or a record by id. */
  workflows?: Iterable<ApprovalWorkflowLike> | Record<string, ApprovalWorkflowLike>;
  notifiers?: Notifier[];
  /** Secret (>= 16 chars) for signed decision links. */
  linkSecret?: string;
  /** Public URL of the inbox (e.g. `https://ops.example.com/approvals`), used in notifications and links. */
  publicUrl?: string;
  /** Clock (tests). Default `Date.now`. */
  now?: () => number;
  /** Called when a notifier, a resume or a timer fails (they never throw into callers). */
  onError?: (error: unknown, context: { phase: 'notify' | 'resume' | 'timer' | 'sync'; approvalId?: string }) => void;
}

/** A request as the service returns it. */
export interface ApprovalRequest {
  id: string;
  runId: string;
  workflowId: string;
  /** Step path of the gate inside the run. */
  path: string;
  title: string;
  summary?: string;
  status: ApprovalStatus;
  /** Current payload (edited, if an approver edited it). */
  payload: unknown;
  originalPayload: unknown;
  edited: boolean;
  allowEdit: boolean;
  approvers: { users: string[]; groups: string[]; policy: boolean; anyone: boolean };
  quorum: number;
  rejectionsToReject: number;
  /** Approvals of the current payload so far. */
  approvals: number;
  votes: ApprovalVote[];
  createdAt: number;
  dueAt?: number;
  onTimeout: 'approve' | 'reject' | 'escalate';
  escalated: boolean;
  decidedAt?: number;
  closedBy?: 'decision' | 'timeout';
}

/** A request with the run it belongs to. */
export interface ApprovalDetails extends ApprovalRequest {
  run?: { id: string; workflowId: string; status: string; input: unknown; createdAt: number };
  /** Outputs of the run's successful steps, by path. */
  steps?: Record<string, unknown>;
}

/** Filters of {@link ApprovalService.listPending}. */
export interface ListPendingFilter {
  /** Only requests this actor may decide (an id means `{ id }`). */
  approver?: ApprovalActor | string;
  workflowId?: string;
  /** Only requests at least this old (ms). */
  minAgeMs?: number;
  /** Only requests at most this old (ms). */
  maxAgeMs?: number;
  limit?: number;
}

/** Input of {@link ApprovalService.decide}. */
export interface DecideInput {
  id: string;
  decision: ApprovalDecision;
  actor: ApprovalActor;
  comment?: string;
  /** With `approve` on gates with `allowEdit`: the payload to approve instead (validated by the schema). */
  editedPayload?: unknown;
  /** Interface the decision came from (audit log). Default `'api'`. */
  via?: ApprovalInterface;
  /** Free-form origin details for the audit log (e.g. IP address, user agent). */
  origin?: Record<string, unknown>;
}

/** Result of a decision. */
export interface DecideResult {
  request: ApprovalRequest;
  /** False when the call was a repeat of a decision already recorded (a no-op). */
  changed: boolean;
  /** Set when this call closed the gate. */
  outcome?: 'approved' | 'rejected';
}

/**
 * Programmatic access to approval gates, over the workflow store's database. Any number of
 * processes may run one; decisions are atomic across them.
 */
export interface ApprovalService {
  /** Creates the tables (idempotent). Other methods call it on first use. */
  init(): Promise<void>;
  /** Picks up new approval suspensions from the store (notifies, schedules timers). Returns how many were new. */
  sync(): Promise<number>;
  listPending(filter?: ListPendingFilter): Promise<ApprovalRequest[]>;
  /** Every request (any status), newest last. */
  list(filter?: { status?: ApprovalStatus; workflowId?: string; limit?: number }): Promise<ApprovalRequest[]>;
  /** One request with its run context. Throws ApprovalNotFoundError. */
  get(id: string): Promise<ApprovalDetails>;
  /** Why `actor` may not decide (undefined when allowed). */
  checkActor(id: string, actor: ApprovalActor): Promise<string | undefined>;
  /** Validates a candidate payload against the gate's schema; field-by-field issues, empty when valid. */
  validatePayload(id: string, payload: unknown): Promise<import('../errors/errors.js').ApprovalFieldIssue[]>;
  decide(input: DecideInput): Promise<DecideResult>;
  /** The audit log of one request, oldest first. */
  audit(id: string): Promise<AuditEntry[]>;
  /** A signed single-use token for `actor` to take `decision` on `id` (needs `linkSecret`). */
  createDecisionToken(input: {
    id: string;
    actor: ApprovalActor;
    decision: ApprovalDecision;
    expiresInMs?: number;
  }): string;
  /** A full link (`publicUrl` + `/links/<token>`) for the token. */
  createDecisionLink(input: {
    id: string;
    actor: ApprovalActor;
    decision: ApprovalDecision;
    expiresInMs?: number;
  }): string;
  /** Verifies a token without consuming it (signature, expiry) and returns what it grants. Throws ApprovalTokenError. */
  inspectDecisionToken(token: string): {
    approvalId: string;
    actorId: string;
    decision: ApprovalDecision;
    expiresAt: number;
  };
  /** Verifies and consumes a token, then decides as its actor. */
  decideWithToken(
    token: string,
    input?: { id?: string; comment?: string; via?: ApprovalInterface; origin?: Record<string, unknown> },
  ): Promise<DecideResult>;
  /** Fires due timeouts, escalations and reminders. Returns how many timers ran. */
  processTimers(): Promise<number>;
  /** Polls `sync()` and `processTimers()` every `pollMs` (default 1000) until `stop()`. */
  start(options?: { pollMs?: number }): void;
  stop(): Promise<void>;
}

export type { ApprovalNotification, AuditEntry, ApprovalStatus };
