/**
 * Admission of new runs: computes a start's flow fields from the workflow's `flow` options and
 * the start options, applies rate limits and debounce, and writes the run (with its idempotency
 * key) in one transaction of the flow backend.
 */
import type { Workflow } from '../definition/workflow.js';
import { toMs } from '../util/duration.js';
import type { FlowBackend, FlowFields, FlowRun, NewEvent } from './backend.js';
import { FlowConfigError, RateLimitedError } from './errors.js';
import type { FlowKey, FlowOptions, StartOptions } from './types.js';
import { newRunId } from '../engine/run-id.js';

const DAY = 86_400_000;

/** Evaluates a key of `flow` options for an input, scoped to the workflow. */
function keyOf(wf: Workflow, what: string, key: FlowKey<any> | undefined, input: unknown): string {
  if (key === undefined) return wf.id;
  let k: unknown;
  try {
    k = typeof key === 'function' ? key(input) : key;
  } catch (cause) {
    throw new FlowConfigError(
      `The ${what} key of workflow "${wf.id}" threw for this input: ${(cause as Error)?.message ?? cause}. Make the key function total over the workflow's input (e.g. input.tenantId ?? 'none').`,
      { workflowId: wf.id },
    );
  }
  if (typeof k !== 'string' && typeof k !== 'number')
    throw new FlowConfigError(
      `Expected the ${what} key of workflow "${wf.id}" to return a string, got ${k === null ? 'null' : typeof k}. Return e.g. input.tenantId.`,
      { workflowId: wf.id },
    );
  return `${wf.id}:${String(k)}`;
}

/** Validates flow options at commit time. */
export function validateFlow(workflowId: string, flow: FlowOptions<any> | undefined): void {
  if (flow === undefined) return;
  const bad = (m: string) => {
    throw new FlowConfigError(`Invalid flow options of workflow "${workflowId}": ${m}`, { workflowId });
  };
  if (typeof flow !== 'object' || flow === null) bad('expected an object.');
  const posInt = (v: unknown, name: string) => {
    if (!Number.isInteger(v) || (v as number) < 1)
      bad(`expected ${name} to be an integer from 1 and up, got ${String(v)}.`);
  };
  const period = (v: unknown, name: string) => {
    try {
      if (!(toMs(v as never) > 0)) bad(`expected ${name} to be a duration above 0.`);
    } catch (e) {
      if (e instanceof FlowConfigError) throw e;
      bad(`${name}: ${(e as Error).message}.`);
    }
  };
  if (flow.concurrency) posInt(flow.concurrency.limit, 'concurrency.limit');
  if (flow.throttle) {
    posInt(flow.throttle.limit, 'throttle.limit');
    period(flow.throttle.period, 'throttle.period');
  }
  if (flow.rateLimit) {
    posInt(flow.rateLimit.limit, 'rateLimit.limit');
    period(flow.rateLimit.period, 'rateLimit.period');
  }
  if (flow.debounce) {
    period(flow.debounce.period, 'debounce.period');
    if (flow.debounce.maxWait !== undefined) period(flow.debounce.maxWait, 'debounce.maxWait');
  }
  if (flow.priority !== undefined && typeof flow.priority !== 'function' && !Number.isFinite(flow.priority))
    bad('expected priority to be a number or a function of the input.');
  if (flow.priorityAging !== undefined) period(flow.priorityAging, 'priorityAging');
}

/** Whether runs of `wf` started with `opts` are gated (claimed by the flow claim only). */
export function isGated(wf: Workflow, opts: StartOptions | undefined): boolean {
  const f = wf.flow;
  return (
    opts?.priority !== undefined ||
    opts?.delay !== undefined ||
    (f !== undefined &&
      (f.concurrency !== undefined || f.throttle !== undefined || f.debounce !== undefined || f.priority !== undefined))
  );
}

