import { ApprovalClosedError, type ApprovalNotification, createApprovalService } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple, slow } from './fixtures/workflows.js';
import { approvalOf, type Backend, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

describe.each<Backend>(['libsql', 'postgres'])('background loop and resume recovery on %s', (backend) => {
  let target: DbTarget;
  let o: Opened;
  beforeAll(async () => {
    target = dbTarget(backend, 'recovery');
    o = await open(target);
  });
  afterAll(async () => {
    await o?.close();
    await target?.cleanup();
  });

  it('a decision recorded by a process without the workflow code is resumed by the next sync elsewhere', async () => {
    const runId = await startSuspended(o, simple, { customer: 'cli', amount: 5 });
    const id = await approvalOf(o.service, runId);
    // Like the `weft` CLI: no workflow code, so its engine cannot run the rest of the workflow.
    const errors: string[] = [];
    const cli = createApprovalService({
      store: o.store,
      engine: {
        resume: async () => {
          throw new Error('deferred');
        },
      },
      onError: (_err, where) => void errors.push(where.phase),
    });
    expect(await cli.decide({ id, decision: 'approve', actor: { id: 'alice' }, via: 'cli' })).toMatchObject({
      outcome: 'approved',
    });
    await cli.settled();
    expect(errors).toEqual(['resume']);
    expect((await o.store.getRun(runId))?.status).toBe('suspended');
    // The app's service picks it up once the grace period for the deciding process has passed.
    const later = await open(target, { now: () => Date.now() + 10_000 });
    try {
      await later.service.sync();
      expect(await o.store.getRun(runId)).toMatchObject({
        status: 'success',
        output: { sent: { customer: 'cli', amount: 5 } },
      });
    } finally {
      await later.close();
    }
  });

  it('start() notices new gates by itself (engine events plus polling) and stop() ends the loop', async () => {
    const seen: ApprovalNotification[] = [];
    const bg = await open(target, { notifiers: [{ name: 'memory', notify: async (e) => void seen.push(e) }] });
    try {
      bg.service.start({ pollMs: 100 });
      const runId = await startSuspended(bg, simple, { customer: 'bg', amount: 6 });
      for (let i = 0; i < 100 && !seen.some((e) => e.type === 'request' && e.approval.runId === runId); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(seen.filter((e) => e.type === 'request' && e.approval.runId === runId)).toHaveLength(1);
    } finally {
      await bg.close();
    }
  });

  it('a gate whose run was canceled is marked canceled, leaves the inbox, and refuses decisions', async () => {
    const runId = await startSuspended(o, simple, { customer: 'gone', amount: 7 });
    const id = await approvalOf(o.service, runId);
    await o.engine.cancel(runId, 'customer withdrew');
    const later = await open(target, { now: () => Date.now() + 10_000 });
    try {
      expect((await later.service.listPending()).map((r) => r.id)).not.toContain(id);
      expect((await later.service.get(id)).status).toBe('canceled');
      expect((await later.service.audit(id)).at(-1)).toMatchObject({
        action: 'canceled',
        details: { runStatus: 'canceled' },
      });
      await expect(later.service.decide({ id, decision: 'approve', actor: { id: 'alice' } })).rejects.toBeInstanceOf(
        ApprovalClosedError,
      );
    } finally {
      await later.close();
    }
  });

  it('by default a decision returns once committed; the run continues in the background', async () => {
    const bg = await open(target, { awaitResume: false });
    try {
      const runId = await startSuspended(bg, slow, { customer: 'slow', amount: 9 });
      const id = await approvalOf(bg.service, runId);
      const result = await bg.service.decide({ id, decision: 'approve', actor: { id: 'alice' } });
      expect(result).toMatchObject({ outcome: 'approved', request: { status: 'approved' } });
      expect((await bg.store.getRun(runId))?.status).not.toBe('success'); // the 400 ms step still runs
      await bg.service.settled();
      expect(await bg.store.getRun(runId)).toMatchObject({
        status: 'success',
        output: { sent: { customer: 'slow', amount: 9 } },
      });
    } finally {
      await bg.close();
    }
  });
});
