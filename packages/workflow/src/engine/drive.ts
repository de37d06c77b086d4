/** Driving one execution of a run from its current state to success, failure, suspension or cancel. */
import type { LimitFunction } from 'p-limit';
import pLimit from 'p-limit';
import { CanceledError, LeaseLostError } from '../errors/errors.js';
import { RestoredError, serializeError } from '../errors/serialize.js';
import type { Workflow } from '../definition/workflow.js';
import type { EventRecord, RunRecord, StepRecord, Store, SuspensionRecord } from '../store/store.js';
import { RunTimeoutError } from '../errors/run-errors.js';
import { armDeadline, deadlineTimer } from './deadline.js';
import { execSequence } from './exec-node.js';
import { isStoreUnavailable, storeFailedResult } from './store-failure.js';
import { BailSignal, type EngineCore, type ResumeRequest, RunExec, SuspendSignal } from './run-state.js';
import type { RunTrace } from '../tracing/run-trace.js';
import type { RunResult } from './types.js';

/** What an execution starts from: committed history (absent for a fresh run) and a resume request. */
export interface History {
  memo: Map<string, StepRecord>;
  /** The run state folded from committed `state:patch` events. */
  state: Record<string, unknown>;
  suspensions: Map<string, SuspensionRecord>;
  resume?: ResumeRequest;
  /** Paths of steps that called `bail()`. */
  bails?: Set<string>;
  /** Whether the run's `log:truncated` marker is stored (then no more lines are). */
  logs?: { cut: boolean };
  /** Attempts lost with a dead process, per path (`step:lost` events). */
  lostAttempts?: Map<string, number>;
  /**
   * True when the run's last lifecycle event is an execution (`run:start`, `run:recover`,
   * `run:resume`) rather than a hand-off (`run:queued`, `run:restart`, `run:suspended`): a
   * process was executing it. When such a run is executed again elsewhere, that process was lost.
   */
  wasExecuting?: boolean;
}

type PendingEvent = Omit<EventRecord, 'seq' | 'runId'>;

/** Per-execution options of {@link drive}. */
export interface DriveOptions {
  /** The run's deadline (epoch ms): past it, the execution aborts and the run fails with a RunTimeoutError. */
  deadlineAt?: number;
  /** Set when this execution takes over from a lost process: the reason shown with its lost attempts. */
  lost?: string;
  /** The execution's spans (src/tracing), when a tracer provider is registered. */
  trace?: RunTrace;
  /** The run has no stored trace context yet: the final write stores this execution's. */
  storeTraceparent?: boolean;
}

/**
 * Events folded into the history: state patches, bails, restarts (which reset the state), lost
 * attempts, the log cap marker and the lifecycle events that tell whether a process was executing.
 */
export const STATE_EVENTS = [
  'state:patch',
  'step:bail',
  'run:restart',
  'step:lost',
  'log:truncated',
  'run:start',
  'run:recover',
  'run:resume',
  'run:queued',
  'run:suspended',
];
const EXECUTING = new Set(['run:start', 'run:recover', 'run:resume']);
const HANDED_OFF = new Set(['run:queued', 'run:restart', 'run:suspended']);

/** Loads a run's committed steps and open suspensions: the durable state an execution replays. */
export async function loadHistory(store: Store, runId: string): Promise<History> {
  if (store.loadRun) {
    // One read where the store has it (a local file: one statement instead of three).
    const loaded = await store.loadRun(runId, STATE_EVENTS);
    return foldHistory(loaded?.steps ?? [], loaded?.suspensions ?? [], loaded?.events ?? []);
  }
  const [steps, sus, events] = await Promise.all([
    store.listSteps(runId),
    store.listSuspensions(runId),
    store.readEvents(runId, 0, STATE_EVENTS),
  ]);
  return foldHistory(steps, sus, events);
}

