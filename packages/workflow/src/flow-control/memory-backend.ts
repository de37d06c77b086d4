/**
 * The flow backend in memory, over any {@link Store}'s public methods plus side tables kept here.
 * Exact within one process (every method runs under one in-process lock); stores shared between
 * processes need the SQL backend (`createStore`).
 */
import type { RunRecord, Store } from '../store/store.js';
import type { ScheduleRecord } from '../schedule/types.js';
import type { FlowBackend, FlowDepthRow, FlowRun } from './backend.js';

const ALL = 1_000_000;

/** The in-memory flow backend of `store`. */
export function memoryBackend(store: Store): FlowBackend {
  const idem = new Map<string, { runId: string; expiresAt: number }>();
  const starts = new Map<string, number[]>();
  const schedules = new Map<string, ScheduleRecord>();
  const ticks = new Map<string, Map<number, string>>();
  let chain: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn);
    chain = p.catch(() => undefined);
    return p;
  };
  const runsOf = async (status: 'queued' | 'running'): Promise<FlowRun[]> =>
    (await store.listRuns({ status, limit: ALL })).runs as FlowRun[];
  const window = (key: string, since: number): number[] => {
    const list = (starts.get(key) ?? []).filter((t) => t > since);
    starts.set(key, list);
    return list;
  };
  const create = async (run: FlowRun, events: Parameters<Store['appendEvents']>[1]) => {
    await store.createRun(run);
    if (events.length > 0) await store.appendEvents(run.id, events);
  };

  return {
    shared: false,
    insertRun: (run, events, claim) =>
      locked(async () => {
        if (claim) {
          const k = `${run.workflowId}\u0000${claim.key}`;
          const held = idem.get(k);
          if (held && held.expiresAt > run.createdAt && (await store.getRun(held.runId)))
            return { runId: held.runId, created: false };
          idem.set(k, { runId: run.id, expiresAt: claim.expiresAt });
        }
        await create(run, events);
        return { runId: run.id, created: true };
      }),
    debounce: (run, events, maxWaitMs) =>
      locked(async () => {
        const open = (await runsOf('queued')).find(
          (r) => r.workflowId === run.workflowId && r.debounceKey === run.debounceKey,
        );
        if (open) {
          const due = Math.min(
            run.availableAt as number,
            maxWaitMs === undefined ? Infinity : open.createdAt + maxWaitMs,
          );
          const order = due - ((run.availableAt as number) - (run.claimOrder as number));
          const patch = { input: run.input, availableAt: due, claimOrder: order, updatedAt: run.updatedAt };
          const ok = await store.updateRun(
            open.id,
            patch as Partial<RunRecord>,
            ['queued'],
            events.map((e) => ({ ...e, type: 'run:debounced' })),
          );
          if (ok) return { runId: open.id, created: false };
        }
        await create(run, events);
        return { runId: run.id, created: true };
      }),
    admit: (key, limit, periodMs, now) =>
      locked(async () => {
        const list = window(key, now - periodMs);
        if (list.length >= limit) return { ok: false, retryAfterMs: Math.max(1, (list[0] as number) + periodMs - now) };
        list.push(now);
        return { ok: true, retryAfterMs: 0 };
      }),
    remember: (scope, key, expiresAt, now) =>
      locked(async () => {
        const k = `~${scope}\u0000${key}`;
        const held = idem.get(k);
        if (held && held.expiresAt > now) return false;
        idem.set(k, { runId: '', expiresAt });
        return true;
      }),
    claim: (o) =>
      locked(async () => {
        if (o.limit <= 0) return [];
        const queued = (await runsOf('queued'))
          .filter(
            (r) =>
              r.availableAt !== undefined &&
              r.availableAt <= o.now &&
              (!o.workflowIds || o.workflowIds.includes(r.workflowId)) &&
              (!o.runIds || o.runIds.includes(r.id)),
          )
          .sort((a, b) => (a.claimOrder ?? 0) - (b.claimOrder ?? 0) || (a.id < b.id ? -1 : 1));
        if (queued.length === 0) return [];
        const running = new Map<string, number>();
        for (const r of await runsOf('running'))
          if (r.concurrencyKey !== undefined) running.set(r.concurrencyKey, (running.get(r.concurrencyKey) ?? 0) + 1);
        const out: RunRecord[] = [];
        for (const r of queued) {
          if (out.length >= o.limit) break;
          if (r.concurrencyKey !== undefined && (running.get(r.concurrencyKey) ?? 0) >= (r.concurrencyLimit ?? 1))
            continue;
          if (r.throttleKey !== undefined) {
            const list = window(r.throttleKey, o.now - (r.throttlePeriodMs ?? 0));
            if (list.length >= (r.throttleLimit ?? 1)) continue;
          }
          const ok = await store.updateRun(
            r.id,
            { status: 'running', leaseOwner: o.owner, leaseExpiresAt: o.now + o.leaseMs, updatedAt: o.now },
            ['queued'],
          );
          if (!ok) continue;
          if (r.concurrencyKey !== undefined) running.set(r.concurrencyKey, (running.get(r.concurrencyKey) ?? 0) + 1);
          if (r.throttleKey !== undefined) window(r.throttleKey, o.now - (r.throttlePeriodMs ?? 0)).push(o.now);
          out.push({
            ...r,
            status: 'running',
            leaseOwner: o.owner,
            leaseExpiresAt: o.now + o.leaseMs,
            updatedAt: o.now,
          });
        }
        return out;
      }),
    getRun: (runId) => store.getRun(runId) as Promise<FlowRun | undefined>,
    countRunning: async (key) => (await runsOf('running')).filter((r) => r.concurrencyKey === key).length,
    countStarts: async (key, since) => window(key, since).length,
    async queueDepth(now, workflowIds) {
      const rows = new Map<string, FlowDepthRow>();
      for (const status of ['queued', 'running'] as const) {
        for (const r of await runsOf(status)) {
          if (workflowIds && !workflowIds.includes(r.workflowId)) continue;
          const gated = r.availableAt !== undefined;
          const k = `${r.workflowId}\u0000${status}\u0000${gated}\u0000${r.concurrencyKey ?? ''}`;
          const row = rows.get(k) ?? {
            workflowId: r.workflowId,
            status,
            gated,
            ...(r.concurrencyKey === undefined ? {} : { concurrencyKey: r.concurrencyKey }),
            ...(r.concurrencyLimit === undefined ? {} : { concurrencyLimit: r.concurrencyLimit }),
            delayed: 0,
            n: 0,
            oldest: r.createdAt,
          };
          row.n++;
          if ((r.availableAt ?? 0) > now) row.delayed++;
          row.oldest = Math.min(row.oldest, r.createdAt);
          rows.set(k, row);
        }
      }
      return [...rows.values()];
    },

    async saveSchedule(rec, keepNextAt) {
      const old = schedules.get(rec.id);
      const same =
        old &&
        JSON.stringify([old.cron, old.every, old.timezone, old.startAt, old.missed]) ===
          JSON.stringify([rec.cron, rec.every, rec.timezone, rec.startAt, rec.missed]);
      const next: ScheduleRecord =
        keepNextAt && old
          ? { ...rec, createdAt: old.createdAt, paused: old.paused, ...(same ? { nextAt: old.nextAt } : {}) }
          : { ...rec, ...(old ? { createdAt: old.createdAt } : {}) };
      if (next.nextAt === undefined) delete next.nextAt;
      schedules.set(rec.id, next);
      return { ...next };
    },
    getSchedule: async (id) => {
      const r = schedules.get(id);
      return r ? { ...r } : undefined;
    },
    listSchedules: async (workflowId) =>
      [...schedules.values()]
        .filter((r) => workflowId === undefined || r.workflowId === workflowId)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((r) => ({ ...r })),
    async patchSchedule(id, patch) {
      const r = schedules.get(id);
      if (!r) return false;
      Object.assign(r, patch);
      if ('nextAt' in patch && patch.nextAt === undefined) delete r.nextAt;
      return true;
    },
    async deleteSchedule(id) {
      ticks.delete(id);
      return schedules.delete(id);
    },
    nextDueAt: async (workflowIds) => {
      let min: number | undefined;
      for (const r of schedules.values())
        if (!r.paused && r.nextAt !== undefined && workflowIds.includes(r.workflowId))
          min = Math.min(min ?? r.nextAt, r.nextAt);
      return min;
    },
    dueSchedules: async (now, limit) =>
      [...schedules.values()]
        .filter((r) => !r.paused && r.nextAt !== undefined && r.nextAt <= now)
        .sort((a, b) => (a.nextAt as number) - (b.nextAt as number))
        .slice(0, limit)
        .map((r) => ({ ...r })),
    commitTicks: (scheduleId, expectNextAt, nextAt, list) =>
      locked(async () => {
        const r = schedules.get(scheduleId);
        if (expectNextAt !== undefined) {
          if (!r || r.nextAt !== expectNextAt) return [];
          if (nextAt === undefined) delete r.nextAt;
          else r.nextAt = nextAt;
          r.updatedAt = Date.now();
        }
        const seen = ticks.get(scheduleId) ?? new Map<number, string>();
        ticks.set(scheduleId, seen);
        const created: RunRecord[] = [];
        for (const t of list) {
          if (seen.has(t.tickAt)) continue;
          seen.set(t.tickAt, t.run.id);
          await create(t.run, t.events);
          created.push(t.run);
        }
        return created;
      }),
    listTicks: async (scheduleId, limit) =>
      [...(ticks.get(scheduleId) ?? new Map<number, string>()).entries()]
        .sort((a, b) => b[0] - a[0])
        .slice(0, limit)
        .map(([tickAt, runId]) => ({ tickAt, runId })),
  };
}
