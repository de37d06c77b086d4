/**
 * Restart and fork: running a run again from its failure or from a step, in place (`restart`) or
 * as a new run linked to its parent (`fork`), reusing every step result committed before that step.
 *
 * "Before a step" is by commit history: the step records that started before the first record at
 * (or under) the `from` path are kept; that step and everything that started with or after it
 * runs again. Runs are interpreted from the top, so kept steps replay from their stored outputs.
 */
import { RunNotFoundError } from '../errors/errors.js';
import { RunNotRestartableError } from '../errors/run-errors.js';
import type { Workflow } from '../definition/workflow.js';
import type { EventRecord, RunRecord, StepRecord, Store } from '../store/store.js';
import { type Duration, toMs } from '../util/duration.js';
import type { RunResult } from './types.js';

/** Options of `engine.restart(runId, options)`. */
export interface RestartOptions {
  /**
   * Run again from this step path (it and every step that started with or after it re-run).
   * Default: from the failure — every committed success is kept, the failed step runs again.
   */
  from?: string;
  /** A new deadline from now. Default: the workflow's `timeout` from now, else none. */
  timeout?: Duration;
}

/** Options of `engine.fork(runId, options)`. */
export interface ForkOptions<I = unknown> {
  /** The step path to fork at: steps committed before it are copied, it and later ones run. */
  from: string;
  /** The new run's workflow input (default: the parent's). Steps before `from` keep their outputs. */
  input?: I;
  /** Shallow-merged over the parent's state as it was before `from`. */
  state?: Record<string, unknown>;
  /** Id of the new run (default: a random UUID). */
  runId?: string;
  /** A deadline for the new run (default: the workflow's `timeout`, else none). */
  timeout?: Duration;
}

/** Where a run comes from and which runs were forked from it. */
export interface RunLineage {
  runId: string;
  /** Set when the run was created by `fork()`. */
  forkedFrom?: { runId: string; step: string };
  /** Runs forked from this one, newest first. */
  forks: { runId: string; step: string; status: RunRecord['status']; createdAt: number }[];
}

/** What restart and fork need from the engine. */
export interface RestartHost {
  store: Store;
  ownerId: string;
  leaseMs: number;
  lookup(rec: RunRecord): Workflow;
  execute(runId: string): Promise<RunResult>;
  newRunId(): string;
}

const under = (path: string, from: string) => path === from || path.startsWith(`${from}/`);

const STEP_EVENTS = new Set(['step:success', 'step:failed', 'step:retry', 'step:suspended', 'step:start']);

/**
 * Splits a run's step records at `from`: the paths to run again and the records kept. Order is
 * the commit order (`seq` of each step's first event); steps without events (runs stored before
 * step events existed) fall back to their start time.
 */
function cut(
  runId: string,
  steps: StepRecord[],
  events: EventRecord[],
  from: string,
): { drop: Set<string>; keep: StepRecord[] } {
  const at = steps.filter((s) => under(s.path, from));
  if (at.length === 0) {
    const known = [...new Set(steps.map((s) => s.path))];
    throw new RunNotRestartableError(
      runId,
      `no step at "${from}" was recorded (recorded: ${known.map((p) => `"${p}"`).join(', ') || 'none'}). Pass one of those paths`,
    );
  }
  const firstSeq = new Map<string, number>();
  for (const e of events)
    if (e.path !== undefined && STEP_EVENTS.has(e.type) && !firstSeq.has(e.path)) firstSeq.set(e.path, e.seq);
  const seqs = at.map((s) => firstSeq.get(s.path)).filter((q): q is number => q !== undefined);
  const drop = new Set<string>();
  if (seqs.length) {
    const cutSeq = Math.min(...seqs);
    for (const s of steps) {
      const q = firstSeq.get(s.path);
      if (under(s.path, from) || q === undefined || q >= cutSeq) drop.add(s.path);
    }
  } else {
    const first = Math.min(...at.map((s) => s.startedAt));
    for (const s of steps) if (s.startedAt >= first || under(s.path, from)) drop.add(s.path);
  }
  return { drop, keep: steps.filter((s) => !drop.has(s.path)) };
}

/** The run state folded from `state:patch` events, ignoring the patches of `dropped` paths. */
function stateWithout(events: EventRecord[], dropped: Set<string>): Record<string, unknown> {
  let state: Record<string, unknown> = {};
  for (const e of events) {
    if (e.type === 'run:restart') {
      const d = e.data as { state?: Record<string, unknown> } | undefined;
      if (d?.state) state = { ...d.state };
    } else if (e.type === 'state:patch' && !(e.path !== undefined && dropped.has(e.path))) {
      state = { ...state, ...(e.data as Record<string, unknown>) };
    }
  }
  return state;
}

const deadline = (wf: Workflow, now: number, timeout: Duration | undefined) => {
  const ms = timeout === undefined ? wf.timeoutMs : toMs(timeout);
  return ms === undefined ? undefined : now + ms;
};

/** `engine.restart()`: a failed or canceled run runs again, in place, from its failure or `from`. */
export async function restartRun(host: RestartHost, runId: string, options: RestartOptions = {}): Promise<RunResult> {
  await markRestarted(host.store, runId, options, (rec, now) => {
    const wf = host.lookup(rec);
    return {
      status: 'running',
      leaseOwner: host.ownerId,
      leaseExpiresAt: now + host.leaseMs,
      deadlineAt: deadline(wf, now, options.timeout),
    };
  });
  return host.execute(runId);
}

