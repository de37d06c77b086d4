/**
 * `decide()`: authorize, validate an edit, cast the vote, evaluate the quorum, and write it all with
 * one compare-and-set on the request row. A lost race re-reads the row and re-evaluates against
 * the winner's state: the same decision becomes a no-op, a conflicting one ApprovalClosedError.
 */
import {
  ApprovalClosedError,
  ApprovalForbiddenError,
  ApprovalInvalidRequestError,
  ApprovalValidationError,
} from '../errors/errors.js';
import { authorizeActor } from '../policy/authorize.js';
import { type ApprovalVote, castVote, evaluateQuorum } from '../policy/quorum.js';
import type { RequestRecord } from '../storage/approval-storage.js';
import type { ServiceContext } from './context.js';
import { parseWithSchema, payloadHash } from './definitions.js';
import type { DecideInput, DecideResult } from './types.js';
import { optionsOf, toView } from './view.js';

/** Records one decision. */
export async function decide(ctx: ServiceContext, input: DecideInput): Promise<DecideResult> {
  const { storage, now } = ctx;
  if (!['approve', 'reject', 'request_changes'].includes(input.decision)) {
    throw new ApprovalInvalidRequestError(
      `Expected decision to be 'approve', 'reject' or 'request_changes', found ${JSON.stringify(input.decision)}.`,
      { approvalId: input.id, decision: input.decision },
    );
  }
  const via = input.via ?? 'api';
  for (let attempt = 0; attempt < 20; attempt++) {
    const row = await ctx.load(input.id);
    const o = optionsOf(row);
    const def = ctx.definition(row);
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
    const editing = input.editedPayload !== undefined && payloadHash(input.editedPayload) !== payloadHash(row.payload);
    // A malformed request, not a missing permission: 400 (ApprovalInvalidRequestError), not 403.
    if (editing && input.decision !== 'approve') {
      throw new ApprovalInvalidRequestError(
        `Approval "${row.id}": an edited payload can only come with 'approve', not '${input.decision}'. Nothing was changed; send the decision without editedPayload.`,
        { approvalId: row.id, decision: input.decision },
      );
    }
    if (editing && !o.allowEdit)
      throw new ApprovalInvalidRequestError(
        `Approval "${row.id}" does not allow edits (its gate has allowEdit off). Nothing was changed; approve the payload as it is, or reject it.`,
        { approvalId: row.id },
      );
    if (row.status !== 'pending') {
      const same =
        (input.decision === 'approve' && row.status === 'approved') ||
        (input.decision === 'reject' && row.status === 'rejected');
      if (same && !editing) return { request: toView(row), changed: false };
      throw new ApprovalClosedError(row.id, row.status, input.decision);
    }
    // What flows on is the schema's output: store exactly that, so the inbox and the audit log
    // show what the next step will receive (e.g. zod strips unknown keys).
    const parsed = editing ? parseWithSchema(def.schema, input.editedPayload) : undefined;
    if (parsed?.issues.length) throw new ApprovalValidationError(row.id, parsed.issues);
    const payload = parsed ? parsed.value : row.payload;
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
      next = await ctx.close(row, outcome, 'decision', votes, payload);
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
    await ctx.notify('decision', next, {
      decision: {
        actor: vote.actor,
        decision: input.decision,
        ...(input.comment ? { comment: input.comment } : {}),
        via,
        outcome: next.status,
      },
    });
    if (next.status !== 'pending') await ctx.continueRun(next);
    return { request: toView(next), changed: true, ...(outcome === 'pending' ? {} : { outcome }) };
  }
  throw new ApprovalClosedError(input.id, 'contended', input.decision);
}
