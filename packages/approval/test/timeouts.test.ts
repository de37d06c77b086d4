import type { ApprovalNotification } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeoutApprove, timeoutEscalate, timeoutReject } from './fixtures/workflows.js';
import { approvalOf, type Backend, type DbTarget, dbTarget, open, startSuspended } from './helpers.js';
import { runChild } from './helpers-child.js';

describe.each<Backend>(['libsql', 'postgres'])('timeouts on %s', (backend) => {
  let target: DbTarget;
  beforeAll(() => {
    target = dbTarget(backend, 'timeouts');
  });
  afterAll(async () => {
    await target?.cleanup();
  });

  it('each timeout mode fires after a process restart (timers are durable)', async () => {
    // Process 1 starts three runs, registers their gates and timers, and dies.
    const { runIds } = await runChild<{ runIds: string[] }>(target, [
      'start',
      timeoutApprove.id,
      timeoutReject.id,
      timeoutEscalate.id,
    ]);
    const [approveRun, rejectRun, escalateRun] = runIds as [string, string, string];

    // Process 2 (this one) comes up later; its clock is past the 200 ms deadlines.
    let clock = Date.now() + 1_000;
    const events: ApprovalNotification[] = [];
    const o = await open(target, {
      now: () => clock,
      notifiers: [{ name: 'memory', notify: async (e) => void events.push(e) }],
    });
    try {
      const ran = await o.service.processTimers();
      expect(ran).toBe(4); // three timeouts and one reminder
      expect(await o.store.getRun(approveRun)).toMatchObject({
        status: 'success',
        output: { sent: { customer: `child-${timeoutApprove.id}`, amount: 42 } },
      });
      const rejected = await o.store.getRun(rejectRun);
      expect(rejected?.status).toBe('failed');
      expect(rejected?.error?.code).toBe('WEFT_APPROVAL_REJECTED');
      expect(events.filter((e) => e.type === 'reminder').map((e) => e.approval.runId)).toEqual([rejectRun]);
      expect(
        events
          .filter((e) => e.type === 'timeout')
          .map((e) => [e.approval.runId, e.timeoutAction])
          .sort(),
      ).toEqual(
        [
          [approveRun, 'approve'],
          [rejectRun, 'reject'],
        ].sort(),
      );

      // Escalated: still pending, the escalation approver was added and notified.
      const list = await o.service.list();
      const esc = list.find((r) => r.runId === escalateRun);
      expect(esc).toMatchObject({ status: 'pending', escalated: true, approvers: { users: ['alice', 'boss'] } });
      expect(events.some((e) => e.type === 'escalation' && e.approval.runId === escalateRun)).toBe(true);
      expect((await o.store.getRun(escalateRun))?.status).toBe('suspended');
      const timeoutAudit = (await o.service.audit(list.find((r) => r.runId === approveRun)?.id as string)).map(
        (a) => a.action,
      );
      expect(timeoutAudit).toEqual(['requested', 'timeout']);

      // The escalation has its own deadline (300 ms, reject), also durable.
      expect(await o.service.processTimers()).toBe(0);
      clock += 400;
      expect(await o.service.processTimers()).toBe(1);
      expect((await o.store.getRun(escalateRun))?.status).toBe('failed');
      expect(await o.service.get(esc?.id as string)).toMatchObject({ status: 'rejected', closedBy: 'timeout' });
    } finally {
      await o.close();
    }
  });

  it('an escalated gate can be decided by the escalation target; a decided gate ignores its deadline', async () => {
    let clock = Date.now();
    const o = await open(target, { now: () => clock });
    try {
      const escalateRun = await startSuspended(o, timeoutEscalate, { customer: 'e', amount: 5 });
      const decidedRun = await startSuspended(o, timeoutReject, { customer: 'd', amount: 6 });
      const escId = await approvalOf(o.service, escalateRun);
      const decidedId = await approvalOf(o.service, decidedRun);
      await expect(o.service.decide({ id: escId, decision: 'approve', actor: { id: 'boss' } })).rejects.toThrow(
        /not among the approvers/,
      );
      await o.service.decide({ id: decidedId, decision: 'approve', actor: { id: 'alice' } });
      clock = Date.now() + 250; // past both 200 ms deadlines (the runs were created before this line)
      await o.service.processTimers();
      expect((await o.store.getRun(decidedRun))?.status).toBe('success');
      expect(await o.service.get(escId)).toMatchObject({ escalated: true, status: 'pending' });
      await o.service.decide({ id: escId, decision: 'approve', actor: { id: 'boss' }, comment: 'covering for alice' });
      expect((await o.store.getRun(escalateRun))?.status).toBe('success');
    } finally {
      await o.close();
    }
  });
});
