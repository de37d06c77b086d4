/**
 * The approval-specific options of `.awaitApproval(id, options)`. The workflow core treats them as
 * opaque extra fields: it stores their JSON-serializable part in the suspension, and keeps the raw
 * object (with policy functions) on the committed workflow's step, where the service finds it.
 */
import type { Duration } from './duration.js';
import { parseDuration } from './duration.js';

/** Who is deciding: supplied by your `authenticate(request)` hook, a CLI flag, or a signed link. */
export interface ApprovalActor {
  /** Stable user id. */
  id: string;
  /** Group / role names the user belongs to (matched against `approvers.groups`). */
  groups?: readonly string[];
  /** Display name (shown in the inbox and audit log). */
  name?: string;
}

/** What a policy function sees about the request. */
export interface ApprovalPolicyRequest {
  /** Approval request id. */
  id: string;
  /** The run waiting at the gate. */
  runId: string;
  /** Id of the workflow. */
  workflowId: string;
  /** Step path of the gate. */
  path: string;
  /** The payload under review (current version). */
  payload: unknown;
}

/** A custom rule: return true when `actor` may decide `request`. */
export type ApprovalPolicyFn = (actor: ApprovalActor, request: ApprovalPolicyRequest) => boolean;

/** Who may decide. An actor qualifies if ANY listed rule matches (user id, a group, or the policy). */
export interface ApproverSpec {
  /** User ids who may decide. */
  users?: readonly string[];
  /** Groups whose members may decide. */
  groups?: readonly string[];
  /** A custom rule, evaluated for actors no id or group matched. */
  policy?: ApprovalPolicyFn;
}

/** Where a timed-out gate escalates to (`onTimeout: 'escalate'`); these approvers are added. */
export interface EscalationSpec {
  /** User ids who may decide. */
  users?: readonly string[];
  /** Groups whose members may decide. */
  groups?: readonly string[];
  /** A second deadline after escalating; without it the escalated gate waits indefinitely. */
  timeout?: Duration;
  /** What happens at the second deadline. Default `'reject'`. */
  onTimeout?: 'approve' | 'reject';
}

/**
 * Approval policy of one gate. Spread it into `.awaitApproval(id, { payload, schema, ...policy })`.
 * Everything is optional: by default any authenticated actor may decide, one approval approves,
 * one rejection rejects, the payload is read-only and the gate waits forever.
 */
export interface ApprovalGateOptions {
  /** User ids, groups, or a policy function `(actor, request) => boolean`. */
  approvers?: ApproverSpec | readonly string[] | ApprovalPolicyFn;
  /** Approvals (from distinct actors, of the current payload) needed. Default 1. */
  quorum?: number;
  /** Rejections (from distinct actors) that reject the gate. Default 1: any rejection rejects. */
  rejections?: number;
  /** Approvers may edit the payload before approving; edits are validated by the gate's schema. */
  allowEdit?: boolean;
  /** Deadline after the request is created. */
  timeout?: Duration;
  /** What happens at the deadline. Default `'reject'`. */
  onTimeout?: 'approve' | 'reject' | 'escalate';
  /** Approvers added when `onTimeout` is `'escalate'`. */
  escalateTo?: EscalationSpec;
  /** Reminders sent this long before the deadline, e.g. `['1h', '10m']`. */
  remindBefore?: readonly Duration[];
}

/** Added by {@link approvalPolicy} when the gate has a policy function. */
export interface PolicyMarker {
  /** Survives the suspension's JSON, unlike the function itself. */
  hasPolicy?: true;
}

/**
 * Identity helper that types an approval policy (and validates it early).
 *
 * @example
 * workflow.awaitApproval('review', {
 *   payload: ({ steps }) => steps.draft,
 *   schema: Draft,
 *   title: 'Send this email?',
 *   ...approvalPolicy({ approvers: { groups: ['support-leads'] }, allowEdit: true, timeout: '4h', onTimeout: 'escalate',
 *     escalateTo: { users: ['oncall'] }, remindBefore: ['1h'] }),
 * });
 */
