/** Executing a user step: memoization, validation, retries, timeout, suspend, one commit. */
import type { Span } from '@opentelemetry/api';
import { StepFailedError, StepValidationError, TimeoutError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { StepNode } from '../definition/nodes.js';
import { backoffDelay, shouldRetry } from '../step/retry.js';
import type { Step, StepContext } from '../step/types.js';
import { sleep } from '../util/sleep.js';
import { composeInterceptors, type StepCall } from '../step/interceptors.js';
import { BailSignal, type ResumeRequest, type RunExec, SuspendSignal } from './run-state.js';
import { flushStream, type StepWriter } from '../stream/writer.js';
import { initDataAt, stepResultAt } from './upstream.js';
import { isReparseIdentity } from './schema-purity.js';
import { endSpan } from '../tracing/span-end.js';
import type { EventRecord, StepRecord } from '../store/store.js';

type StoredEvent = Omit<EventRecord, 'seq' | 'runId'>;

/** Thrown by `suspend(payload)` inside a step's run. */
class StepSuspend {
  readonly payload: unknown;
  constructor(payload: unknown) {
    this.payload = payload;
  }
}
const suspend = (payload: unknown): never => {
  throw new StepSuspend(payload);
};
/** Thrown by `bail(output)` inside a step's run. */
class StepBail {
  readonly output: unknown;
  constructor(output: unknown) {
    this.output = output;
  }
}
const bail = (output: unknown): never => {
  throw new StepBail(output);
};

/**
 * Checks memoized state for a leaf at `path`: returns true (and records the output) when it already
 * succeeded, throws a SuspendSignal when it is still suspended and not the one being resumed.
 */
export function replayed(x: RunExec, path: string): boolean {
  const rec = x.memo?.get(path);
  if (rec?.status === 'success') {
    x.steps[path] = rec.output;
    if (x.bails?.has(path)) throw new BailSignal(path, rec.output);
    return true;
  }
  if (x.resume?.path !== path && x.suspensions?.has(path)) throw new SuspendSignal(path);
  return false;
}

/** Runs one step node at `path` with `input`; resolves to its validated output. */
export function execStep(x: RunExec, node: StepNode, input: unknown, path: string): Promise<unknown> {
  // Not an async function: this runs for every step, and an async call allocates a frame for all of
  // its locals plus one continuation per await. A step is one promise chain on the attempt's
  // promise instead; the rare paths (a rejected input, a failed attempt) are functions of their own.
  let parsed = input;
  let first = 1;
  try {
    if (x.memo !== undefined && replayed(x, path)) return Promise.resolve(x.steps[path]);
    const inSchema = node.step.inputSchema;
    // Validate once: skip re-parsing a value the same (transform-free) schema just produced.
    if (
      inSchema !== undefined &&
      !(input === x.lastValidated && inSchema === x.lastSchema && isReparseIdentity(inSchema))
    ) {
      try {
        parsed = x.validate(inSchema, input, path, 'input');
      } catch (err) {
        return inputRejected(x, input, path, err);
      }
    }
    if (x.lost !== undefined && !x.committed) first = lostAttempt(x, path);
  } catch (e) {
    return Promise.reject(e); // a replayed bail or suspension unwinds as the step's rejection
  }
  return attemptAt(x, node, parsed, path, first, x.resume?.path === path ? x.resume : undefined);
}

/** One attempt of the step at `path`: resolves to its committed output, or retries, or rejects. */
function attemptAt(
  x: RunExec,
  node: StepNode,
  parsed: unknown,
  path: string,
  attempt: number,
  resume: ResumeRequest | undefined,
): Promise<unknown> {
  const startedAt = Date.now();
  x.live('step:start', path, attempt > 1 ? { attempt } : undefined, startedAt);
  const t = x.trace;
  const span = t ? t.step(path, node.step.id, attempt) : undefined;
  let work: unknown;
  try {
    work =
      t && span
        ? t.within(path, span, () => attemptStep(x, node, parsed, path, attempt, resume?.data))
        : attemptStep(x, node, parsed, path, attempt, resume?.data);
  } catch (err) {
    work = Promise.reject(err); // a step body that throws synchronously
  }
  const failed = (err: unknown): Promise<unknown> =>
    attemptFailed(x, node, err, span, parsed, path, attempt, startedAt, resume).then(() =>
      attemptAt(x, node, parsed, path, attempt + 1, resume),
    );
  return (work instanceof Promise ? work : Promise.resolve(work)).then((value: unknown) => {
    let output = value;
    try {
      flushStream(x, path);
      if (x.aborted) throw x.abortReason;
      const outSchema = node.step.outputSchema;
      if (outSchema) {
        output = x.validate(outSchema, output, path, 'output');
        x.lastValidated = output;
        x.lastSchema = outSchema;
      }
    } catch (err) {
      return failed(err); // an output that fails its schema is a failed attempt (retried)
    }
    return succeeded(x, output, span, parsed, path, attempt, startedAt, resume);
  }, failed);
}

/** The attempt's output is valid: commit the success; the output once committed. */
function succeeded(
  x: RunExec,
  output: unknown,
  span: Span | undefined,
  parsed: unknown,
  path: string,
  attempt: number,
  startedAt: number,
  resume: ResumeRequest | undefined,
): unknown {
  endSpan(x, span, 'success');
  const endedAt = Date.now();
  // The `step:success` event row (no data: stream() fills it from the step row) rides in the
  // same commit, so replay knows where the step's commit sits among the run's other events (its
  // `seq`). The last top-level step's success is written with the run's final status (one write).
  // The record and its event are built apart from the commit around them: stores keep them, not
  // the commit, and V8 decides per allocation site whether to allocate straight in the old
  // generation (a long-lived engine's in-memory history is then not copied by every minor GC).
  const record: StepRecord = {
    runId: x.runId,
    path,
    attempt,
    status: 'success',
    input: parsed,
    output,
    startedAt,
    endedAt,
  };
  const event: StoredEvent = { type: 'step:success', path, at: endedAt };
  // Over a memory store the commit is applied here (undefined: nothing to wait for).
  const committed = x.commitNow(
    // (leaseOwner is set by the commit; written here, the object keeps the shape of its literal)
    { step: record, events: [event], resolvedSuspensionPath: resume ? path : undefined, leaseOwner: x.core.ownerId },
    path === x.lastStepPath,
  );
  x.live('step:success', path, output, endedAt);
  if (committed === undefined) {
    x.steps[path] = output;
    return output;
  }
  return committed.then(() => {
    x.steps[path] = output;
    return output;
  });
}

/** The step's input failed its schema: record the rejected input (where and why the run stopped), then throw. */
async function inputRejected(x: RunExec, input: unknown, path: string, err: unknown): Promise<never> {
  const at = Date.now();
  const error = serializeError(err);
  const committed = x.commit({
    step: { runId: x.runId, path, attempt: 1, status: 'failed', input, error, startedAt: at, endedAt: at },
    events: [{ type: 'step:failed', path, data: { attempt: 1, error }, at }],
  });
  x.live('step:failed', path, { attempt: 1, error: err }, at);
  await committed;
  throw err;
}

/**
 * An attempt threw `err` (or its output failed the schema): suspend, bail, retry (resolves, after
 * the retry's commit and backoff) or fail (rejects) — each with its one commit.
 */
async function attemptFailed(
  x: RunExec,
  node: StepNode,
  err: unknown,
  span: Span | undefined,
  parsed: unknown,
  path: string,
  attempt: number,
  startedAt: number,
  resume: ResumeRequest | undefined,
): Promise<void> {
  const step = node.step;
  flushStream(x, path); // what the attempt streamed rides on its commit (failure, retry, suspend)
  if (err instanceof StepSuspend) {
    endSpan(x, span, 'suspended');
    return suspendStep(x, step, parsed, path, attempt, startedAt, err.payload, resume);
  }
  if (err instanceof StepBail && !x.aborted) {
    endSpan(x, span, 'bail');
    return bailStep(x, parsed, path, attempt, startedAt, err.output, resume);
  }
  if (x.aborted) {
    endSpan(x, span, 'failed', x.abortReason);
    throw x.abortReason;
  }
  const endedAt = Date.now();
  const error = serializeError(err);
  const retry = step.retry ?? node.defaults?.retry;
  if (shouldRetry(retry, err, attempt)) {
    const delay = backoffDelay(retry as NonNullable<Step['retry']>, attempt);
    endSpan(x, span, 'retry', err, delay);
    const committed = x.commit({
      step: { runId: x.runId, path, attempt, status: 'failed', input: parsed, error, startedAt, endedAt },
      events: [{ type: 'step:retry', path, data: { attempt, delay, error: error.message }, at: endedAt }],
    });
    x.live('step:retry', path, { attempt, delay, error: err }, endedAt);
    await committed;
    await sleep(delay, x.signal);
    return;
  }
  const committed = x.commit({
    step: { runId: x.runId, path, attempt, status: 'failed', input: parsed, error, startedAt, endedAt },
    events: [{ type: 'step:failed', path, data: { attempt, error }, at: endedAt }],
  });
  x.live('step:failed', path, { attempt, error: err }, endedAt);
  endSpan(x, span, 'failed', err);
  await committed;
  // Validation errors and the step's own timeout reach the run as they are (the docs' errors
  // table); anything else is wrapped in a StepFailedError naming the step and the attempts.
  throw err instanceof StepValidationError || (err instanceof TimeoutError && err.stepPath === path)
    ? err
    : new StepFailedError(x.workflow.id, path, attempt, err);
}

/**
 * A step starting in an execution that took over a lost run, before that execution's first
 * commit, was in flight when the previous process died: that attempt counts (a `step:lost` event
 * with the reason rides on the step's commit), and this one is the next. The retry policy counts
 * the lost attempt too, but a lost attempt alone never fails a step: this attempt always runs.
 */
function lostAttempt(x: RunExec, path: string): number {
  const rec = x.memo?.get(path);
  const before = Math.max(rec?.status === 'failed' ? rec.attempt : 0, x.lostAttempts?.get(path) ?? 0);
  x.custom('step:lost', path, { attempt: before + 1, reason: x.lost });
  (x.lostAttempts ??= new Map()).set(path, before + 1);
  return before + 2;
}

/** A step called `bail(output)`: commit its success (with a `step:bail` event), then end the run. */
async function bailStep(
  x: RunExec,
  input: unknown,
  path: string,
  attempt: number,
  startedAt: number,
  output: unknown,
  resume: ResumeRequest | undefined,
): Promise<never> {
  const endedAt = Date.now();
  // Nothing of this run executes after a top-level bail: its commit rides on the final write.
  const committed = x.commit(
    {
      step: { runId: x.runId, path, attempt, status: 'success', input, output, startedAt, endedAt },
      events: [
        { type: 'step:success', path, at: endedAt },
        { type: 'step:bail', path, at: endedAt },
      ],
      resolvedSuspensionPath: resume ? path : undefined,
    },
    !path.includes('/'),
  );
  x.live('step:success', path, output, endedAt);
  x.live('step:bail', path, output, endedAt);
  await committed;
  x.steps[path] = output;
  throw new BailSignal(path, output);
}

async function suspendStep(
  x: RunExec,
  step: Step,
  input: unknown,
  path: string,
  attempt: number,
  startedAt: number,
  payload: unknown,
  resume: ResumeRequest | undefined,
): Promise<never> {
  const data = step.suspendSchema ? x.validate(step.suspendSchema, payload, path, 'suspend') : payload;
  const at = Date.now();
  // A top-level step suspending unwinds straight to the run's final write: written with it.
  const committed = x.commit(
    {
      step: { runId: x.runId, path, attempt, status: 'suspended', input, output: data, startedAt, endedAt: at },
      events: [{ type: 'step:suspended', path, data, at }],
      resolvedSuspensionPath: resume ? path : undefined,
      suspension: {
        runId: x.runId,
        path,
        payload: data,
        resumeSchemaId: step.resumeSchema ? path : undefined,
        createdAt: at,
      },
    },
    !path.includes('/'),
  );
  x.live('step:suspended', path, data, at);
  await committed;
  throw new SuspendSignal(path);
}

function attemptStep(
  x: RunExec,
  node: StepNode,
  input: unknown,
  path: string,
  attempt: number,
  resumeData: unknown,
): unknown {
  const step = node.step;
  const ms = step.timeoutMs;
  if (ms === undefined) {
    const args = new Args(x, step.id, path, attempt, undefined, input, resumeData);
    return x.core.limiter || x.limiter ? limited(x, () => invoke(x, node, args)) : invoke(x, node, args);
  }
  // A per-attempt controller, linked to the run's, that the timeout aborts.
  const ac = new AbortController();
  const onAbort = () => ac.abort(x.signal.reason);
  x.signal.addEventListener('abort', onAbort, { once: true });
  const args = new Args(x, step.id, path, attempt, ac.signal, input, resumeData);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new TimeoutError(x.workflow.id, path, ms);
      ac.abort(e);
      reject(e);
    }, ms);
  });
  const work = Promise.resolve().then(() => limited(x, () => invoke(x, node, args)));
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
    x.signal.removeEventListener('abort', onAbort);
  });
}

