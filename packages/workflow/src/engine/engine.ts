/** `createEngine()`: starting, resuming, recovering, canceling and observing runs over a Store. */
import { randomUUID } from '../util/crypto.js';
import { EventEmitter } from 'eventemitter3';
import pLimit from 'p-limit';
import {
  CanceledError,
  LeaseLostError,
  RunNotFoundError,
  RunNotSuspendedError,
  WorkflowDefinitionError,
} from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import { setDefaultRunFactory, type Workflow } from '../definition/workflow.js';
import type { Logger } from '../step/types.js';
import { type Duration, toMs } from '../util/duration.js';
import { createMemoryStore, syncCreateOf } from '../store/memory-store.js';
import type { RunRecord, TimerRecord } from '../store/store.js';
import { drive, loadHistory, resultFromRecord } from './drive.js';
import { loadRunHistory } from './load-run.js';
import { validateResume } from './resume.js';
import type { EngineCore, RunExec } from './run-state.js';
import { isStoreUnavailable, storeFailedResult } from './store-failure.js';
import { DEADLINE_KIND, type DeadlineHost, fireDeadline } from './deadline.js';
import { forkRun, lineageOf, type RestartHost, restartRun } from './restart.js';
import { streamRun } from './stream.js';
import { createRunHandle } from './handle.js';
import { claimedRun, registerClaimedExecutor } from './claimed.js';
import { cancelStoredRun } from './cancel.js';
import { activeTraceparent } from '../tracing/active.js';
import { startRunTrace } from '../tracing/run-trace.js';
import { createEngineFlow, registerFlow } from '../flow-control/engine-flow.js';
import type { StartOptions } from '../flow-control/types.js';
import { closeEngine, type EngineLifecycle } from './close.js';
import { EngineClosedError, RunLeasedError } from './lifecycle-errors.js';
import { startRecovery } from './recovery.js';
import { WorkflowRegistry } from '../versioning/registry.js';
import { createVersioning } from '../versioning/resolve.js';
import { migrateRun } from '../versioning/migrate.js';
import { MigrationError } from '../versioning/errors.js';
import type {
  Engine,
  EngineOptions,
  EventListener,
  ExecuteOptions,
  ResumeArgs,
  Run,
  RunResult,
  WeftEvent,
} from './types.js';
import { runLogSettings } from '../logs/run-logs.js';
import { newRunId } from './run-id.js';

const consoleLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (m, d) => console.warn(`[weft] ${m}`, d ?? ''),
  error: (m, d) => console.error(`[weft] ${m}`, d ?? ''),
};

/**
 * Creates an engine over a store (default: in memory).
 *
 * @example
 * ```ts
 * const engine = createEngine({ store: createStore({ url: 'file:weft.db' }), workflows: [triage] });
 * const result = await engine.run(triage).start({ input: { repo: 'acme/api' } });
 * if (result.status === 'suspended') await engine.resume(result.runId, { step: 'ship-it', data: { decision: 'approve' } });
 * ```
 */