/**
 * Queues a failed or canceled run to run again in place, from its failure or from `options.from`,
 * with nothing but the store (no workflow code here): the run becomes `queued` with a
 * `run:restart` event, and a worker or `engine.recover()` that has its workflow executes it, like
 * `engine.restart()` would. Its new deadline is `options.timeout` from now, else none.
 *
 * @example
 * ```ts
 * await queueRestart(store, runId, { from: 'summarize' }); // `weft runs retry <id> --from summarize`
 * ```
 */
export async function queueRestart(store: Store, runId: string, options: RestartOptions = {}): Promise<void> {
  await markRestarted(store, runId, options, (_rec, now) => ({
    status: 'queued',
    leaseOwner: undefined,
    leaseExpiresAt: undefined,
    deadlineAt: options.timeout === undefined ? undefined : now + toMs(options.timeout),
  }));
}

/** The restart write shared by restart and queueRestart: checks, cut, CAS with `run:restart`, deleteSteps. */
async function markRestarted(
  store: Store,
  runId: string,
  options: RestartOptions,
  target: (rec: RunRecord, now: number) => Pick<RunRecord, 'status' | 'leaseOwner' | 'leaseExpiresAt' | 'deadlineAt'>,
): Promise<void> {
  const rec = await store.getRun(runId);
  if (!rec) throw new RunNotFoundError(runId);
  if (rec.status !== 'failed' && rec.status !== 'canceled') {
    throw new RunNotRestartableError(
      runId,
      `its status is "${rec.status}"; only failed or canceled runs restart. Use engine.fork(runId, { from }) to run a finished run again as a new run`,
    );
  }
  const now = Date.now();
  const patch = target(rec, now);
  const [steps, events] = await Promise.all([
    options.from === undefined ? Promise.resolve([]) : store.listSteps(runId),
    options.from === undefined ? Promise.resolve([]) : store.readEvents(runId),
  ]);
  const split = options.from === undefined ? undefined : cut(runId, steps, events, options.from);
  const data: Record<string, unknown> = { previous: rec.status };
  if (options.from !== undefined) data.from = options.from;
  // The state as it was before `from`: replays fold from here on.
  if (split) data.state = stateWithout(events, split.drop);
  const ok = await store.updateRun(
    runId,
    { ...patch, error: undefined, updatedAt: now },
    ['failed', 'canceled'],
    [{ type: 'run:restart', data, at: now }],
  );
  if (!ok) throw new RunNotRestartableError(runId, 'another process restarted or changed it first');
  if (split) await store.deleteSteps(runId, [...split.drop]);
}

/** `engine.fork()`: a new run of the same workflow, linked to its parent, from step `from`. */
export async function forkRun(host: RestartHost, runId: string, options: ForkOptions): Promise<RunResult> {
  const { store } = host;
  if (typeof options?.from !== 'string' || options.from === '') {
    throw new TypeError(`Expected engine.fork("${runId}", { from }) to name the step path to fork at`);
  }
  const rec = await store.getRun(runId);
  if (!rec) throw new RunNotFoundError(runId);
  const wf = host.lookup(rec);
  const [steps, events] = await Promise.all([store.listSteps(runId), store.readEvents(runId)]);
  const { drop, keep } = cut(runId, steps, events, options.from);
  const state = { ...stateWithout(events, drop), ...options.state };
  const id = options.runId ?? host.newRunId();
  const now = Date.now();
  const deadlineAt = deadline(wf, now, options.timeout);
  await store.createRun({
    id,
    workflowId: rec.workflowId,
    definitionHash: rec.definitionHash,
    status: 'running',
    input: 'input' in options ? options.input : rec.input,
    leaseOwner: host.ownerId,
    leaseExpiresAt: now + host.leaseMs,
    createdAt: now,
    updatedAt: now,
    forkedFrom: { runId, step: options.from },
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
  });
  // The copied results and the starting state: one commit per kept success (each with its event).
  const head: Omit<EventRecord, 'seq' | 'runId'>[] = [
    { type: 'run:fork', data: { runId, step: options.from }, at: now },
    { type: 'run:restart', data: { state }, at: now },
  ];
  const successes = keep.filter((s) => s.status === 'success');
  if (successes.length === 0) await store.appendEvents(id, head);
  for (const [i, s] of successes.entries()) {
    await store.commitStep({
      step: { ...s, runId: id },
      events: [...(i === 0 ? head : []), { type: 'step:success', path: s.path, at: s.endedAt ?? now }],
    });
  }
  return host.execute(id);
}

/** `engine.lineage()`: the run's parent (if forked) and its forks. */
export async function lineageOf(store: Store, runId: string): Promise<RunLineage> {
  const rec = await store.getRun(runId);
  if (!rec) throw new RunNotFoundError(runId);
  const forks: RunLineage['forks'] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({ forkedFrom: runId, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.runs)
      forks.push({ runId: r.id, step: r.forkedFrom?.step ?? '', status: r.status, createdAt: r.createdAt });
    cursor = page.nextCursor;
  } while (cursor);
  return { runId, ...(rec.forkedFrom ? { forkedFrom: rec.forkedFrom } : {}), forks };
}