/** The history an execution replays, folded from the run's step attempts, open suspensions and {@link STATE_EVENTS}. */
export function foldHistory(steps: StepRecord[], sus: SuspensionRecord[], events: EventRecord[]): History {
  let state: Record<string, unknown> = {};
  let bails: Set<string> | undefined;
  let lost: Map<string, number> | undefined;
  let cut = false;
  let executing: boolean | undefined;
  for (const e of events) {
    if (EXECUTING.has(e.type)) executing = true;
    else if (HANDED_OFF.has(e.type)) executing = false;
    if (e.type === 'state:patch') state = { ...state, ...(e.data as Record<string, unknown>) };
    else if (e.type === 'step:lost' && e.path !== undefined) {
      const n = (e.data as { attempt?: unknown } | undefined)?.attempt;
      (lost ??= new Map()).set(e.path, Math.max(lost.get(e.path) ?? 0, typeof n === 'number' ? n : 1));
    } else if (e.type === 'log:truncated') cut = true;
    else if (e.type === 'step:bail' && e.path !== undefined) (bails ??= new Set()).add(e.path);
    else if (e.type === 'run:restart') {
      const d = e.data as { state?: Record<string, unknown> } | undefined;
      if (d?.state) state = { ...d.state };
      bails = undefined;
    }
  }
  const memo = new Map<string, StepRecord>();
  for (const s of steps) {
    const prev = memo.get(s.path);
    // A success is final whatever its order; otherwise the latest record wins.
    if (prev?.status !== 'success') memo.set(s.path, s);
  }
  return {
    memo,
    state,
    suspensions: new Map(sus.map((s) => [s.path, s])),
    ...(bails ? { bails } : {}),
    logs: { cut },
    ...(lost ? { lostAttempts: lost } : {}),
    // No lifecycle event at all: a run from before these events, or one whose first execution died
    // before its first commit (queued runs always have `run:queued`).
    wasExecuting: executing ?? true,
  };
}

/** Builds a result from a stored run that is not executing here. */
export async function resultFromRecord(store: Store, rec: RunRecord): Promise<RunResult> {
  const h = await loadHistory(store, rec.id);
  const steps: Record<string, unknown> = {};
  for (const [path, s] of h.memo) if (s.status === 'success') steps[path] = s.output;
  const base = { runId: rec.id, steps, state: h.state };
  switch (rec.status) {
    case 'success':
      return { ...base, status: 'success', output: rec.output };
    case 'canceled':
      return { ...base, status: 'canceled', error: new CanceledError(rec.id) };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        error: new RestoredError(rec.error ?? { name: 'Error', message: 'unknown failure' }),
      };
    default:
      return { ...base, status: 'suspended', suspended: [...h.suspensions.values()] };
  }
}

/** Executes `wf` for run `runId` from `input`, replaying `history` when given. Never throws for workflow failures. */
export function drive(
  core: EngineCore,
  active: Map<string, RunExec>,
  wf: Workflow,
  runId: string,
  input: unknown,
  history: History | undefined,
  events: PendingEvent[],
  options: DriveOptions = {},
): Promise<RunResult> {
  const run = driveRun(core, active, wf, runId, input, history, events, options);
  const trace = options.trace;
  if (!trace) return run;
  // The run span ends with the execution's outcome (src/tracing).
  return run.then(
    (r) => {
      trace.endRun(r);
      return r;
    },
    (e: unknown) => {
      trace.endRun(undefined, e);
      throw e;
    },
  );
}

