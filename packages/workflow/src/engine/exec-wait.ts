/** Nodes that wait: durable sleep, waitForEvent and approval gates. */
import { ApprovalRejectedError, TimeoutError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { ApprovalNode, EventNode, SleepNode } from '../definition/nodes.js';
import type { ApprovalDecision } from '../builder/types.js';
import { sleep } from '../util/sleep.js';
import { replayed } from './exec-step.js';
import { type RunExec, SuspendSignal } from './run-state.js';
import { dataArgs } from './upstream.js';
import { endWait, waitSpan } from '../tracing/span-end.js';

const toEpoch = (d: unknown): number => (d instanceof Date ? d.getTime() : Number(d));

/**
 * Durable sleep. The due time is committed (a `running` step row plus a `sleep` timer) before
 * waiting, so an execution that resumes after a crash waits only for what remains. Sleeps longer
 * than the engine's `maxInProcessSleep` suspend the run instead; the `sleep` timer resumes it
 * (`engine.fireTimer`, called by a worker), so no process holds a days-long wait.
 */
export async function execSleep(x: RunExec, node: SleepNode, input: unknown, path: string): Promise<unknown> {
  if (x.memo !== undefined && replayed(x, path)) return x.steps[path];
  const resume = x.resume?.path === path ? x.resume : undefined;
  const rec = x.memo?.get(path);
  const startedAt = Date.now();
  let dueAt: number;
  const stored =
    rec?.status === 'running' || rec?.status === 'suspended'
      ? (rec.input as { dueAt?: unknown } | undefined)?.dueAt
      : undefined;
  if (typeof stored === 'number') dueAt = stored;
  else {
    dueAt =
      node.ms !== undefined
        ? startedAt + node.ms
        : toEpoch(await x.guard(path, 'the sleepUntil function', () => node.until?.(dataArgs(x, input, path))));
    if (!(dueAt > startedAt)) {
      x.steps[path] = input;
      return input;
    }
  }
  const timer = { id: `${x.runId}:${path}:sleep`, runId: x.runId, path, kind: 'sleep', dueAt };
  const remaining = dueAt - startedAt;
  if (!resume && remaining > x.core.maxInProcessSleepMs) {
    endWait(x, waitSpan(x, 'sleep', path, startedAt), 'suspended');
    const payload = { kind: 'sleep', dueAt };
    const committed = x.commit({
      step: {
        runId: x.runId,
        path,
        attempt: 1,
        status: 'suspended',
        input: { dueAt },
        output: payload,
        startedAt,
        endedAt: startedAt,
      },
      events: [{ type: 'step:suspended', path, data: payload, at: startedAt }],
      suspension: { runId: x.runId, path, payload, createdAt: startedAt },
      timer,
    });
    x.live('step:suspended', path, payload, startedAt);
    await committed;
    throw new SuspendSignal(path);
  }
  if (typeof stored !== 'number' && !resume) {
    await x.commit({
      step: { runId: x.runId, path, attempt: 1, status: 'running', input: { dueAt }, startedAt },
      events: [{ type: 'step:start', path, data: { dueAt }, at: startedAt }],
      timer,
    });
  }
  x.live('step:start', path, { dueAt }, startedAt);
  const span = waitSpan(x, 'sleep', path, resume ? resume.suspension.createdAt : startedAt);
  // A resumed (woken) sleep finishes now; otherwise wait for what remains.
  try {
    if (!resume && remaining > 0) await sleep(remaining, x.signal);
  } catch (e) {
    endWait(x, span, 'waited', e);
    throw e;
  }
  endWait(x, span, resume ? 'resumed' : 'waited');
  const endedAt = Date.now();
  const committed = x.commit({
    step: { runId: x.runId, path, attempt: 1, status: 'success', input: { dueAt }, output: input, startedAt, endedAt },
    events: [{ type: 'step:success', path, at: endedAt }],
    resolvedSuspensionPath: resume ? path : undefined,
  });
  x.live('step:success', path, input, endedAt);
  await committed;
  await x.store.deleteTimers(x.runId, path);
  x.steps[path] = input;
  return input;
}

/** Suspends until an external event arrives (validated on resume) or its timeout fires. */
export async function execEvent(x: RunExec, node: EventNode, _input: unknown, path: string): Promise<unknown> {
  if (x.memo !== undefined && replayed(x, path)) return x.steps[path];
  const resume = x.resume?.path === path ? x.resume : undefined;
  const at = Date.now();
  if (resume) {
    const span = waitSpan(x, 'event', path, resume.suspension.createdAt);
    if (resume.timedOut) {
      const err = new TimeoutError(x.workflow.id, path, node.timeoutMs ?? 0);
      endWait(x, span, 'resumed', err);
      await x.commit({
        step: {
          runId: x.runId,
          path,
          attempt: 1,
          status: 'failed',
          error: serializeError(err),
          startedAt: resume.suspension.createdAt,
          endedAt: at,
        },
        events: [{ type: 'step:failed', path, data: { error: serializeError(err) }, at }],
        resolvedSuspensionPath: path,
      });
      throw err;
    }
    const committed = x.commit({
      step: {
        runId: x.runId,
        path,
        attempt: 1,
        status: 'success',
        output: resume.data,
        startedAt: resume.suspension.createdAt,
        endedAt: at,
      },
      events: [{ type: 'step:success', path, at }],
      resolvedSuspensionPath: path,
    });
    endWait(x, span, 'resumed');
    x.live('step:success', path, resume.data, at);
    await committed;
    await x.store.deleteTimers(x.runId, path);
    x.steps[path] = resume.data;
    return resume.data;
  }
  const payload = { kind: 'event', event: node.event };
  endWait(x, waitSpan(x, 'event', path, at), 'suspended');
  const committed = x.commit({
    step: { runId: x.runId, path, attempt: 1, status: 'suspended', output: payload, startedAt: at, endedAt: at },
    events: [{ type: 'step:suspended', path, data: payload, at }],
    suspension: {
      runId: x.runId,
      path,
      payload,
      eventName: node.event,
      resumeSchemaId: node.schema ? path : undefined,
      createdAt: at,
    },
    timer:
      node.timeoutMs === undefined
        ? undefined
        : {
            id: `${x.runId}:${path}:event-timeout`,
            runId: x.runId,
            path,
            kind: 'event-timeout',
            dueAt: at + node.timeoutMs,
          },
  });
  x.live('step:suspended', path, payload, at);
  await committed;
  throw new SuspendSignal(path);
}

/** The JSON-serializable part of approval options (no functions, no schemas). */
export function jsonOptions(options: Record<string, unknown>): Record<string, unknown> {
  const { payload: _p, schema: _s, ...rest } = options;
  return JSON.parse(
    JSON.stringify(rest, (_k, v) =>
      typeof v === 'function' || (v && typeof v === 'object' && '_zod' in v) ? undefined : v,
    ),
  ) as Record<string, unknown>;
}

/** An approval gate: suspends with an `approval` suspension; resumed with an {@link ApprovalDecision}. */
export async function execApproval(x: RunExec, node: ApprovalNode, input: unknown, path: string): Promise<unknown> {
  if (x.memo !== undefined && replayed(x, path)) return x.steps[path];
  const resume = x.resume?.path === path ? x.resume : undefined;
  const at = Date.now();
  if (resume) {
    const d = resume.data as ApprovalDecision;
    const span = waitSpan(x, 'approval', path, resume.suspension.createdAt);
    if (d.decision === 'rejected') {
      const err = new ApprovalRejectedError(x.workflow.id, path, d.actors, d.comment);
      endWait(x, span, 'resumed', err, d.decision);
      await x.commit({
        step: {
          runId: x.runId,
          path,
          attempt: 1,
          status: 'failed',
          output: d,
          error: serializeError(err),
          startedAt: resume.suspension.createdAt,
          endedAt: at,
        },
        events: [{ type: 'step:failed', path, data: { decision: d }, at }],
        resolvedSuspensionPath: path,
      });
      throw err;
    }
    const committed = x.commit({
      step: {
        runId: x.runId,
        path,
        attempt: 1,
        status: 'success',
        input: d,
        output: d.payload,
        startedAt: resume.suspension.createdAt,
        endedAt: at,
      },
      events: [
        { type: 'step:success', path, data: { decision: d.decision, actors: d.actors, comment: d.comment }, at },
      ],
      resolvedSuspensionPath: path,
    });
    endWait(x, span, 'resumed', undefined, d.decision);
    x.live('step:success', path, d.payload, at);
    await committed;
    x.steps[path] = d.payload;
    return d.payload;
  }
  const o = node.options;
  let value = o.payload
    ? await x.guard(path, 'the approval payload function', () => o.payload?.(dataArgs(x, input, path)))
    : input;
  if (o.schema) value = x.validate(o.schema, value, path, 'output');
  const payload = {
    kind: 'approval',
    workflowId: x.workflow.id,
    title: o.title,
    summary: o.summary,
    payload: value,
    options: jsonOptions(o),
  };
  endWait(x, waitSpan(x, 'approval', path, at), 'suspended');
  const committed = x.commit({
    step: { runId: x.runId, path, attempt: 1, status: 'suspended', input, output: payload, startedAt: at, endedAt: at },
    events: [{ type: 'step:suspended', path, data: payload, at }],
    suspension: { runId: x.runId, path, payload, eventName: 'approval', resumeSchemaId: path, createdAt: at },
  });
  x.live('step:suspended', path, payload, at);
  await committed;
  throw new SuspendSignal(path);
}
