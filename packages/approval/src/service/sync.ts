/**
 * `sync()`: turns approval suspensions in the store into requests. The request id is derived from
 * run id and step path, and the insert is `ON CONFLICT DO NOTHING`, so when several processes sync
 * at once exactly one creates each request — and only that one notifies and schedules its timers.
 */
import { normalizeGateOptions } from '../policy/options.js';
import type { ApprovalTimer, RequestRecord } from '../storage/approval-storage.js';
import { RESUME_GRACE_MS, type ServiceContext } from './context.js';
import { approvalIdFor } from './definitions.js';

/** How often `sync()` looks for pending requests whose run stopped waiting. */
const ORPHAN_CHECK_MS = 30_000;

/** Creates requests for new approval suspensions, retries interrupted resumes, closes orphans. */
export async function syncGates(ctx: ServiceContext, state: { lastOrphanCheck: number }): Promise<number> {
  const { storage, now, options } = ctx;
  await ctx.init();
  let created = 0;
  try {
    const suspensions = await options.store.findSuspensions({ eventName: 'approval', limit: 10_000 });
    const ids = suspensions.map((s) => approvalIdFor(s.runId, s.path));
    const known = await storage.knownIds(ids);
    for (const s of suspensions) {
      const id = approvalIdFor(s.runId, s.path);
      if (known.has(id)) continue;
      const p = (s.payload ?? {}) as Record<string, unknown>;
      const def = ctx.definitionOf(String(p.workflowId), s.path);
      // Options: JSON from the suspension, with the definition's raw options (if any) on top.
      const normalized = normalizeGateOptions({
        ...(p.options as object),
        ...(def.raw ?? {}),
        ...(def.policy ? { hasPolicy: true } : {}),
      });
      const createdAt = s.createdAt;
      const dueAt = normalized.timeoutMs === undefined ? undefined : createdAt + normalized.timeoutMs;
      const row: RequestRecord = {
        id,
        runId: s.runId,
        path: s.path,
        workflowId: String(p.workflowId ?? ''),
        title: typeof p.title === 'string' && p.title ? p.title : `Approve ${s.path}`,
        ...(typeof p.summary === 'string' ? { summary: p.summary } : {}),
        status: 'pending',
        payload: p.payload,
        originalPayload: p.payload,
        options: normalized,
        votes: [],
        version: 0,
        escalated: false,
        createdAt,
        ...(dueAt === undefined ? {} : { dueAt }),
      };
      if (!(await storage.insertRequest(row))) continue;
      created++;
      const timers: ApprovalTimer[] = [];
      if (dueAt !== undefined) {
        timers.push({ id: `${id}:timeout`, approvalId: id, kind: 'timeout', dueAt });
        for (const before of normalized.remindBeforeMs) {
          timers.push({
            id: `${id}:reminder:${before}`,
            approvalId: id,
            kind: 'reminder',
            dueAt: Math.max(createdAt, dueAt - before),
          });
        }
      }
      await storage.addTimers(timers);
      await storage.addAudit({
        approvalId: id,
        at: now(),
        action: 'requested',
        via: 'system',
        payloadAfter: row.payload,
        details: { runId: s.runId, path: s.path },
      });
      await ctx.notify('request', row);
    }
    for (const row of await storage.listUnresumed()) {
      if ((row.decidedAt ?? 0) <= now() - (options.resumeGraceMs ?? RESUME_GRACE_MS)) await ctx.resume(row);
    }
    await closeOrphans(ctx, state, new Set(ids));
  } catch (err) {
    ctx.report(err, { phase: 'sync' });
    throw err;
  }
  return created;
}

/**
 * Pending requests whose gate is no longer suspended (the run was canceled, or resumed without
 * the service) can never be decided: mark them `canceled` so inboxes stop showing them.
 */
async function closeOrphans(ctx: ServiceContext, state: { lastOrphanCheck: number }, open: Set<string>) {
  const { storage, now, options } = ctx;
  // O(pending) reads: run at most every ORPHAN_CHECK_MS per process.
  if (now() - state.lastOrphanCheck < ORPHAN_CHECK_MS) return;
  state.lastOrphanCheck = now();
  for (const row of await storage.listRequests({
    status: 'pending',
    createdBefore: now() - RESUME_GRACE_MS,
    limit: 10_000,
  })) {
    const run = await options.store.getRun?.(row.runId);
    const finished = !run || ['success', 'failed', 'canceled'].includes(run.status);
    const suspendedElsewhere =
      !open.has(row.id) &&
      run?.status === 'suspended' &&
      !(await options.store.listSuspensions?.(row.runId))?.some((x) => x.path === row.path);
    if (!finished && !suspendedElsewhere) continue;
    const at = now();
    if (!(await storage.compareAndSet(row.id, row.version, { status: 'canceled', decidedAt: at, resumedAt: at })))
      continue;
    await storage.deleteTimersOf(row.id);
    await storage.addAudit({
      approvalId: row.id,
      at,
      action: 'canceled',
      via: 'system',
      details: { runStatus: run?.status ?? 'deleted' },
    });
  }
}
