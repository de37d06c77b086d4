/**
 * The engine's side of flow control, schedules and triggers: created once per engine by
 * `createEngine` and reached by workers through {@link flowOf}. The engine calls into it only
 * for starts that need it (flow options, priority, delay, idempotency key) — plain starts keep
 * the engine's own hot path.
 */
import type { Workflow } from '../definition/workflow.js';
import { resultFromRecord } from '../engine/drive.js';
import type { Engine, RunResult } from '../engine/types.js';
import type { Logger } from '../step/types.js';
import type { RunRecord, Store } from '../store/store.js';
import { createScheduler, type ScheduleApi } from '../schedule/scheduler.js';
import { deliverEvent } from '../trigger/deliver.js';
import type { EventDelivery } from '../trigger/types.js';
import { admit, isGated } from './admission.js';
import { flowBackendFor } from './backend.js';
import type { QueueDepth, RunFlowInfo, StartOptions, WaitReason } from './types.js';

/** What the engine hands to its flow. */
export interface FlowDeps {
  store: Store;
  ownerId: string;
  leaseMs: number;
  registry: ReadonlyMap<string, Workflow>;
  logger: Logger;
  /** Executes a run this engine holds (engine.execute). */
  execute(runId: string): Promise<RunResult>;
  /** Drives a run just created `running` and leased to this engine. */
  driveNew(wf: Workflow, runId: string, input: unknown, deadlineAt: number | undefined): Promise<RunResult>;
  /** The deadline of a run created at `now` (the workflow's or the start's `timeout`). */
  deadlineOf(wf: Workflow, now: number, timeout: unknown): number | undefined;
}

/** The flow of one engine. */
export interface EngineFlow {
  /** Enqueues through flow control when needed; undefined for a plain enqueue. */
  enqueue(
    wf: Workflow,
    input: unknown,
    opts: (StartOptions & { timeout?: unknown }) | undefined,
  ): Promise<string | undefined>;
  /** Starts through flow control when needed (waits for the run); undefined for a plain start. */
  start(
    wf: Workflow,
    runId: string,
    input: unknown,
    opts: (StartOptions & { timeout?: unknown }) | undefined,
  ): Promise<RunResult | undefined>;
  /** When the next known schedule tick is due (epoch ms): a worker wakes up for it. */
  nextWakeAt(): number;
  /** One worker poll: fires due schedules and claims gated runs; returns runs leased to `owner`. */
  tick(owner: string, free: number, workflowIds?: string[]): Promise<RunRecord[]>;
  getRun(runId: string): Promise<(RunRecord & RunFlowInfo) | undefined>;
  queueDepth(workflowId?: string): Promise<QueueDepth[]>;
  readonly schedules: ScheduleApi;
  deliver(
    event: string,
    payload: unknown,
    opts: { runId?: string; id?: string } | undefined,
    resumeWaiting: () => Promise<RunResult[]>,
  ): Promise<EventDelivery<RunResult>>;
}

const flows = new WeakMap<Engine, EngineFlow>();
/** @internal Links an engine to its flow (createEngine). */
export function registerFlow(engine: Engine, flow: EngineFlow): void {
  flows.set(engine, flow);
}
/** @internal The flow of an engine (workers). */
export function flowOf(engine: Engine): EngineFlow | undefined {
  return flows.get(engine);
}

