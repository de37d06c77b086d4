/**
 * The scheduler: every worker poll fires the due schedules of the workflows it runs. Each tick is
 * committed once — moving the schedule's `nextAt` is a compare-and-set and every (schedule, tick
 * time) pair is a unique key in the store — so any number of workers can poll at once.
 */
import type { Workflow } from '../definition/workflow.js';
import { WeftError } from '../errors/weft-error.js';
import { serializeError } from '../errors/serialize.js';
import type { RunRecord } from '../store/store.js';
import type { FlowBackend, TickRun } from '../flow-control/backend.js';
import { flowFields, isGated } from '../flow-control/admission.js';
import type { FlowDeps } from '../flow-control/engine-flow.js';
import { FlowConfigError } from '../flow-control/errors.js';
import { nextTick, plan, toScheduleRecord } from './spec.js';
import type { ScheduleOptions, ScheduleRecord } from './types.js';
import { newRunId } from '../engine/run-id.js';

const deadline = (at: number | undefined) => (at === undefined ? {} : { deadlineAt: at });

/** No schedule with that id. */
export class ScheduleNotFoundError extends WeftError {
  readonly scheduleId: string;
  constructor(scheduleId: string) {
    super(
      'WEFT_SCHEDULE_NOT_FOUND',
      `No schedule "${scheduleId}". Schedule ids are "<workflowId>:<id>"; list them with engine.schedules.list() or \`weft schedules list\`.`,
    );
    this.scheduleId = scheduleId;
  }
  override details(): Record<string, unknown> {
    return { scheduleId: this.scheduleId };
  }
}

/** `engine.schedules`: schedules declared in code and created at run time, in the store. */
export interface ScheduleApi {
  /** Creates (or replaces, by id) a schedule of a workflow at run time. */
  create<I>(workflow: Workflow<string, I, any> | string, options: ScheduleOptions<I>): Promise<ScheduleRecord>;
  /** Every schedule (of one workflow), by id. */
  list(workflowId?: string): Promise<ScheduleRecord[]>;
  /** One schedule, or undefined. */
  get(id: string): Promise<ScheduleRecord | undefined>;
  /** Stops ticking (kept across restarts, also for schedules declared in code). */
  pause(id: string): Promise<ScheduleRecord>;
  /** Ticks again from the next tick after now (ticks of the paused time are not started). */
  resume(id: string): Promise<ScheduleRecord>;
  /** Deletes a schedule (a schedule declared in code comes back when an engine registers its workflow). */
  delete(id: string): Promise<boolean>;
  /**
   * Starts one run now, outside the schedule's ticks, queued for a worker; resolves to its run id.
   * From an engine that does not register the workflow (the CLI), the schedule is made due now
   * instead — the next worker poll starts it — and it resolves to `<scheduleId>@<epoch ms>`.
   */
  trigger(id: string): Promise<string>;
  /** The latest ticks (time and run id), newest first. */
  ticks(id: string, limit?: number): Promise<{ scheduledAt: number; runId: string }[]>;
}