/** Calls the step's body, through the engine's and the workflow's interceptors when there are any. */
function invoke(x: RunExec, node: StepNode, args: Args): unknown {
  const scope = x.scope;
  if (scope !== null)
    return scope(
      { runId: x.runId, workflowId: x.workflow.id, stepId: node.step.id, stepPath: args.path, attempt: args.attempt },
      () => intercepted(x, node, args),
    );
  return intercepted(x, node, args);
}

function intercepted(x: RunExec, node: StepNode, args: Args): unknown {
  const outer = x.core.interceptors;
  const own = node.defaults?.interceptors;
  if (!outer?.length && !own?.length) return node.step.run(args);
  const chain = composeInterceptors([...(outer ?? []), ...(own ?? [])]);
  const call: StepCall = {
    workflowId: x.workflow.id,
    runId: x.runId,
    stepId: node.step.id,
    path: args.path,
    attempt: args.attempt,
    input: args.input,
    ctx: args.ctx as StepContext,
  };
  return chain(call, async (c) => node.step.run(c.input === args.input ? args : args.withInput(c.input)));
}

/** A step's run arguments; the context object is built only if the step reads it. */
class Args {
  readonly input: unknown;
  readonly resumeData: unknown;
  readonly suspend = suspend;
  readonly bail = bail;
  #x: RunExec;
  #stepId: string;
  #path: string;
  #attempt: number;
  #signal: AbortSignal | undefined;
  #ctx: StepContext<never> | undefined;
  constructor(
    x: RunExec,
    stepId: string,
    path: string,
    attempt: number,
    signal: AbortSignal | undefined,
    input: unknown,
    resumeData: unknown,
  ) {
    this.#x = x;
    this.#stepId = stepId;
    this.#path = path;
    this.#attempt = attempt;
    this.#signal = signal;
    this.input = input;
    this.resumeData = resumeData;
  }
  get runId(): string {
    return this.#x.runId;
  }
  get path(): string {
    return this.#path;
  }
  get attempt(): number {
    return this.#attempt;
  }
  // Getters returning closures: steps destructure them (`({ getInitData }) => …`), and a step
  // that never reads them allocates nothing.
  get getInitData(): <T>() => T {
    const x = this.#x;
    const path = this.#path;
    return <T>() => initDataAt(x, path) as T;
  }
  get getStepResult(): (step: unknown) => any {
    const x = this.#x;
    const path = this.#path;
    return (step: unknown) => stepResultAt(x, path, step);
  }
  /** The step's streaming writer (see {@link StepWriter}); created on first read. */
  get writer(): StepWriter {
    return this.ctx.writer;
  }
  /** The same arguments with another input (an interceptor replaced it). */
  withInput(input: unknown): Args {
    const a = new Args(this.#x, this.#stepId, this.#path, this.#attempt, this.#signal, input, this.resumeData);
    a.#ctx = this.#ctx;
    return a;
  }
  /** The attempt's signal (the run's, or a per-attempt one with a timeout); created on first read. */
  get signal(): AbortSignal {
    this.#signal ??= this.#x.signal;
    return this.#signal;
  }
  get ctx(): StepContext<never> {
    this.#ctx ??= this.#x.context(this.#stepId, this.#path, this.#attempt, this.signal);
    return this.#ctx;
  }
}

function limited(x: RunExec, fn: () => unknown): unknown {
  const engineLimit = x.core.limiter;
  const runLimit = x.limiter;
  if (!engineLimit && !runLimit) return fn();
  const inner = engineLimit ? () => engineLimit(fn as () => Promise<unknown>) : fn;
  return runLimit ? runLimit(inner as () => Promise<unknown>) : inner();
}
