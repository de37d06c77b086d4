import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApprovalVote, castVote, evaluateQuorum } from './quorum.js';

const vote = (id: string, decision: ApprovalVote['decision'], payloadHash = 'h0'): ApprovalVote => ({
  actor: { id },
  decision,
  payloadHash,
  edited: false,
  via: 'api',
  at: 0,
});

describe('evaluateQuorum', () => {
  it('approves with one approval by default and rejects on any rejection', () => {
    expect(evaluateQuorum([vote('a', 'approve')], { quorum: 1, rejections: 1 }, 'h0').outcome).toBe('approved');
    expect(evaluateQuorum([vote('a', 'reject')], { quorum: 1, rejections: 1 }, 'h0').outcome).toBe('rejected');
    expect(evaluateQuorum([vote('a', 'request_changes')], { quorum: 1, rejections: 1 }, 'h0').outcome).toBe('pending');
  });

  it('needs n distinct approvers for an n-of-m quorum', () => {
    const rule = { quorum: 2, rejections: 1 };
    let votes = castVote([], vote('a', 'approve'));
    expect(evaluateQuorum(votes, rule, 'h0')).toMatchObject({ outcome: 'pending', approvals: 1 });
    votes = castVote(votes, vote('a', 'approve')); // the same actor twice is one vote
    expect(evaluateQuorum(votes, rule, 'h0').outcome).toBe('pending');
    votes = castVote(votes, vote('b', 'approve'));
    expect(evaluateQuorum(votes, rule, 'h0')).toMatchObject({ outcome: 'approved', approvals: 2 });
  });

  it('does not count approvals of a payload that was edited afterwards', () => {
    const votes = [vote('a', 'approve', 'h0'), vote('b', 'approve', 'h1')];
    expect(evaluateQuorum(votes, { quorum: 2, rejections: 1 }, 'h1')).toMatchObject({
      outcome: 'pending',
      approvals: 1,
    });
  });

  it('can tolerate rejections when configured', () => {
    const votes = [vote('a', 'reject'), vote('b', 'approve')];
    expect(evaluateQuorum(votes, { quorum: 1, rejections: 2 }, 'h0').outcome).toBe('approved');
  });

  it('property: outcome matches the counts of latest votes per actor', () => {
    const arb = fc.array(
      fc.record({
        id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        d: fc.constantFrom('approve', 'reject', 'request_changes') as fc.Arbitrary<ApprovalVote['decision']>,
        h: fc.constantFrom('h0', 'h1'),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), (list, quorum, rejections) => {
        let votes: ApprovalVote[] = [];
        for (const v of list) votes = castVote(votes, vote(v.id, v.d, v.h));
        expect(new Set(votes.map((v) => v.actor.id)).size).toBe(votes.length);
        const result = evaluateQuorum(votes, { quorum, rejections }, 'h0');
        const approvals = votes.filter((v) => v.decision === 'approve' && v.payloadHash === 'h0').length;
        const rejects = votes.filter((v) => v.decision === 'reject').length;
        expect(result.approvals).toBe(approvals);
        expect(result.rejections).toBe(rejects);
        expect(result.outcome).toBe(rejects >= rejections ? 'rejected' : approvals >= quorum ? 'approved' : 'pending');
      }),
    );
  });
});