export function createEngine(options: EngineOptions = {}): Engine {
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new TypeError(
      `Expected createEngine({ concurrency }) to be an integer from 1 and up, got ${options.concurrency}`,
    );
  }
  const store = options.store ?? createMemoryStore();
  const ownerId = options.ownerId ?? `engine-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const emitter = new EventEmitter();
  const core: EngineCore = {
    store,
    ownerId,
    emitter,
    live: false,
    limiter: options.concurrency ? pLimit(options.concurrency) : undefined,
    logger: options.logger ?? consoleLogger,
    resources: options.resources ?? {},
    maxInProcessSleepMs: toMs(options.maxInProcessSleep ?? '5m'),
    interceptors: options.interceptors,
    runLogs: runLogSettings(options.runLogs),
  };
  const registry = new WorkflowRegistry();
  const versioning = createVersioning(store, registry, {
    allowDefinitionChange: options.allowDefinitionChange,
    logger: core.logger,
  });
  const life: EngineLifecycle = { closed: false, closing: undefined };
  const open = () => {
    if (life.closed) throw new EngineClosedError(ownerId);
  };
  const active = new Map<string, RunExec>();
  // Executions in flight here, so executing a run twice in one process joins the first execution.
  const executions = new Map<string, Promise<RunResult>>();
  const track = (runId: string, p: Promise<RunResult>): Promise<RunResult> => {
    executions.set(runId, p);
    const clear = () => {
      if (executions.get(runId) === p) executions.delete(runId);
    };
    p.then(clear, clear);
    return p;
  };
  let renewal: ReturnType<typeof setInterval> | undefined;

  const register = (wf: Workflow) => registry.register(wf);
  /** Definitions whose snapshot this engine has stored (versioning.persist resolved). */
  const persisted = new WeakSet<Workflow>();
  for (const wf of options.workflows ?? []) register(wf);

  const on = (type: string, listener: EventListener): (() => void) => {
    emitter.on(type, listener);
    core.live = true;
    return () => {
      emitter.off(type, listener);
      core.live = emitter.eventNames().length > 0;
    };
  };

  // Renews leases of runs executing here; a run whose lease is lost or that another process
  // canceled is aborted locally (its steps see their signal abort).
  const ensureRenewal = () => {
    if (renewal) return;
    renewal = setInterval(
      () => {
        // Idle: stop the interval (it would keep this engine reachable); the next run restarts it.
        if (active.size === 0) {
          clearInterval(renewal);
          renewal = undefined;
          return;
        }
        const ids = [...active.keys()];
        store
          .renewLeases(ownerId, ids, leaseMs)
          .then(async (held) => {
            const kept = new Set(held);
            for (const id of ids) {
              // Finished or suspended meanwhile: nothing to check (and the store may be closing).
              if (kept.has(id) || !active.has(id)) continue;
              const rec = await store.getRun(id);
              if (rec?.status === 'canceled') active.get(id)?.abort(new CanceledError(id));
              // Taken over by another owner after our lease expired: stop driving it now (its
              // next commit would be fenced out anyway).
              else if (rec?.status === 'running' && rec.leaseOwner !== ownerId)
                active.get(id)?.abort(new LeaseLostError(id, ownerId));
            }
          })
          .catch((e: unknown) => core.logger.warn('lease renewal failed', { error: serializeError(e) }));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renewal.unref?.();
  };

  /**
   * The definition restart/fork use to compute deadlines and the forked run's hash: the run's own,
   * else the newest registered one (execute() then decides whether it can continue the run).
   */
  const lookup = (rec: RunRecord): Workflow => {
    const wf = registry.byHash(rec.workflowId, rec.definitionHash) ?? registry.newest(rec.workflowId);
    if (!wf) {
      throw new WorkflowDefinitionError(
        rec.workflowId,
        `it is not registered with this engine, so run "${rec.id}" cannot execute. Pass it in createEngine({ workflows: [...] }) or call engine.register(workflow).`,
      );
    }
    return wf;
  };

  const startRun = (
    wf: Workflow,
    runId: string,
    input: unknown,
    opts?: StartOptions & { timeout?: Duration },
  ): Promise<RunResult> => {
    // The common start — a definition already stored, no flow control — waits for nothing before
    // the run is created: no async frame (and over a memory store no promise until the run's own).
    if (
      life.closed ||
      !persisted.has(wf) ||
      opts?.idempotencyKey !== undefined ||
      opts?.priority !== undefined ||
      wf.flow !== undefined
    )
      return startRunAfterChecks(wf, runId, input, opts);
    try {
      return createAndDrive(wf, runId, input, opts);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const startRunAfterChecks = async (
    wf: Workflow,
    runId: string,
    input: unknown,
    opts?: StartOptions & { timeout?: Duration },
  ): Promise<RunResult> => {
    open();
    // A store that is unavailable fails the createRun below with a failed result; the snapshot is
    // retried next start. Once stored, the next starts of the definition go straight on.
    if (!persisted.has(wf)) {
      await versioning.persist(wf).then(
        () => persisted.add(wf),
        (e: unknown) => {
          if (!isStoreUnavailable(e)) throw e;
        },
      );
    }
    // Flow control, priorities and idempotency keys go through the flow (src/flow-control).
    if (opts?.idempotencyKey !== undefined || opts?.priority !== undefined || wf.flow !== undefined) {
      const viaFlow = await flow.start(wf, runId, input, opts);
      if (viaFlow) return viaFlow;
    }
    return createAndDrive(wf, runId, input, opts);
  };
  /** Stores the run (`running`, leased here), then drives it; throws only what deadlineOf throws. */
  const createAndDrive = (
    wf: Workflow,
    runId: string,
    input: unknown,
    opts?: StartOptions & { timeout?: Duration },
  ): Promise<RunResult> => {
    const now = Date.now();
    const deadlineAt = deadlineOf(wf, now, opts?.timeout);
    // The run span opens before the run is stored, so its context is stored with the run (one write).
    const trace = startRunTrace(wf, runId, 'start');
    const notStored = (e: unknown): RunResult => {
      trace?.endRun(undefined, e);
      // Full, read-only, locked, unreachable: a failed result, and no run was stored.
      if (isStoreUnavailable(e)) return storeFailedResult(runId, e, core.logger, 'nothing');
      throw e;
    };
    const begin = (): Promise<RunResult> => {
      ensureRenewal();
      return track(
        runId,
        drive(core, active, wf, runId, input, undefined, [{ type: 'run:start', at: now }], { deadlineAt, trace }),
      );
    };
    let created: Promise<void> | undefined;
    try {
      created = createRunRecord(wf, runId, input, now, deadlineAt, trace?.traceparent);
    } catch (e) {
      try {
        return Promise.resolve(notStored(e));
      } catch (thrown) {
        return Promise.reject(thrown);
      }
    }
    return created === undefined ? begin() : created.then(begin, notStored);
  };
  const createRunRecord = (
    wf: Workflow,
    runId: string,
    input: unknown,
    now: number,
    deadlineAt?: number,
    traceparent?: string,
  ): Promise<void> | undefined => {
    const rec: RunRecord = {
      id: runId,
      workflowId: wf.id,
      definitionHash: wf.hash,
      status: 'running',
      input,
      leaseOwner: ownerId,
      leaseExpiresAt: now + leaseMs,
      createdAt: now,
      updatedAt: now,
    };
    if (deadlineAt !== undefined) rec.deadlineAt = deadlineAt;
    if (traceparent !== undefined) rec.traceparent = traceparent;
    // A memory store creates it here (undefined; a failure throws), any other store when it resolves.
    if (createNow !== undefined) {
      createNow(rec);
      return undefined;
    }
    return store.createRun(rec);
  };
  const createNow = syncCreateOf(store);

  /**
   * A stored row of the run cannot be decoded (CorruptRowError from the store): replaying it is
   * impossible, and leaving it `running` would have workers re-claim it forever. Fail the run with
   * the error (one write with its `run:failed` event); the rows stay as they are for inspection.
   */
  const failCorrupt = async (runId: string, e: unknown, owner: string | undefined): Promise<RunResult> => {
    const at = Date.now();
    const error = e as Error;
    const serialized = serializeError(e);
    const failed = await store.updateRun(
      runId,
      { status: 'failed', error: serialized, updatedAt: at },
      ['running', 'queued'],
      [{ type: 'run:failed', data: { error: serialized }, at }],
      owner,
    );
    if (!failed) throw e;
    core.logger.error('run failed: a stored row of it is corrupt', { runId, error: serialized });
    return { status: 'failed', runId, error, steps: {}, state: {} };
  };
  const isCorrupt = (e: unknown) => (e as { code?: unknown } | null)?.code === 'WEFT_STORE_CORRUPT_ROW';

  /**
   * `claimedRecord`: the record a worker's claim just returned, leased to this engine: it is neither
   * read again nor leased again (the claim was that write).
   */
  const execute = async (
    runId: string,
    execOptions?: ExecuteOptions,
    claimedRecord?: RunRecord,
  ): Promise<RunResult> => {
    const inFlight = executions.get(runId);
    if (inFlight) return inFlight;
    open();
    let rec: RunRecord | undefined = claimedRecord;
    if (!rec) {
      try {
        rec = await store.getRun(runId);
      } catch (e) {
        if (isCorrupt(e)) return failCorrupt(runId, e, undefined);
        throw e;
      }
    }
    if (!rec) throw new RunNotFoundError(runId);
    if (claimedRecord) return executeLeased(rec, Date.now(), execOptions);
    if (rec.status === 'parked') return executeParked(rec);
    if (rec.status !== 'running' && rec.status !== 'queued') return resultFromRecord(store, rec);
    const now = Date.now();
    // Leases: a queued run, a run leased to this identity (a previous process with the same ownerId
    // died: take it at once), or an expired lease. Another live owner keeps its run.
    const foreign = rec.status === 'running' && rec.leaseOwner !== undefined && rec.leaseOwner !== ownerId;
    if (foreign && (rec.leaseExpiresAt ?? 0) > now)
      throw new RunLeasedError(runId, rec.leaseOwner as string, rec.leaseExpiresAt as number);
    const took = await store.updateRun(
      runId,
      { status: 'running', leaseOwner: ownerId, leaseExpiresAt: now + leaseMs, updatedAt: now },
      [rec.status],
      undefined,
      rec.status === 'running' ? rec.leaseOwner : undefined,
    );
    if (!took) {
      // Another process claimed or finished it between the read and the compare-and-set.
      const again = await store.getRun(runId);
      if (again?.status === 'running' && again.leaseOwner && again.leaseOwner !== ownerId)
        throw new RunLeasedError(runId, again.leaseOwner, again.leaseExpiresAt ?? now);
      if (again && again.status !== 'running' && again.status !== 'queued') return resultFromRecord(store, again);
      throw new LeaseLostError(runId, ownerId);
    }
    return executeLeased(rec, now, execOptions);
  };

  /** A run this engine holds the lease of (`rec` as read before taking it): load its history and drive it. */
  const executeLeased = async (rec: RunRecord, now: number, execOptions?: ExecuteOptions): Promise<RunResult> => {
    const runId = rec.id;
    let history: Awaited<ReturnType<typeof loadHistory>>;
    try {
      history = await loadHistory(store, runId);
    } catch (e) {
      if (isCorrupt(e)) return failCorrupt(runId, e, ownerId);
      throw e;
    }
    const resolved = await versioning.resolve({ ...rec, status: 'running' }, history, ['running']);
    if (resolved.switch) {
      const ok = await store.updateRun(runId, resolved.switch.patch, ['running'], [resolved.switch.event], ownerId);
      if (!ok) throw new LeaseLostError(runId, ownerId);
    }
    const wf = resolved.wf;
    ensureRenewal();
    const type = history.memo.size ? 'run:recover' : 'run:start';
    // A run that was `running` and is not executing here had a process executing it: that process
    // was lost (its lease expired, or this identity restarted). Say so with the lost attempts.
    const lost =
      rec.status === 'running' && history.wasExecuting
        ? rec.leaseOwner !== ownerId || execOptions?.claimed
          ? 'process lost: lease expired'
          : 'process lost: recovered at start-up'
        : undefined;
    const trace = startRunTrace(wf, runId, type === 'run:recover' || lost ? 'recover' : 'start', rec.traceparent);
    return track(
      runId,
      drive(
        core,
        active,
        wf,
        runId,
        rec.input,
        history,
        [{ type, at: now, ...(lost ? { data: { reason: lost } } : {}) }],
        {
          deadlineAt: rec.deadlineAt,
          ...(lost ? { lost } : {}),
          trace,
          storeTraceparent: rec.traceparent === undefined,
        },
      ),
    );
  };

  /** A parked run: still parked (RunParkedError), or its definition is registered again — unpark it. */
  const executeParked = async (rec: RunRecord): Promise<RunResult> => {
    const resolved = await versioning.resolve(rec, await loadHistory(store, rec.id), ['parked']);
    await versioning.persist(resolved.wf);
    const moved = await migrateRun(store, rec.id, {
      to: resolved.wf.hash,
      actor: ownerId,
      reason: 'a registered definition can continue the run',
    });
    if (moved.status === 'queued') return execute(rec.id);
    const again = await store.getRun(rec.id);
    if (!again) throw new RunNotFoundError(rec.id);
    return resultFromRecord(store, again);
  };

  const resumeAt = async (runId: string, path: string, data: unknown, timedOut: boolean): Promise<RunResult> => {
    // The run and its history (steps, open suspensions, state) are read together, before the
    // status flips: a corrupt row then fails the resume with the run still suspended and every row
    // unchanged. The history also holds the suspensions this resume is checked against.
    open();
    const { rec, history } = await loadRunHistory(store, runId);
    if (!rec) throw new RunNotFoundError(runId);
    if (rec.status !== 'suspended' && rec.status !== 'parked')
      throw new RunNotSuspendedError(runId, path, `its status is "${rec.status}"`);
    // Parks the run (and throws RunParkedError) when no registered definition can continue it; a
    // parked run continues here only when its definition is registered again (or allowDefinitionChange).
    const resolved = await versioning.resolve(rec, history, ['suspended']);
    const parkedOverride = rec.status === 'parked';
    const wf = resolved.wf;
    const suspension = history.suspensions.get(path);
    if (!suspension) {
      throw new RunNotSuspendedError(
        runId,
        path,
        `it is suspended at ${[...history.suspensions.keys()].map((p) => `"${p}"`).join(', ') || 'no step'}, not there. Resume one of those paths`,
      );
    }
    const parsed = timedOut ? undefined : validateResume(wf, runId, path, suspension, data);
    const now = Date.now();
    const ok = await store.updateRun(
      runId,
      {
        status: 'running',
        leaseOwner: ownerId,
        leaseExpiresAt: now + leaseMs,
        updatedAt: now,
        ...resolved.switch?.patch,
        ...(parkedOverride ? { error: undefined } : {}),
      },
      [rec.status],
      resolved.switch ? [resolved.switch.event] : undefined,
    );
    if (!ok) throw new RunNotSuspendedError(runId, path, 'another process resumed or canceled it first');
    history.resume = { path, data: parsed, suspension, timedOut };
    ensureRenewal();
    const trace = startRunTrace(wf, runId, 'resume', rec.traceparent);
    return track(
      runId,
      drive(
        core,
        active,
        wf,
        runId,
        rec.input,
        history,
        [
          { type: 'run:resume', at: now },
          { type: 'step:resume', path, data: timedOut ? { timedOut } : undefined, at: now },
        ],
        { deadlineAt: rec.deadlineAt, trace, storeTraceparent: rec.traceparent === undefined },
      ),
    );
  };

  const cancel = async (runId: string, reason?: string): Promise<void> => {
    const now = Date.now();
    if (!(await cancelStoredRun(store, runId, reason, now))) return; // already finished: nothing to cancel
    const error = new CanceledError(runId, reason);
    const x = active.get(runId);
    if (x) {
      x.live('run:canceled', undefined, { reason }, now);
      x.abort(error);
    } else if (core.live) {
      const e: WeftEvent = { runId, type: 'run:canceled', at: now, data: { reason } };
      emitter.emit('run:canceled', e);
      emitter.emit('*', e);
    }
  };

  const resumeWaiting = async (event: string, payload: unknown, opts?: { runId?: string }): Promise<RunResult[]> => {
    const waiting = await store.findSuspensions({ eventName: event });
    const results: RunResult[] = [];
    for (const s of waiting) {
      if (opts?.runId !== undefined && s.runId !== opts.runId) continue;
      try {
        results.push(await resumeAt(s.runId, s.path, payload, false));
      } catch (e) {
        if (!(e instanceof RunNotSuspendedError)) throw e; // another process took it: fine
      }
    }
    return results;
  };

  const flow = createEngineFlow({
    store,
    ownerId,
    leaseMs,
    registry: registry.newestView(),
    logger: core.logger,
    execute,
    driveNew: (wf, runId, input, deadlineAt) => {
      ensureRenewal();
      const trace = startRunTrace(wf, runId, 'start');
      return track(
        runId,
        drive(core, active, wf, runId, input, undefined, [{ type: 'run:start', at: Date.now() }], {
          deadlineAt,
          trace,
          storeTraceparent: trace !== undefined,
        }),
      );
    },
    deadlineOf: (wf, now, timeout) => deadlineOf(wf, now, timeout as Duration | undefined),
  });
  const deadlineHost: DeadlineHost = {
    store,
    local: (runId) => active.get(runId),
    async takeOver(rec) {
      const now = Date.now();
      const took = await store.updateRun(
        rec.id,
        { leaseOwner: ownerId, leaseExpiresAt: now + leaseMs, updatedAt: now },
        ['running'],
        undefined,
        rec.leaseOwner,
      );
      return took ? execute(rec.id, { claimed: true }) : undefined;
    },
    emit(e) {
      emitter.emit(e.type, e);
      emitter.emit('*', e);
    },
  };

  const restartHost: RestartHost = {
    store,
    ownerId,
    leaseMs,
    lookup,
    execute: (runId) => {
      ensureRenewal();
      return execute(runId);
    },
    newRunId,
  };

  const engine: Engine = {
    store,
    ownerId,
    register,
    run<I, O, M>(wf: Workflow<string, I, O>, opts?: { runId?: string }): Run<I, O, M> {
      open();
      register(wf);
      const runId = opts?.runId ?? newRunId();
      return {
        runId,
        start: (args) => startRun(wf, runId, args?.input, args) as Promise<RunResult<O>>,
        resume: (args: ResumeArgs) => resumeAt(runId, args.step, args.data, false) as Promise<RunResult<O>>,
        cancel: () => cancel(runId),
        on: (type, listener) => on(type, (e) => e.runId === runId && listener(e)),
        stream: () => engine.stream(runId),
      };
    },
    async enqueue(wfOrId, input, opts) {
      open();
      const wf = typeof wfOrId === 'string' ? registry.newest(wfOrId) : wfOrId;
      if (!wf)
        throw new WorkflowDefinitionError(
          String(wfOrId),
          'it is not registered with this engine. Pass it in createEngine({ workflows }) or enqueue the workflow object.',
        );
      register(wf);
      await versioning.persist(wf);
      const viaFlow = await flow.enqueue(wf, input, opts);
      if (viaFlow !== undefined) return viaFlow;
      const id = opts?.runId ?? newRunId();
      const now = Date.now();
      const deadlineAt = deadlineOf(wf, now, opts?.timeout);
      // The enqueuer's span (an HTTP request, a job) becomes the parent of the run's executions.
      const traceparent = activeTraceparent();
      // The run and its `run:queued` event: one write.
      await store.createRun(
        {
          id,
          workflowId: wf.id,
          definitionHash: wf.hash,
          status: 'queued',
          input,
          createdAt: now,
          updatedAt: now,
          ...(deadlineAt === undefined ? {} : { deadlineAt }),
          ...(traceparent === undefined ? {} : { traceparent }),
        },
        [{ type: 'run:queued', at: now }],
      );
      return id;
    },
    execute,
    resume: (runId, args: ResumeArgs) => resumeAt(runId, args.step, args.data, false),
    cancel,
    recover(opts) {
      open();
      return startRecovery(
        {
          store,
          ownerId,
          leaseMs,
          workflowIds: () => registry.ids(),
          execute,
          isExecuting: (id) => executions.has(id),
          logger: core.logger,
        },
        opts,
      );
    },
    async migrate(runId, opts = {}) {
      open();
      const rec = await store.getRun(runId);
      if (!rec) throw new RunNotFoundError(runId);
      let to = opts.to;
      if (typeof to === 'object' && to !== null) {
        register(to);
        to = to.hash;
      } else {
        const target =
          to === undefined
            ? registry.newest(rec.workflowId)
            : (registry.byVersion(rec.workflowId, to) ?? registry.versions(rec.workflowId).find((w) => w.hash === to));
        if (!target && to === undefined)
          throw new MigrationError(
            runId,
            `no definition of workflow "${rec.workflowId}" is registered with this engine.`,
          );
        if (target) to = target.hash;
      }
      for (const wf of registry.versions(rec.workflowId)) await versioning.persist(wf);
      return migrateRun(store, runId, { ...opts, to });
    },
    close: (closeOptions) =>
      closeEngine(
        {
          life,
          ownerId,
          store,
          closeStore: options.closeStore ?? options.store === undefined,
          executions,
          active,
          emitter,
          stopRenewal: () => {
            if (renewal) clearInterval(renewal);
            renewal = undefined;
          },
          logger: core.logger,
        },
        closeOptions,
      ),
    [Symbol.asyncDispose]: () => engine.close(),
    getRun: (runId) => flow.getRun(runId),
    restart: (runId, opts) => restartRun(restartHost, runId, opts),
    fork: (runId, opts) => forkRun(restartHost, runId, opts),
    lineage: (runId) => lineageOf(store, runId),
    on,
    stream: (runId, streamOptions) => streamRun(store, runId, (l) => on('*', l), streamOptions),
    handle: (runId) =>
      createRunHandle(
        {
          store,
          local: (id) => executions.get(id),
          stream: (id, streamOptions) => engine.stream(id, streamOptions),
        },
        runId,
      ),
    sendEvent: (event, payload, opts) => flow.deliver(event, payload, opts, () => resumeWaiting(event, payload, opts)),
    schedules: flow.schedules,
    queueDepth: (workflowId) => flow.queueDepth(workflowId),
    async fireTimer(timer: TimerRecord) {
      if (timer.kind === DEADLINE_KIND) return fireDeadline(deadlineHost, timer);
      const rec = await store.getRun(timer.runId);
      if (!rec) return undefined;
      if (timer.kind === 'event-timeout') {
        if (rec.status !== 'suspended') return undefined;
        // resumeAt checks the suspension is still open (RunNotSuspendedError otherwise).
        try {
          return await resumeAt(timer.runId, timer.path, undefined, true);
        } catch (e) {
          if (e instanceof RunNotSuspendedError) return undefined;
          throw e;
        }
      }
      if (timer.kind === 'sleep') {
        // A long sleep suspended the run: wake it.
        if (rec.status === 'suspended') {
          try {
            return await resumeAt(timer.runId, timer.path, undefined, false);
          } catch (e) {
            if (e instanceof RunNotSuspendedError) return undefined;
            throw e;
          }
        }
        // A short sleep waits in its process, which wakes itself; act only if it died (lease expired).
        const now = Date.now();
        if (rec.status !== 'running' || (rec.leaseExpiresAt ?? 0) > now || active.has(rec.id)) return undefined;
        // Take the expired lease over exclusively first: a compare-and-set on the owner we saw, so a
        // worker's claim (or another fireTimer) racing for the same run leaves exactly one winner.
        const took = await store.updateRun(
          rec.id,
          { leaseOwner: ownerId, leaseExpiresAt: now + leaseMs, updatedAt: now },
          ['running'],
          undefined,
          rec.leaseOwner,
        );
        return took ? execute(rec.id, { claimed: true }) : undefined;
      }
      const at = Date.now();
      const e: WeftEvent = { runId: timer.runId, type: 'timer', path: timer.path, data: timer, at };
      emitter.emit('timer', e);
      emitter.emit('*', e);
      return undefined;
    },
  };
  registerFlow(engine, flow);
  registerClaimedExecutor(engine, (run) => {
    const rec = claimedRun(run, ownerId);
    return execute(run.id, { claimed: true }, rec);
  });
  return engine;
}

/** A run's deadline: `start`/`enqueue`'s `timeout`, else the workflow's, from `now`. */
function deadlineOf(wf: Workflow, now: number, timeout: Duration | undefined): number | undefined {
  if (timeout === undefined) return wf.timeoutMs === undefined ? undefined : now + wf.timeoutMs;
  try {
    return now + toMs(timeout);
  } catch (e) {
    throw new TypeError(
      `Expected the run \`timeout\` of workflow "${wf.id}" to be a duration: ${(e as Error).message}`,
    );
  }
}

let defaultEngine: Engine | undefined;
/** @internal The engine behind `workflow.createRun()`: in memory, created on first use. */
export function getDefaultEngine(): Engine {
  defaultEngine ??= createEngine();
  return defaultEngine;
}
setDefaultRunFactory((wf, opts) => getDefaultEngine().run(wf, opts));
