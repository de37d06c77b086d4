import type { NormalizedGateOptions } from '../policy/options.js';
import { evaluateQuorum } from '../policy/quorum.js';
import type { RequestRecord } from '../storage/approval-storage.js';
import { payloadHash } from './definitions.js';
import type { ApprovalRequest } from './types.js';

/** Normalized options of a stored request (validated when the request was created). */
export function optionsOf(row: RequestRecord): NormalizedGateOptions {
  return row.options as NormalizedGateOptions;
}

/** The public view of a stored request. */
export function toView(row: RequestRecord): ApprovalRequest {
  const o = optionsOf(row);
  const current = payloadHash(row.payload);
  const { approvals } = evaluateQuorum(row.votes, o, current);
  const users = [...o.users, ...(row.escalated ? (o.escalateTo?.users ?? []) : [])];
  const groups = [...o.groups, ...(row.escalated ? (o.escalateTo?.groups ?? []) : [])];
  return {
    id: row.id,
    runId: row.runId,
    workflowId: row.workflowId,
    path: row.path,
    title: row.title,
    ...(row.summary === undefined ? {} : { summary: row.summary }),
    status: row.status,
    payload: row.payload,
    originalPayload: row.originalPayload,
    edited: current !== payloadHash(row.originalPayload),
    allowEdit: o.allowEdit,
    approvers: { users, groups, policy: o.hasPolicy, anyone: o.open },
    quorum: o.quorum,
    rejectionsToReject: o.rejections,
    approvals,
    votes: row.votes,
    createdAt: row.createdAt,
    ...(row.dueAt === undefined ? {} : { dueAt: row.dueAt }),
    onTimeout: o.onTimeout,
    escalated: row.escalated,
    ...(row.decidedAt === undefined ? {} : { decidedAt: row.decidedAt }),
    ...(row.closedBy === undefined ? {} : { closedBy: row.closedBy }),
  };
}