async function driveRun(
  core: EngineCore,
  active: Map<string, RunExec>,
  wf: Workflow,
  runId: string,
  input: unknown,
  history: History | undefined,
  events: PendingEvent[],
  options: DriveOptions,
): Promise<RunResult> {
  const limiter: LimitFunction | undefined = wf.concurrency ? pLimit(wf.concurrency) : undefined;
  const x = new RunExec(core, runId, wf, resourcesOf(core, wf), limiter);
  x.trace = options.trace;
  if (history) {
    x.memo = history.memo;
    x.suspensions = history.suspensions;
    x.resume = history.resume;
    x.state = history.state;
    x.bails = history.bails;
    x.countLogsLazily(history.logs?.cut ?? false);
    x.lostAttempts = history.lostAttempts;
  }
  x.lost = options.lost;
  for (const e of events) x.custom(e.type, e.path as string, e.data);
  const last = wf.nodes[wf.nodes.length - 1];
  if (last?.kind === 'step') x.lastStepPath = last.id;
  active.set(runId, x);
  const disarm = armDeadline(x, options.deadlineAt);
  const store = core.store;
  // Every write of this execution is fenced by the engine's lease (see RunExec.commit).
  const owner = core.ownerId;
  /**
   * The run's final write: status (+ output/error) and the final events, compare-and-set on
   * `running` and fenced by the lease; with a held-back step commit, all of it in that commit.
   */
  const finish = async (
    patch: Partial<Pick<RunRecord, 'status' | 'output' | 'error' | 'updatedAt' | 'traceparent'>>,
    final: PendingEvent[],
  ): Promise<boolean> => {
    if (options.storeTraceparent && x.trace) patch.traceparent = x.trace.traceparent;
    const held = x.takeDeferred();
    if (!held) return store.updateRun(runId, patch, ['running'], final, owner);
    const before = held.events;
    held.events = before ? [...before, ...final] : final;
    held.run = patch;
    try {
      await store.commitStep(held);
      return true;
    } catch (e) {
      if (!(e instanceof LeaseLostError)) {
        // run-level events (run:start, run:resume) the failure write keeps
        unwritten = (before ?? []).filter((ev) => ev.path === undefined);
        throw e;
      }
      x.abort(e);
      return false;
    }
  };
  let unwritten: PendingEvent[] = [];
  /** Fails the run with `e`; if the final write itself fails (a held-back value the store rejects), with that error. */
  const fail = async (e: unknown): Promise<RunResult> => {
    const at = Date.now();
    let error = e instanceof Error ? e : new Error(String(e));
    let serialized = serializeError(error);
    let ok: boolean;
    try {
      ok = await finish({ status: 'failed', error: serialized, updatedAt: at }, [
        ...unwritten,
        ...x.takePending(),
        { type: 'run:failed', data: { error: serialized }, at },
      ]);
    } catch (writeError) {
      error = writeError instanceof Error ? writeError : new Error(String(writeError));
      serialized = serializeError(error);
      const events = [...unwritten, { type: 'run:failed', data: { error: serialized }, at }];
      try {
        ok = await store.updateRun(
          runId,
          { status: 'failed', error: serialized, updatedAt: at },
          ['running'],
          events,
          owner,
        );
      } catch (storeError) {
        // The store takes no write at all (full, read-only, unreachable): report it as the result;
        // the run keeps its committed steps and is continued once the store works again.
        const cause = isStoreUnavailable(error) ? error : storeError;
        if (!isStoreUnavailable(cause)) throw storeError;
        return storeFailedResult(runId, cause, x.core.logger, 'committed steps', x.state, x.steps);
      }
    }
    if (!ok) return lost(x);
    x.live('run:failed', undefined, error, at);
    return { status: 'failed', runId, error, steps: x.steps, state: x.state };
  };
  try {
    x.throwIfCanceled(); // a deadline that passed already (a run recovered too late) fails it here
    let v = wf.inputSchema ? x.validate(wf.inputSchema, input, '', 'workflow-input') : input;
    x.init = v;
    // A first step with the workflow's (transform-free) input schema takes this value as parsed.
    if (wf.inputSchema) {
      x.lastValidated = v;
      x.lastSchema = wf.inputSchema;
    }
    try {
      v = await x.untilCanceled(execSequence(x, wf.nodes, v, ''));
    } catch (e) {
      // A step called bail(output): the run ends successfully with that output.
      if (!(e instanceof BailSignal) || x.aborted) throw e;
      v = e.output;
    }
    if (wf.outputSchema) v = x.validate(wf.outputSchema, v, '', 'workflow-output');
    const at = Date.now();
    // Status, output and the final events are one atomic write.
    const events = x.takePending();
    events.push({ type: 'run:success', at });
    if (!(await finish({ status: 'success', output: v, updatedAt: at }, events))) return lost(x);
    x.live('run:success', undefined, v, at);
    return { status: 'success', runId, output: v, steps: x.steps, state: x.state };
  } catch (e) {
    if (x.aborted && x.abortReason instanceof RunTimeoutError) return fail(x.abortReason);
    if (x.aborted) return x.abortReason instanceof LeaseLostError ? lost(x) : canceled(x);
    const at = Date.now();
    if (e instanceof SuspendSignal) {
      // The open suspensions are known here: the replayed ones plus those committed by this
      // execution, minus those it resolved (no read back).
      const suspended = x.openSuspensions();
      const data = { paths: suspended.map((s) => s.path) };
      const events = [...x.takePending(), { type: 'run:suspended', data, at }];
      let ok: boolean;
      try {
        // Suspended, no process holds the run: a durable timer enforces its deadline. It is stored
        // *before* the run becomes suspended, so a crash between the two writes leaves a running
        // run (recovered, and failed at its deadline) with the timer, never a suspended run
        // without one. A timer left on a run that goes on is harmless: fireDeadline checks the run.
        if (options.deadlineAt !== undefined) await store.addTimer(deadlineTimer(runId, options.deadlineAt));
        ok = await finish({ status: 'suspended', updatedAt: at }, events);
      } catch (writeError) {
        // The held-back suspension could not be stored (e.g. a payload over the size limit).
        return fail(writeError);
      }
      if (!ok) return lost(x);
      x.live('run:suspended', undefined, data, at);
      return { status: 'suspended', runId, suspended, steps: x.steps, state: x.state };
    }
    return fail(e);
  } finally {
    disarm();
    active.delete(runId);
  }
}

