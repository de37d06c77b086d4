/** Public types of the approval service. */
import type { Kysely } from 'kysely';
import type { RunRecord, StepRecord, SuspensionRecord } from '@weft/workflow';
import type { ApprovalFieldIssue } from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision, ApprovalInterface, ApprovalVote } from '../policy/quorum.js';
import type { AuditEntry, ApprovalStatus } from '../storage/approval-storage.js';
import type { Notifier, ApprovalNotification } from '../notify/notifier.js';
import type { ApprovalWorkflowLike } from './definitions.js';

/** The parts of the workflow store the service uses: its kysely handle and suspension queries. */
export interface ApprovalStoreLike {
  /** The kysely instance on the store's database; the approval tables are created in it. */
  readonly db: Kysely<any>;
  /** Open suspensions (the service asks for `eventName: 'approval'`). */
  findSuspensions(query: { eventName?: string; workflowId?: string; limit?: number }): Promise<SuspensionRecord[]>;
  /** Open suspensions of one run (to tell a finished resume from a failed one). */
  listSuspensions?(runId: string): Promise<SuspensionRecord[]>;
  /** A run, for the run context of {@link ApprovalService.get}. */
  getRun?(runId: string): Promise<RunRecord | undefined>;
  /** Steps of a run, for the run context of {@link ApprovalService.get}. */
  listSteps?(runId: string): Promise<StepRecord[]>;
}

/** What the service sends to the engine to resume a run at a gate. */
export interface ApprovalResumeData {
  /** The decision, as the verb every interface uses (`decide()`, HTTP, CLI): `approve` or `reject`. */
  decision: 'approve' | 'reject';
  /** The payload as approved (edited or not); absent on rejection. */
  payload?: unknown;
  /** Ids of the actors whose votes decided (or `system` for a timeout). */
  actors: string[];
  /** Comment of the decision. */
  comment?: string;
}

/** The fields of an engine event the service reads. */
export interface ApprovalEngineEvent {
  /** Event type, e.g. `step:suspended`. */
  type: string;
  /** The run. */
  runId: string;
  /** The step path. */
  path?: string;
}

/** The parts of the workflow engine the service uses. */
export interface ApprovalEngineLike {
  /** Resumes `runId` at the gate `input.step` with the decision. */
  resume(runId: string, input: { step: string; data: ApprovalResumeData }): Promise<unknown>;
  /** When present, `start()` listens for `step:suspended` to pick new gates up at once. */
  on?(type: string, listener: (event: ApprovalEngineEvent) => void): () => void;
}

/** Where a background failure happened (see {@link ApprovalServiceOptions.onError}). */
export interface ApprovalErrorContext {
  /** The phase that failed. */
  phase: 'notify' | 'resume' | 'timer' | 'sync';
  /** The request concerned, when there is one. */
  approvalId?: string;
}

/** Options of {@link createApprovalService}. */
export interface ApprovalServiceOptions {
  /** The workflow store (`createStore()`); the approval tables live in its database. */
  store: ApprovalStoreLike;
  /** The engine that resumes runs (`createEngine()`). */
  engine: ApprovalEngineLike;
  /** Committed workflows (for policy functions and schemas), as a list or a record by id. */
  workflows?: Iterable<ApprovalWorkflowLike> | Record<string, ApprovalWorkflowLike>;
  /** Called on request, reminder, decision, escalation and timeout. */
  notifiers?: Notifier[];
  /** Secret (>= 16 chars) for signed decision links. */
  linkSecret?: string;
  /** Public URL of the inbox (e.g. `https://ops.example.com/approvals`), used in notifications and links. */
  publicUrl?: string;
  /**
   * When true, `decide()` (and timers) resolve only after the resumed run finished or suspended
   * again. Default false: they resolve once the decision is committed and the run continues in the
   * background (an inbox request must not wait for the rest of the workflow); `settled()` waits.
   */
  awaitResume?: boolean;
  /** Clock (tests). Default `Date.now`. */
  now?: () => number;
  /** Called when a notifier, a resume or a timer fails (they never throw into callers). */
  onError?: (error: unknown, context: ApprovalErrorContext) => void;
  /**
   * `sync()` resumes a decided-but-unresumed request only this long after its decision (default
   * 5000 ms), leaving the deciding process the first go. `start()`'s decision watcher does not wait:
   * it resumes as soon as it sees the decision while the run is still suspended.
   */
  resumeGraceMs?: number;
}

