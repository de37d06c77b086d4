/**
 * Durable timers: deadlines, escalation deadlines and reminders are rows in
 * `weft_approval_timers`. Any process running the service claims due ones with a lease (so a crash
 * mid-way only delays a timer) and acts on the request with the same compare-and-set as decisions.
 */
import type { ApprovalTimer } from '../storage/approval-storage.js';
import { SYSTEM, type ServiceContext } from './context.js';
import { optionsOf } from './view.js';

async function fire(ctx: ServiceContext, t: ApprovalTimer): Promise<void> {
  const { storage, now } = ctx;
  const row = await storage.getRequest(t.approvalId);
  if (row?.status !== 'pending') return;
  const o = optionsOf(row);
  if (t.kind === 'reminder') {
    await storage.addAudit({ approvalId: row.id, at: now(), action: 'reminder', via: 'system', actor: SYSTEM });
    await ctx.notify('reminder', row);
    return;
  }
  const action = t.kind === 'timeout' ? o.onTimeout : (o.escalateTo?.onTimeout ?? 'reject');
  if (action === 'escalate' && !row.escalated) {
    const dueAt = o.escalateTo?.timeoutMs === undefined ? undefined : now() + o.escalateTo.timeoutMs;
    if (
      !(await storage.compareAndSet(row.id, row.version, {
        escalated: true,
        ...(dueAt === undefined ? {} : { dueAt }),
      }))
    )
      return fire(ctx, t);
    const next = { ...row, escalated: true, version: row.version + 1, ...(dueAt === undefined ? {} : { dueAt }) };
    if (dueAt !== undefined)
      await storage.addTimers([
        { id: `${row.id}:escalation-timeout`, approvalId: row.id, kind: 'escalation-timeout', dueAt },
      ]);
    await storage.addAudit({
      approvalId: row.id,
      at: now(),
      action: 'escalated',
      via: 'system',
      actor: SYSTEM,
      details: { to: o.escalateTo },
    });
    await ctx.notify('escalation', next, { timeoutAction: 'escalate' });
    return;
  }
  const outcome = action === 'approve' ? 'approved' : 'rejected';
  const closed = await ctx.close(row, outcome, 'timeout', row.votes, row.payload);
  if (!closed) return fire(ctx, t);
  await storage.addAudit({
    approvalId: row.id,
    at: now(),
    action: 'timeout',
    via: 'system',
    actor: SYSTEM,
    payloadBefore: row.payload,
    payloadAfter: row.payload,
    details: { outcome },
  });
  await ctx.notify('timeout', closed, { timeoutAction: action === 'approve' ? 'approve' : 'reject' });
  await ctx.continueRun(closed);
}

/** Claims and fires due timers; returns how many ran. */
export async function processTimers(ctx: ServiceContext): Promise<number> {
  const { storage, now } = ctx;
  await ctx.init();
  const due = await storage.claimDueTimers(now(), 60_000, 50);
  for (const t of due) {
    try {
      await fire(ctx, t);
      await storage.deleteTimer(t.id);
    } catch (err) {
      ctx.report(err, { phase: 'timer', approvalId: t.approvalId });
    }
  }
  return due.length;
}