const TERMINAL = new Set(['success', 'failed', 'canceled', 'suspended']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the flow of an engine. */
export function createEngineFlow(deps: FlowDeps): EngineFlow {
  const backend = () => flowBackendFor(deps.store);
  const scheduler = createScheduler(deps, backend);

  /** Waits until another execution (a worker, another process) finished or suspended the run. */
  const awaitResult = async (runId: string): Promise<RunResult> => {
    let wait = 20;
    for (;;) {
      const rec = await deps.store.getRun(runId);
      if (rec && TERMINAL.has(rec.status)) return resultFromRecord(deps.store, rec);
      await sleep(wait);
      wait = Math.min(500, wait * 2);
    }
  };

  let lastGatedClaim = 0;
  const hasFlow = () => {
    for (const wf of deps.registry.values()) if (wf.flow !== undefined) return true;
    return false;
  };

  const explain = async (
    run: RunRecord & RunFlowInfo & { throttleLimit?: number; throttlePeriodMs?: number },
    now: number,
  ) => {
    if (run.status !== 'queued') return undefined;
    if (run.availableAt === undefined) return run.scheduleId ? 'scheduled' : 'queued';
    if (run.availableAt > now) return run.debounceKey !== undefined ? 'debounced' : 'delayed';
    const b = backend();
    if (run.concurrencyKey !== undefined && (await b.countRunning(run.concurrencyKey)) >= (run.concurrencyLimit ?? 1))
      return 'concurrency-limited';
    if (
      run.throttleKey !== undefined &&
      (await b.countStarts(run.throttleKey, now - (run.throttlePeriodMs ?? 0))) >= (run.throttleLimit ?? 1)
    )
      return 'throttled';
    return run.scheduleId ? 'scheduled' : 'queued';
  };

  return {
    schedules: scheduler.api,
    nextWakeAt: () => scheduler.nextDue(),
    async enqueue(wf, input, opts) {
      const out = await admit(backend(), wf, input, opts, {
        owner: deps.ownerId,
        leaseMs: deps.leaseMs,
        status: 'queued',
        deadline: (now) => deps.deadlineOf(wf, now, opts?.timeout),
      });
      return out?.runId;
    },
    async start(wf, runId, input, opts) {
      const gated = isGated(wf, opts);
      const out = await admit(backend(), wf, input, { ...opts, runId }, {
        owner: deps.ownerId,
        leaseMs: deps.leaseMs,
        status: 'running',
        events: gated ? undefined : [],
        deadline: (now: number) => deps.deadlineOf(wf, now, opts?.timeout),
      } as never);
      if (!out) return undefined;
      // The key named an existing run: its result, once it has one (never take its lease over).
      if (!out.created) return awaitResult(out.runId);
      if (!out.gated) return deps.driveNew(wf, out.runId, input, out.deadlineAt);
      // Gated: wait for a slot (claim this very run when its key has room), unless a worker takes it.
      let wait = 10;
      for (;;) {
        const [mine] = await backend().claim({
          owner: deps.ownerId,
          leaseMs: deps.leaseMs,
          limit: 1,
          now: Date.now(),
          runIds: [out.runId],
        });
        if (mine) return deps.execute(out.runId);
        const rec = await deps.store.getRun(out.runId);
        if (!rec) return awaitResult(out.runId);
        if (rec.status !== 'queued') return awaitResult(out.runId);
        await sleep(wait);
        wait = Math.min(250, wait * 2);
      }
    },
    async tick(owner, free, workflowIds) {
      const registered = [...deps.registry.keys()].filter((id) => !workflowIds || workflowIds.includes(id));
      if (registered.length === 0) return [];
      const now = Date.now();
      const fired = await scheduler.fire(owner, now, registered, free);
      const room = free - fired.length;
      // Workflows with flow options are claimed every poll; gated runs of the others (a priority
      // or delay start option) at most once a second, so plain workers pay almost nothing.
      if (room <= 0 || (!hasFlow() && now - lastGatedClaim < 1000)) return fired;
      lastGatedClaim = now;
      const claimed = await backend().claim({
        owner,
        leaseMs: deps.leaseMs,
        limit: room,
        now,
        workflowIds: registered,
      });
      // Found some: look again at the next poll (a queue of priority starts drains at full speed).
      if (claimed.length > 0) lastGatedClaim = 0;
      return [...fired, ...claimed];
    },
    async getRun(runId) {
      const run = await backend().getRun(runId);
      if (!run) return undefined;
      const reason = await explain(run, Date.now());
      const out = { ...run } as RunRecord &
        RunFlowInfo & { claimOrder?: number; throttleLimit?: number; throttlePeriodMs?: number };
      delete out.claimOrder;
      delete out.throttleLimit;
      delete out.throttlePeriodMs;
      if (reason) out.waitReason = reason as WaitReason;
      return out;
    },
    async queueDepth(workflowId) {
      const rows = await backend().queueDepth(Date.now(), workflowId === undefined ? undefined : [workflowId]);
      const byWf = new Map<string, QueueDepth>();
      const runningByKey = new Map<string, number>();
      for (const r of rows) if (r.status === 'running' && r.concurrencyKey) runningByKey.set(r.concurrencyKey, r.n);
      for (const r of rows) {
        const d = byWf.get(r.workflowId) ?? { workflowId: r.workflowId, queued: 0, limited: 0, delayed: 0, running: 0 };
        if (r.status === 'running') d.running += r.n;
        else {
          d.queued += r.n;
          d.delayed += r.delayed;
          if (r.concurrencyKey && (runningByKey.get(r.concurrencyKey) ?? 0) >= (r.concurrencyLimit ?? 1))
            d.limited += r.n - r.delayed;
          d.oldestQueuedAt = Math.min(d.oldestQueuedAt ?? r.oldest, r.oldest);
        }
        byWf.set(r.workflowId, d);
      }
      return [...byWf.values()].sort((a, b) => (a.workflowId < b.workflowId ? -1 : 1));
    },
    deliver: (event, payload, opts, resumeWaiting) =>
      deliverEvent(
        { registry: deps.registry, backend, enqueue: (wf, input, o) => admitOrEnqueue(wf, input, o) },
        event,
        payload,
        opts,
        resumeWaiting,
      ),
  };

  async function admitOrEnqueue(
    wf: Workflow,
    input: unknown,
    opts: StartOptions,
  ): Promise<{ runId: string; created: boolean }> {
    // `extra` forces the flow backend's insert even for a plain start, so every event start is written the same way.
    const out = await admit(backend(), wf, input, opts, {
      owner: deps.ownerId,
      leaseMs: deps.leaseMs,
      status: 'queued',
      extra: {},
      deadline: (now) => deps.deadlineOf(wf, now, undefined),
    });
    return out as { runId: string; created: boolean };
  }
}