/** Who may decide a request, as shown to people. */
export interface ApproverSummary {
  /** User ids. */
  users: string[];
  /** Group names. */
  groups: string[];
  /** True when a policy function also decides. */
  policy: boolean;
  /** True when no approvers were configured: any authenticated actor may decide. */
  anyone: boolean;
}

/** The run an approval request belongs to. */
export interface ApprovalRunContext {
  /** Run id. */
  id: string;
  /** Workflow id. */
  workflowId: string;
  /** Run status (`suspended` while the gate is open). */
  status: string;
  /** The run's input. */
  input: unknown;
  /** When the run was created (epoch ms). */
  createdAt: number;
}

/** What {@link ApprovalService.inspectDecisionToken} returns. */
export interface DecisionTokenInfo {
  /** The approval the token is bound to. */
  approvalId: string;
  /** The actor the token decides as. */
  actorId: string;
  /** The decision the token takes. */
  decision: ApprovalDecision;
  /** Expiry (epoch ms). */
  expiresAt: number;
}

/** Input of {@link ApprovalService.createDecisionToken} and {@link ApprovalService.createDecisionLink}. */
export interface DecisionTokenInput {
  /** Approval id. */
  id: string;
  /** The actor the link decides as (its id and groups are signed into the token). */
  actor: ApprovalActor;
  /** The decision the link takes. */
  decision: ApprovalDecision;
  /** Lifetime in ms. Default 24 hours. */
  expiresInMs?: number;
}

/** A request as the service returns it. */
export interface ApprovalRequest {
  /** Approval request id. */
  id: string;
  /** The run waiting at the gate. */
  runId: string;
  /** Id of the workflow. */
  workflowId: string;
  /** Step path of the gate inside the run. */
  path: string;
  /** Title for humans. */
  title: string;
  /** Summary for humans. */
  summary?: string;
  /** `pending` until a decision or a timeout closes it. */
  status: ApprovalStatus;
  /** Current payload (edited, if an approver edited it). */
  payload: unknown;
  /** The payload as the workflow produced it. */
  originalPayload: unknown;
  /** True when the current payload differs from the original. */
  edited: boolean;
  /** Whether approvers may edit the payload. */
  allowEdit: boolean;
  /** Who may decide (after an escalation, the escalation targets are included). */
  approvers: ApproverSummary;
  /** Approvals needed. */
  quorum: number;
  /** Rejections that reject. */
  rejectionsToReject: number;
  /** Approvals of the current payload so far. */
  approvals: number;
  /** One vote per actor, oldest first. */
  votes: ApprovalVote[];
  /** When the run suspended at the gate (epoch ms). */
  createdAt: number;
  /** Deadline (epoch ms), if the gate has a timeout. */
  dueAt?: number;
  /** What the deadline does. */
  onTimeout: 'approve' | 'reject' | 'escalate';
  /** True after an `escalate` timeout. */
  escalated: boolean;
  /** When the gate closed (epoch ms). */
  decidedAt?: number;
  /** What closed the gate. */
  closedBy?: 'decision' | 'timeout';
}

/** A request with the run it belongs to. */
export interface ApprovalDetails extends ApprovalRequest {
  /** The run, when the store can read it. */
  run?: ApprovalRunContext;
  /** Outputs of the run's successful steps, by path. */
  steps?: Record<string, unknown>;
}

/** Filters of {@link ApprovalService.listPending}. */
export interface ListPendingFilter {
  /** Only requests this actor may decide (an id means `{ id }`). */
  approver?: ApprovalActor | string;
  /** Only requests of this workflow. */
  workflowId?: string;
  /** Only requests at least this old (ms). */
  minAgeMs?: number;
  /** Only requests at most this old (ms). */
  maxAgeMs?: number;
  /** At most this many (default 500). */
  limit?: number;
}