/**
 * A fenced write did not apply: the run was canceled, or another owner took it over (this process
 * stalled past its lease). Reports what is stored when the run already finished or suspended
 * there; while it is still in flight elsewhere, rejects with a LeaseLostError (logged; the run is
 * not failed — its new owner carries on).
 */
async function lost(x: RunExec): Promise<RunResult> {
  const rec = await x.store.getRun(x.runId);
  const leaseLost = x.abortReason instanceof LeaseLostError;
  if (!rec || rec.status === 'canceled' || (x.aborted && !leaseLost)) return canceled(x);
  const owner = x.core.ownerId;
  x.core.logger.warn('lease lost: another owner took the run over; this process stopped driving it', {
    runId: x.runId,
    workflowId: x.workflow.id,
    owner,
    newOwner: rec.leaseOwner,
    status: rec.status,
  });
  if (rec.status === 'running' || rec.status === 'queued') {
    throw leaseLost ? x.abortReason : new LeaseLostError(x.runId, owner);
  }
  return resultFromRecord(x.store, rec);
}

function canceled(x: RunExec): RunResult {
  const reason = x.abortReason;
  return {
    status: 'canceled',
    runId: x.runId,
    error: reason instanceof CanceledError ? reason : new CanceledError(x.runId),
    steps: x.steps,
    state: x.state,
  };
}

const resourceCache = new WeakMap<EngineCore, WeakMap<Workflow, Record<string, unknown>>>();
function resourcesOf(core: EngineCore, wf: Workflow): Record<string, unknown> {
  let byWf = resourceCache.get(core);
  if (!byWf) resourceCache.set(core, (byWf = new WeakMap()));
  let r = byWf.get(wf);
  if (!r) byWf.set(wf, (r = { ...core.resources, ...wf.resources }));
  return r;
}