export function approvalPolicy<const T extends ApprovalGateOptions>(options: T): T & PolicyMarker {
  const normalized = normalizeGateOptions(options);
  // Functions do not survive the suspension's JSON: this flag does, so a process that lacks the
  // workflow definition still knows a policy exists and fails closed instead of opening the gate.
  return normalized.hasPolicy ? { ...options, hasPolicy: true } : options;
}

/** The JSON-serializable, validated form stored with each request. */
export interface NormalizedGateOptions {
  users: string[];
  groups: string[];
  hasPolicy: boolean;
  /** True when no user, group or policy was configured: any authenticated actor may decide. */
  open: boolean;
  quorum: number;
  rejections: number;
  allowEdit: boolean;
  timeoutMs?: number;
  onTimeout: 'approve' | 'reject' | 'escalate';
  escalateTo?: { users: string[]; groups: string[]; timeoutMs?: number; onTimeout: 'approve' | 'reject' };
  remindBeforeMs: number[];
}

function positiveInt(value: unknown, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected ${where} to be an integer from 1 and up, found ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates raw gate options (from the workflow definition or the suspension's JSON). */
export function normalizeGateOptions(raw: unknown): NormalizedGateOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  let users: string[] = [];
  let groups: string[] = [];
  let hasPolicy = false;
  const a = o.approvers;
  if (typeof a === 'function') hasPolicy = true;
  else if (Array.isArray(a)) users = a.map(String);
  else if (a && typeof a === 'object') {
    const spec = a as Record<string, unknown>;
    users = Array.isArray(spec.users) ? spec.users.map(String) : [];
    groups = Array.isArray(spec.groups) ? spec.groups.map(String) : [];
    // In the stored JSON the function is gone; `hasPolicy` survives so the service knows to look it up.
    hasPolicy = typeof spec.policy === 'function' || spec.hasPolicy === true;
    // `{}` is what JSON leaves of `{ policy: fn }`: treat it as a policy we cannot see (fail closed).
    if (!('users' in spec) && !('groups' in spec)) hasPolicy = true;
  }
  if (o.hasPolicy === true) hasPolicy = true;
  const onTimeout = (o.onTimeout ?? 'reject') as NormalizedGateOptions['onTimeout'];
  if (!['approve', 'reject', 'escalate'].includes(onTimeout)) {
    throw new TypeError(
      `Expected onTimeout to be 'approve', 'reject' or 'escalate', found ${JSON.stringify(o.onTimeout)}`,
    );
  }
  const timeoutMs = o.timeout === undefined ? undefined : parseDuration(o.timeout as Duration, 'timeout');
  const esc = o.escalateTo as Record<string, unknown> | undefined;
  if (onTimeout === 'escalate' && !esc) {
    throw new TypeError("Expected escalateTo ({ users?, groups? }) when onTimeout is 'escalate', found none");
  }
  const escalateTo = esc
    ? {
        users: Array.isArray(esc.users) ? esc.users.map(String) : [],
        groups: Array.isArray(esc.groups) ? esc.groups.map(String) : [],
        ...(esc.timeout === undefined
          ? {}
          : { timeoutMs: parseDuration(esc.timeout as Duration, 'escalateTo.timeout') }),
        onTimeout: (esc.onTimeout === 'approve' ? 'approve' : 'reject') as 'approve' | 'reject',
      }
    : undefined;
  const remind = Array.isArray(o.remindBefore) ? o.remindBefore : [];
  return {
    users,
    groups,
    hasPolicy,
    open: users.length === 0 && groups.length === 0 && !hasPolicy,
    quorum: positiveInt(o.quorum, 'quorum', 1),
    rejections: positiveInt(o.rejections, 'rejections', 1),
    allowEdit: o.allowEdit === true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onTimeout,
    ...(escalateTo ? { escalateTo } : {}),
    remindBeforeMs: remind.map((d, i) => parseDuration(d as Duration, `remindBefore[${i}]`)),
  };
}

/** Extracts the policy function from raw (definition-side) options, if any. */
export function policyFunctionOf(raw: unknown): ApprovalPolicyFn | undefined {
  const a = (raw as { approvers?: unknown } | undefined)?.approvers;
  if (typeof a === 'function') return a as ApprovalPolicyFn;
  const p = (a as { policy?: unknown } | undefined)?.policy;
  return typeof p === 'function' ? (p as ApprovalPolicyFn) : undefined;
}