/** The flow fields of a gated run. */
export function flowFields(wf: Workflow, input: unknown, opts: StartOptions | undefined, now: number): FlowFields {
  const f = wf.flow ?? {};
  let priority = opts?.priority ?? (typeof f.priority === 'function' ? f.priority(input) : f.priority) ?? 0;
  if (!Number.isFinite(priority))
    throw new FlowConfigError(`Expected the priority of a run of "${wf.id}" to be a finite number, got ${priority}.`);
  priority = Math.trunc(priority);
  const delay = opts?.delay === undefined ? 0 : toMs(opts.delay);
  const debounce = f.debounce ? toMs(f.debounce.period) : 0;
  const availableAt = now + Math.max(delay, debounce);
  const aging = toMs(f.priorityAging ?? '1m');
  const fields: FlowFields = { availableAt, claimOrder: availableAt - priority * aging, priority };
  if (f.concurrency) {
    fields.concurrencyKey = keyOf(wf, 'concurrency', f.concurrency.key, input);
    fields.concurrencyLimit = f.concurrency.limit;
  }
  if (f.throttle) {
    fields.throttleKey = `throttle:${keyOf(wf, 'throttle', f.throttle.key, input)}`;
    fields.throttleLimit = f.throttle.limit;
    fields.throttlePeriodMs = toMs(f.throttle.period);
  }
  if (f.debounce) fields.debounceKey = keyOf(wf, 'debounce', f.debounce.key, input);
  return fields;
}

/** What {@link admit} decided. */
export interface Admitted {
  runId: string;
  /** The deadline stored with a created run. */
  deadlineAt?: number;
  /** False when an idempotency key or debounce returned an existing run. */
  created: boolean;
  gated: boolean;
}

/**
 * Writes a new run of `wf` through the flow backend when the start needs it (flow control,
 * priority, delay, idempotency key), or returns undefined for a plain start (the engine's own
 * path). `status` is the status of an ungated run: `queued` (enqueue) or `running` (start here).
 */
export async function admit(
  backend: FlowBackend,
  wf: Workflow,
  input: unknown,
  opts: StartOptions | undefined,
  base: {
    owner: string;
    leaseMs: number;
    status: 'queued' | 'running';
    extra?: FlowFields;
    events?: NewEvent[];
    /** The run's deadline (`timeout` of the workflow or the start), from its creation time. */
    deadline?: (now: number) => number | undefined;
  },
): Promise<Admitted | undefined> {
  const gated = isGated(wf, opts);
  const key = opts?.idempotencyKey;
  if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 400))
    throw new FlowConfigError(
      `Expected idempotencyKey to be a non-empty string of at most 400 characters, got ${JSON.stringify(key)}.`,
    );
  if (!gated && key === undefined && wf.flow?.rateLimit === undefined && base.extra === undefined) return undefined;
  const now = Date.now();
  const rate = wf.flow?.rateLimit;
  if (rate) {
    const rk = `rate:${keyOf(wf, 'rateLimit', rate.key, input)}`;
    const period = toMs(rate.period);
    const verdict = await backend.admit(rk, rate.limit, period, now);
    if (!verdict.ok) throw new RateLimitedError(wf.id, rk, rate.limit, period, verdict.retryAfterMs);
  }
  const runId = opts?.runId ?? newRunId();
  const deadlineAt = base.deadline?.(now);
  const fields = gated ? flowFields(wf, input, opts, now) : {};
  const status = gated ? 'queued' : base.status;
  const run: FlowRun = {
    id: runId,
    workflowId: wf.id,
    definitionHash: wf.hash,
    status,
    input,
    createdAt: now,
    updatedAt: now,
    ...(status === 'running' ? { leaseOwner: base.owner, leaseExpiresAt: now + base.leaseMs } : {}),
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
    ...fields,
    ...base.extra,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  };
  const reason = fields.debounceKey
    ? 'debounced'
    : fields.availableAt !== undefined && fields.availableAt > now
      ? 'delayed'
      : undefined;
  const events: NewEvent[] = base.events ?? [
    status === 'queued'
      ? {
          type: 'run:queued',
          at: now,
          ...(gated ? { data: { priority: fields.priority, ...(reason ? { reason } : {}) } } : {}),
        }
      : { type: 'run:start', at: now },
  ];
  if (fields.debounceKey !== undefined) {
    const out = await backend.debounce(
      run,
      events,
      wf.flow?.debounce?.maxWait === undefined ? undefined : toMs(wf.flow.debounce.maxWait),
    );
    return { ...out, gated, ...(deadlineAt === undefined ? {} : { deadlineAt }) };
  }
  const ttl = opts?.idempotencyTtl === undefined ? DAY : toMs(opts.idempotencyTtl);
  const out = await backend.insertRun(run, events, key === undefined ? undefined : { key, expiresAt: now + ttl });
  return { ...out, gated, ...(deadlineAt === undefined ? {} : { deadlineAt }) };
}
