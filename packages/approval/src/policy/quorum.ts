/**
 * Quorum evaluation: pure functions over the votes of one request, so the rules are unit- and
 * property-tested apart from storage. One vote per actor (the latest replaces earlier ones while the
 * gate is open). An approval counts only if it approved the payload as it is now: an edit by one
 * approver means earlier approvals were of something else, so they no longer count.
 */
import type { ApprovalActor } from './options.js';

/** A decision kind an actor can send. */
export type ApprovalDecision = 'approve' | 'reject' | 'request_changes';

/** Where a decision came from (stored in the audit log). */
export type ApprovalInterface = 'api' | 'http' | 'inbox' | 'link' | 'terminal' | 'ci' | 'system' | (string & {});

/** One actor's vote on a request. */
export interface ApprovalVote {
  /** Who voted. */
  actor: ApprovalActor;
  /** What they chose. */
  decision: ApprovalDecision;
  /** Their comment. */
  comment?: string;
  /** Hash of the payload the actor saw when voting (after their own edit, if any). */
  payloadHash: string;
  /** True when this vote came with an edit of the payload. */
  edited: boolean;
  /** Where the vote came from. */
  via: ApprovalInterface;
  /** When (epoch ms). */
  at: number;
}

/** Outcome of evaluating the votes. */
export type QuorumOutcome = 'approved' | 'rejected' | 'pending';

/** Replaces the actor's earlier vote (if any) with `vote`. */
export function castVote(votes: readonly ApprovalVote[], vote: ApprovalVote): ApprovalVote[] {
  return [...votes.filter((v) => v.actor.id !== vote.actor.id), vote];
}

/** Counts approvals of the current payload and rejections, and says whether the gate closes. */
export function evaluateQuorum(
  votes: readonly ApprovalVote[],
  rule: { quorum: number; rejections: number },
  currentHash: string,
): { outcome: QuorumOutcome; approvals: number; rejections: number } {
  const latest = new Map<string, ApprovalVote>();
  for (const v of votes) latest.set(v.actor.id, v);
  let approvals = 0;
  let rejections = 0;
  for (const v of latest.values()) {
    if (v.decision === 'approve' && v.payloadHash === currentHash) approvals++;
    if (v.decision === 'reject') rejections++;
  }
  // Rejections are checked first: with the defaults (1 and 1) a single rejection wins even if a
  // racing approval was counted in the same evaluation.
  const outcome: QuorumOutcome =
    rejections >= rule.rejections ? 'rejected' : approvals >= rule.quorum ? 'approved' : 'pending';
  return { outcome, approvals, rejections };
}
