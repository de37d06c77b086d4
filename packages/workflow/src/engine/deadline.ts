/**
 * Run deadlines. A run started with a `timeout` stores `deadlineAt` in its row. While it executes
 * somewhere, that process holds a timer that aborts it with a {@link RunTimeoutError} (so a
 * recovered run past its deadline fails at once); while it is suspended, no process holds it, so a
 * durable `run-deadline` timer (added with the suspension) lets a worker fail it.
 */
import { RunTimeoutError } from '../errors/run-errors.js';
import { serializeError } from '../errors/serialize.js';
import type { RunRecord, Store, TimerRecord } from '../store/store.js';
import type { RunExec } from './run-state.js';
import type { RunResult, WeftEvent } from './types.js';

/** Kind of the durable deadline timer. */
export const DEADLINE_KIND = 'run-deadline';
/** The path the deadline timer is stored under (not a step's: it only scopes the timer row). */
export const DEADLINE_PATH = '$deadline';

/** The durable timer that fails a suspended run at its deadline. */
export function deadlineTimer(runId: string, deadlineAt: number): TimerRecord {
  return { id: `${runId}:${DEADLINE_PATH}`, runId, path: DEADLINE_PATH, kind: DEADLINE_KIND, dueAt: deadlineAt };
}

/** Aborts `x` with a RunTimeoutError at `deadlineAt` (at once if it passed); returns the disarm function. */
export function armDeadline(x: RunExec, deadlineAt: number | undefined): () => void {
  if (deadlineAt === undefined) return () => {};
  const fire = () => x.abort(new RunTimeoutError(x.runId, x.workflow.id, deadlineAt));
  const ms = deadlineAt - Date.now();
  if (ms <= 0) {
    fire();
    return () => {};
  }
  // setTimeout holds at most ~24.8 days: re-arm in hops for longer deadlines.
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = deadlineAt - Date.now();
    if (left <= 0) return fire();
    timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
  };
  arm();
  return () => clearTimeout(timer);
}

/** What {@link fireDeadline} needs from the engine. */
export interface DeadlineHost {
  store: Store;
  /** The execution of the run in this process, if any. */
  local(runId: string): RunExec | undefined;
  /** Takes over a run whose owner died (lease expired) and executes it (which enforces the deadline). */
  takeOver(rec: RunRecord): Promise<RunResult | undefined>;
  emit(event: WeftEvent): void;
}

/** Fires a `run-deadline` timer: fails a suspended or queued run; a running one fails where it runs. */
export async function fireDeadline(host: DeadlineHost, timer: TimerRecord): Promise<RunResult | undefined> {
  const rec = await host.store.getRun(timer.runId);
  if (!rec?.deadlineAt || rec.deadlineAt > Date.now()) return undefined;
  const error = new RunTimeoutError(rec.id, rec.workflowId, rec.deadlineAt);
  if (rec.status === 'suspended' || rec.status === 'queued') {
    const at = Date.now();
    const serialized = serializeError(error);
    const ok = await host.store.updateRun(
      rec.id,
      { status: 'failed', error: serialized, updatedAt: at },
      [rec.status],
      [{ type: 'run:failed', data: { error: serialized }, at }],
    );
    if (!ok) return undefined;
    await host.store.deleteTimers(rec.id);
    host.emit({ runId: rec.id, type: 'run:failed', data: error, at });
    return { status: 'failed', runId: rec.id, error, steps: {}, state: {} };
  }
  if (rec.status !== 'running') return undefined;
  const local = host.local(rec.id);
  if (local) {
    local.abort(error);
    return undefined;
  }
  if ((rec.leaseExpiresAt ?? 0) > Date.now()) return undefined; // its owner's own timer fails it
  return host.takeOver(rec);
}
