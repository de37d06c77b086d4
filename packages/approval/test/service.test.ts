import {
  ApprovalClosedError,
  ApprovalForbiddenError,
  ApprovalTokenError,
  ApprovalValidationError,
  type ApprovalNotification,
} from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policy, quorum, readOnly, simple } from './fixtures/workflows.js';
import { approvalOf, type Backend, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

const input = { customer: 'c-7', amount: 40 };

describe.each<Backend>(['libsql', 'postgres'])('approval service on %s', (backend) => {
  let target: DbTarget;
  let o: Opened;
  const events: ApprovalNotification[] = [];

  beforeAll(async () => {
    target = dbTarget(backend, 'svc');
    o = await open(target, {
      notifiers: [{ name: 'memory', notify: async (e) => void events.push(e) }],
      linkSecret: 'link-secret-0123456789',
    });
  });
  afterAll(async () => {
    await o?.close();
    await target?.cleanup();
  });

  it('approves: the run completes with the payload, and the audit log records who, how and what', async () => {
    const runId = await startSuspended(o, simple, input);
    const id = await approvalOf(o.service, runId);
    const details = await o.service.get(id);
    expect(details).toMatchObject({
      status: 'pending',
      workflowId: 'refund-simple',
      path: 'review',
      payload: input,
      allowEdit: true,
      quorum: 1,
    });
    expect(details.run).toMatchObject({ id: runId, status: 'suspended', input });
    expect(details.steps?.draft).toEqual(input);
    expect(events.some((e) => e.type === 'request' && e.approval.id === id)).toBe(true);

    const result = await o.service.decide({
      id,
      decision: 'approve',
      actor: { id: 'alice' },
      comment: 'fine',
      via: 'inbox',
    });
    expect(result).toMatchObject({ changed: true, outcome: 'approved' });
    const run = await o.store.getRun(runId);
    expect(run).toMatchObject({ status: 'success', output: { sent: input } });
    const audit = await o.service.audit(id);
    expect(audit.map((a) => a.action)).toEqual(['requested', 'approve']);
    expect(audit[1]).toMatchObject({
      actor: { id: 'alice' },
      via: 'inbox',
      comment: 'fine',
      payloadBefore: input,
      payloadAfter: input,
    });
    expect(events.some((e) => e.type === 'decision' && e.approval.id === id && e.decision?.actor.id === 'alice')).toBe(
      true,
    );
    // The same decision again is a no-op; a conflicting one is refused with a clear error.
    expect(await o.service.decide({ id, decision: 'approve', actor: { id: 'bob' } })).toMatchObject({ changed: false });
    await expect(o.service.decide({ id, decision: 'reject', actor: { id: 'bob' } })).rejects.toBeInstanceOf(
      ApprovalClosedError,
    );
    expect((await o.service.audit(id)).length).toBe(2);
  });

  it('forbidden actors get ApprovalForbiddenError and nothing changes', async () => {
    const runId = await startSuspended(o, simple, input);
    const id = await approvalOf(o.service, runId);
    const before = await o.service.audit(id);
    for (const actor of [{ id: 'mallory' }, { id: 'eve', groups: ['devs'] }]) {
      const err = await o.service.decide({ id, decision: 'approve', actor }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApprovalForbiddenError);
      expect((err as ApprovalForbiddenError).code).toBe('APPROVAL_FORBIDDEN');
    }
    expect(await o.service.audit(id)).toEqual(before);
    expect((await o.service.get(id)).votes).toEqual([]);
    expect((await o.store.getRun(runId))?.status).toBe('suspended');
    // A group member may decide.
    await o.service.decide({ id, decision: 'reject', actor: { id: 'fin-1', groups: ['finance'] }, comment: 'no' });
    const run = await o.store.getRun(runId);
    expect(run?.status).toBe('failed');
    expect(run?.error?.code).toBe('WEFT_APPROVAL_REJECTED');
  });

  it('edits: invalid edits are refused field by field; the valid edit is exactly what the next step gets', async () => {
    const runId = await startSuspended(o, simple, input);
    const id = await approvalOf(o.service, runId);
    const err = await o.service
      .decide({ id, decision: 'approve', actor: { id: 'alice' }, editedPayload: { customer: '', amount: 9000 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApprovalValidationError);
    const paths = (err as ApprovalValidationError).issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['amount', 'customer']);
    expect((await o.service.get(id)).status).toBe('pending');
    expect(await o.service.validatePayload(id, { customer: 'x', amount: -1 })).toMatchObject([{ path: ['amount'] }]);

    const edited = { customer: 'c-7', amount: 25, note: 'partial refund' };
    await o.service.decide({ id, decision: 'approve', actor: { id: 'alice' }, editedPayload: edited });
    expect(await o.store.getRun(runId)).toMatchObject({ status: 'success', output: { sent: edited } });
    const audit = await o.service.audit(id);
    expect(audit.at(-1)).toMatchObject({
      action: 'approve',
      payloadBefore: input,
      payloadAfter: edited,
      details: { edited: true },
    });
    expect(await o.service.get(id)).toMatchObject({ edited: true, originalPayload: input, payload: edited });
  });

  it('an edit is stored as the schema parses it, so what people see is what the next step gets', async () => {
    const runId = await startSuspended(o, simple, input);
    const id = await approvalOf(o.service, runId);
    const result = await o.service.decide({
      id,
      decision: 'approve',
      actor: { id: 'alice' },
      editedPayload: { customer: 'c-7', amount: 20, injected: 'rm -rf /' },
    });
    expect(result.request.payload).toEqual({ customer: 'c-7', amount: 20 });
    expect(await o.store.getRun(runId)).toMatchObject({ output: { sent: { customer: 'c-7', amount: 20 } } });
    expect((await o.store.getRun(runId))?.output).toEqual({ sent: { customer: 'c-7', amount: 20 } });
    expect((await o.service.audit(id)).at(-1)?.payloadAfter).toEqual({ customer: 'c-7', amount: 20 });
  });

  it('edits are refused on a read-only gate and with a rejection', async () => {
    const runId = await startSuspended(o, readOnly, input);
    const id = await approvalOf(o.service, runId);
    await expect(
      o.service.decide({ id, decision: 'approve', actor: { id: 'alice' }, editedPayload: { ...input, amount: 1 } }),
    ).rejects.toThrow(/does not allow edits/);
    await expect(
      o.service.decide({ id, decision: 'reject', actor: { id: 'alice' }, editedPayload: { ...input, amount: 1 } }),
    ).rejects.toThrow(/only come with 'approve'/);
    expect((await o.service.get(id)).votes).toEqual([]);
  });

  it('quorum: two distinct approvals of the same payload; an edit invalidates earlier approvals', async () => {
    const runId = await startSuspended(o, quorum, input);
    const id = await approvalOf(o.service, runId);
    const fin = (n: string) => ({ id: n, groups: ['finance'] });
    expect(await o.service.decide({ id, decision: 'approve', actor: fin('f1') })).toMatchObject({
      changed: true,
      request: { status: 'pending', approvals: 1 },
    });
    // f1 again: one actor is one vote.
    expect(await o.service.decide({ id, decision: 'approve', actor: fin('f1') })).toMatchObject({ changed: false });
    const edited = { ...input, amount: 30 };
    expect(await o.service.decide({ id, decision: 'approve', actor: fin('f2'), editedPayload: edited })).toMatchObject({
      request: { status: 'pending', approvals: 1, payload: edited },
    });
    // request_changes records a vote but neither approves nor rejects.
    expect(
      await o.service.decide({ id, decision: 'request_changes', actor: fin('f3'), comment: 'check the amount' }),
    ).toMatchObject({ request: { status: 'pending' } });
    expect((await o.store.getRun(runId))?.status).toBe('suspended');
    expect(await o.service.decide({ id, decision: 'approve', actor: fin('f1') })).toMatchObject({
      outcome: 'approved',
      request: { approvals: 2 },
    });
    expect(await o.store.getRun(runId)).toMatchObject({ status: 'success', output: { sent: edited } });
  });

  it('policy functions from the workflow definition decide who may approve', async () => {
    const small = await approvalOf(o.service, await startSuspended(o, policy, input));
    await expect(o.service.decide({ id: small, decision: 'approve', actor: { id: 'alice' } })).rejects.toBeInstanceOf(
      ApprovalForbiddenError,
    );
    await o.service.decide({ id: small, decision: 'approve', actor: { id: 'lead-ann' } });
    const big = await approvalOf(o.service, await startSuspended(o, policy, { customer: 'c-8', amount: 400 }));
    await expect(o.service.decide({ id: big, decision: 'approve', actor: { id: 'lead-ann' } })).rejects.toThrow(
      /policy function denied/,
    );
  });

  it('lists pending requests by approver, workflow and age', async () => {
    const runId = await startSuspended(o, readOnly, { customer: 'list', amount: 3 });
    const id = await approvalOf(o.service, runId);
    expect((await o.service.listPending({ approver: 'alice' })).map((r) => r.id)).toContain(id);
    expect((await o.service.listPending({ approver: 'bob' })).map((r) => r.id)).not.toContain(id);
    expect(
      (await o.service.listPending({ workflowId: 'refund-readonly' })).every((r) => r.workflowId === 'refund-readonly'),
    ).toBe(true);
    expect((await o.service.listPending({ workflowId: 'refund-policy' })).map((r) => r.id)).not.toContain(id);
    expect((await o.service.listPending({ minAgeMs: 3_600_000 })).map((r) => r.id)).not.toContain(id);
    expect((await o.service.listPending({ maxAgeMs: 3_600_000 })).map((r) => r.id)).toContain(id);
  });

  it('signed links: single use, bound to approval, actor, decision and expiry; forgeries rejected', async () => {
    const a = await approvalOf(o.service, await startSuspended(o, simple, input));
    const b = await approvalOf(o.service, await startSuspended(o, simple, input));
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (e: unknown) => (e instanceof ApprovalTokenError ? e.reason : String(e)),
      );

    const forB = o.service.createDecisionToken({ id: b, actor: { id: 'bob' }, decision: 'approve' });
    expect(await reason(o.service.decideWithToken(forB, { id: a }))).toBe('mismatch');
    const [body, sig] = forB.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, a, u: 'mallory' })).toString('base64url')}.${sig}`;
    expect(await reason(o.service.decideWithToken(forged))).toBe('signature');
    const expired = o.service.createDecisionToken({
      id: a,
      actor: { id: 'alice' },
      decision: 'approve',
      expiresInMs: -1,
    });
    expect(await reason(o.service.decideWithToken(expired))).toBe('expired');
    // A well-formed link for a non-approver is refused by the policy, like any other decision.
    const mallory = o.service.createDecisionToken({ id: a, actor: { id: 'mallory' }, decision: 'approve' });
    await expect(o.service.decideWithToken(mallory)).rejects.toBeInstanceOf(ApprovalForbiddenError);
    expect((await o.service.get(a)).status).toBe('pending');

    const good = o.service.createDecisionToken({ id: a, actor: { id: 'alice' }, decision: 'reject' });
    expect(o.service.inspectDecisionToken(good)).toMatchObject({ approvalId: a, actorId: 'alice', decision: 'reject' });
    expect(await o.service.decideWithToken(good, { comment: 'via link' })).toMatchObject({ outcome: 'rejected' });
    expect(await reason(o.service.decideWithToken(good))).toBe('replayed');
    expect((await o.service.audit(a)).at(-1)).toMatchObject({
      action: 'reject',
      via: 'link',
      actor: { id: 'alice' },
      comment: 'via link',
    });
    expect(await reason(o.service.decideWithToken(forB))).toBe('accepted');
  });
});