/** The scheduler of one engine. */
export function createScheduler(deps: FlowDeps, backend: () => FlowBackend) {
  const synced = new Map<string, Promise<void>>();
  let lastFire = 0;
  let nextDue = 0;

  /** Saves the schedules declared with a workflow (once per engine and workflow). */
  const sync = (wf: Workflow): Promise<void> => {
    let p = synced.get(wf.id);
    if (!p) {
      p = (async () => {
        const now = Date.now();
        for (const s of wf.schedules ?? []) {
          const rec = toScheduleRecord(wf.id, s as ScheduleOptions<unknown>, 'code', now);
          const first = nextTick(rec, now - 1);
          if (first !== undefined) rec.nextAt = first;
          await backend().saveSchedule(rec, true);
        }
      })();
      p.catch(() => synced.delete(wf.id));
      synced.set(wf.id, p);
    }
    return p;
  };

  const inputFor = (rec: ScheduleRecord, wf: Workflow | undefined, tick: number): unknown => {
    const name = rec.id.slice(rec.workflowId.length + 1);
    const declared = wf?.schedules?.find((s) => (s.id ?? 'default') === name);
    const scheduledAt = new Date(tick);
    if (declared && typeof declared.input === 'function') return declared.input({ scheduleId: rec.id, scheduledAt });
    if (rec.input !== undefined) return rec.input;
    return { scheduleId: rec.id, scheduledAt: scheduledAt.toISOString() };
  };

  const tickRun = (
    rec: ScheduleRecord,
    wf: Workflow,
    tick: number,
    owner: string | undefined,
    now: number,
  ): TickRun => {
    const input = inputFor(rec, wf, tick);
    const gated = owner === undefined || isGated(wf, undefined);
    const base = {
      id: newRunId(),
      workflowId: wf.id,
      definitionHash: wf.hash,
      input,
      createdAt: now,
      updatedAt: now,
      scheduleId: rec.id,
      scheduledAt: tick,
      ...deadline(deps.deadlineOf(wf, now, undefined)),
    };
    const data = { scheduleId: rec.id, scheduledAt: tick };
    if (gated && isGated(wf, undefined))
      return {
        tickAt: tick,
        run: { ...base, status: 'queued', ...flowFields(wf, input, undefined, now) },
        events: [{ type: 'run:queued', data, at: now }],
      };
    if (owner === undefined)
      return { tickAt: tick, run: { ...base, status: 'queued' }, events: [{ type: 'run:queued', data, at: now }] };
    // Started by this worker at once: created running and leased to it (a crash before it runs
    // leaves an expired lease, and the run comes back through the claim).
    return {
      tickAt: tick,
      run: { ...base, status: 'running', leaseOwner: owner, leaseExpiresAt: now + deps.leaseMs },
      events: [{ type: 'run:scheduled', data, at: now }],
    };
  };

  const fire = async (owner: string, now: number, workflowIds: string[], free: number): Promise<RunRecord[]> => {
    for (const id of workflowIds) {
      const wf = deps.registry.get(id);
      if (wf?.schedules?.length) await sync(wf);
    }
    // Query when the earliest known tick is due, else once a second (to see schedules created or
    // changed by other processes): an idle worker costs the database almost nothing.
    if (now < nextDue && now - lastFire < 1000) return [];
    lastFire = now;
    const b = backend();
    const due = (await b.dueSchedules(now, 50)).filter((s) => workflowIds.includes(s.workflowId));
    const out: RunRecord[] = [];
    for (const s of due) {
      const wf = deps.registry.get(s.workflowId) as Workflow;
      const { ticks, nextAt } = plan(s, now);
      const runs: TickRun[] = [];
      for (const t of ticks) {
        try {
          runs.push(tickRun(s, wf, t, out.length + runs.length < free ? owner : undefined, now));
        } catch (error) {
          deps.logger.error('schedule input failed; tick skipped', {
            scheduleId: s.id,
            tick: t,
            error: serializeError(error),
          });
        }
      }
      try {
        const created = await b.commitTicks(s.id, s.nextAt, nextAt, runs);
        for (const r of created) if (r.status === 'running' && r.leaseOwner === owner) out.push(r);
      } catch (error) {
        deps.logger.error('schedule tick failed', { scheduleId: s.id, error: serializeError(error) });
      }
    }
    nextDue = (await b.nextDueAt(workflowIds)) ?? Number.POSITIVE_INFINITY;
    return out;
  };

  const syncAll = async () => {
    for (const wf of deps.registry.values()) if (wf.schedules?.length) await sync(wf);
  };

  const mustGet = async (id: string): Promise<ScheduleRecord> => {
    const rec = await backend().getSchedule(id);
    if (!rec) throw new ScheduleNotFoundError(id);
    return rec;
  };

  const api: ScheduleApi = {
    async create(workflow, options) {
      const wf = typeof workflow === 'string' ? deps.registry.get(workflow) : workflow;
      const workflowId = typeof workflow === 'string' ? workflow : workflow?.id;
      if (!wf || typeof workflowId !== 'string')
        throw new FlowConfigError(
          `Expected engine.schedules.create(workflow, options) with a workflow registered with this engine, got ${JSON.stringify(workflowId)}.`,
        );
      if (typeof options?.input === 'function')
        throw new FlowConfigError(
          'A schedule created at run time is stored: give it a JSON input value, not a function (declare schedules with an input function in workflow({ schedules })).',
        );
      const now = Date.now();
      const rec = toScheduleRecord(wf.id, options as ScheduleOptions<unknown>, 'api', now);
      const first = nextTick(rec, now - 1);
      if (first !== undefined) rec.nextAt = first;
      nextDue = 0;
      return backend().saveSchedule(rec, false);
    },
    async list(workflowId) {
      await syncAll();
      return backend().listSchedules(workflowId);
    },
    async get(id) {
      await syncAll();
      return backend().getSchedule(id);
    },
    async pause(id) {
      await mustGet(id);
      await backend().patchSchedule(id, { paused: true, updatedAt: Date.now() });
      return mustGet(id);
    },
    async resume(id) {
      const rec = await mustGet(id);
      const now = Date.now();
      const next = nextTick(rec, now - 1);
      await backend().patchSchedule(id, { paused: false, nextAt: next, updatedAt: now });
      nextDue = 0;
      return mustGet(id);
    },
    delete: (id) => backend().deleteSchedule(id),
    async trigger(id) {
      const rec = await mustGet(id);
      const wf = deps.registry.get(rec.workflowId);
      const now = Date.now();
      if (!wf) {
        // Not registered here (the CLI): make the schedule due now; the next worker poll that runs
        // the workflow starts it as an on-time tick, then the schedule goes on as before.
        if (rec.paused)
          throw new FlowConfigError(
            `Schedule "${id}" is paused: resume it, or trigger it from an engine that registers "${rec.workflowId}".`,
          );
        await backend().patchSchedule(id, { nextAt: now, updatedAt: now });
        return `${id}@${now}`;
      }
      const [run] = await backend().commitTicks(id, undefined, undefined, [tickRun(rec, wf, now, undefined, now)]);
      if (!run)
        throw new FlowConfigError(
          `Schedule "${id}" already started a run for ${new Date(now).toISOString()}; trigger it again.`,
        );
      return run.id;
    },
    async ticks(id, limit = 100) {
      return (await backend().listTicks(id, limit)).map((t) => ({ scheduledAt: t.tickAt, runId: t.runId }));
    },
  };

  return { fire, api, sync, nextDue: () => nextDue };
}