/** Input of {@link ApprovalService.decide}. */
export interface DecideInput {
  /** Approval request id. */
  id: string;
  /** approve, reject or request_changes. */
  decision: ApprovalDecision;
  /** Who decides (from your authentication, never from user input). */
  actor: ApprovalActor;
  /** Comment of the decision. */
  comment?: string;
  /**
   * With `approve` on gates with `allowEdit`: the payload to approve instead (validated by the
   * schema). An edit on a gate without `allowEdit`, or with another decision, is an
   * ApprovalInvalidRequestError; sending the current payload unchanged is not an edit.
   */
  editedPayload?: unknown;
  /** Interface the decision came from (audit log). Default `'api'`. */
  via?: ApprovalInterface;
  /** Free-form origin details for the audit log (e.g. IP address, user agent). */
  origin?: Record<string, unknown>;
}

/** Options of {@link ApprovalService.decideWithToken}. */
export interface DecideWithTokenInput {
  /** When given, the token must belong to this approval (the id in the URL). */
  id?: string;
  /** Comment typed on the confirmation page. */
  comment?: string;
  /** Interface for the audit log. Default `'link'`. */
  via?: ApprovalInterface;
  /** Origin details for the audit log. */
  origin?: Record<string, unknown>;
}

/** Filters of {@link ApprovalService.list}. */
export interface ListFilter {
  /** Only requests with this status. */
  status?: ApprovalStatus;
  /** Only requests of this workflow. */
  workflowId?: string;
  /** At most this many (default 500). */
  limit?: number;
}

/** Result of a decision. */
export interface DecideResult {
  /** The request after the call. */
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
  /** Pending requests, oldest first, filtered by approver, workflow and age. */
  listPending(filter?: ListPendingFilter): Promise<ApprovalRequest[]>;
  /** Every request (any status), newest last. */
  list(filter?: ListFilter): Promise<ApprovalRequest[]>;
  /** One request with its run context. Throws ApprovalNotFoundError. */
  get(id: string): Promise<ApprovalDetails>;
  /** Why `actor` may not decide (undefined when allowed). */
  checkActor(id: string, actor: ApprovalActor): Promise<string | undefined>;
  /** Validates a candidate payload against the gate's schema; field-by-field issues, empty when valid. */
  validatePayload(id: string, payload: unknown): Promise<ApprovalFieldIssue[]>;
  /**
   * Records a decision; nothing changes when it throws. Throws ApprovalNotFoundError (no such
   * request), ApprovalForbiddenError (the actor may not decide), ApprovalInvalidRequestError (an
   * unknown decision, an edit on a gate without `allowEdit`, an edit with a decision other than
   * `approve`), ApprovalValidationError (the edit fails the schema) or ApprovalClosedError.
   */
  decide(input: DecideInput): Promise<DecideResult>;
  /** The audit log of one request, oldest first. */
  audit(id: string): Promise<AuditEntry[]>;
  /** A signed single-use token for `actor` to take `decision` on `id` (needs `linkSecret`). */
  createDecisionToken(input: DecisionTokenInput): string;
  /** A full link (`publicUrl` + `/links/<token>`) for the token. */
  createDecisionLink(input: DecisionTokenInput): string;
  /** Verifies a token without consuming it (signature, expiry) and returns what it grants. Throws ApprovalTokenError. */
  inspectDecisionToken(token: string): DecisionTokenInfo;
  /** Verifies and consumes a token, then decides as its actor. */
  decideWithToken(token: string, input?: DecideWithTokenInput): Promise<DecideResult>;
  /** Fires due timeouts, escalations and reminders. Returns how many timers ran. */
  processTimers(): Promise<number>;
  /**
   * Polls `sync()` and `processTimers()` every `pollMs` (default 1000) until `stop()`, and watches
   * for decisions taken elsewhere (the CLI, another process) every `decisionPollMs` (default 100,
   * `0` turns the watcher off): a run continues within about that long of the decision.
   */
  start(options?: { pollMs?: number; decisionPollMs?: number }): void;
  /** Resolves when the runs this process resumed in the background have finished or suspended again. */
  settled(): Promise<void>;
  /** Stops the loop started by `start()` and waits for the current round and background resumes. */
  stop(): Promise<void>;
  /** `stop()`: no timer of the service is left afterwards. Also `await using approvals = createApprovalService(…)`. */
  close(): Promise<void>;
  /** Same as `close()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

export type { ApprovalNotification, AuditEntry, ApprovalStatus };
