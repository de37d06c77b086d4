/**
 * The spans of one execution of a run: the run span, container spans (parallel, foreach, dag,
 * loop, branch, nested workflow), one span per step attempt and one per wait.
 *
 * Parents are found by path, not by the active context, so the tree is right with or without a
 * context manager: a node's parent is the span of its nearest enclosing container, else the run
 * span. Step attempts run inside `context.with(span)`, so spans other libraries open inside a
 * step (an LLM call through `@weft/llm`, an HTTP client) are children of the attempt.
 */
import type { Attributes, Context, Link, Span, SpanContext, Tracer } from '@opentelemetry/api';
import type { Workflow } from '../definition/workflow.js';
import { TRACE_ATTRIBUTES as A } from './attributes.js';
import { activeOtel, type Otel } from './otel.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

/** How an execution of a run began. */
export type RunEntry = 'start' | 'recover' | 'resume';

/** What ended a step attempt or a wait. */
export type SpanOutcome = 'success' | 'retry' | 'failed' | 'suspended' | 'bail';

/** The result fields the run span reports. */
interface RunOutcome {
  status: string;
  error?: unknown;
}

/**
 * A container node being executed. Its span opens only when something inside it has a span (or
 * it fails), so a container a resume merely replays adds nothing to the trace.
 */
export interface ContainerTrace {
  readonly kind: string;
  readonly path: string;
  readonly startTime: number;
  span?: Span;
  ctx?: Context;
}

/** `items[3]` → `items`, `loop#2` → `loop`: a container's path from an item's or iteration's. */
const unmark = (segment: string): string => segment.replace(/(\[\d+\]|#\d+)$/, '');

export class RunTrace {
  readonly #otel: Otel;
  readonly #tracer: Tracer;
  readonly #base: Attributes;
  readonly span: Span;
  readonly #ctx: Context;
  #containers: Map<string, ContainerTrace> | undefined;

  constructor(otel: Otel, wf: Workflow, runId: string, entry: RunEntry, stored: SpanContext | undefined) {
    this.#otel = otel;
    this.#tracer = otel.trace.getTracer('@weft/workflow');
    const base: Attributes = { [A.runId]: runId, [A.workflowId]: wf.id };
    if (wf.version !== undefined) base[A.workflowVersion] = String(wf.version);
    this.#base = base;
    const active = otel.context.active();
    // A run that already has a trace continues it (a resume, a takeover after a crash): its span
    // is a child of the stored context, and links the caller's span (e.g. the HTTP request that
    // resumed it). A new run is a child of the caller's span, if any.
    let parent = active;
    let links: Link[] | undefined;
    if (stored) {
      parent = otel.trace.setSpanContext(otel.ROOT_CONTEXT, stored);
      const caller = otel.trace.getSpanContext(active);
      if (caller && otel.trace.isSpanContextValid(caller)) links = [{ context: caller }];
    }
    this.span = this.#tracer.startSpan(
      `weft.run ${wf.id}`,
      { attributes: { ...base, [A.workflowHash]: wf.hash, [A.runEntry]: entry }, ...(links ? { links } : {}) },
      parent,
    );
    this.#ctx = otel.trace.setSpan(parent, this.span);
  }

  /** The run span's context as a W3C `traceparent`, stored with the run. */
  get traceparent(): string {
    return formatTraceparent(this.span.spanContext());
  }

  /** The context of the span enclosing the node at `path`. */
  #parent(path: string): Context {
    const containers = this.#containers;
    if (containers) {
      let p = path;
      for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/')) {
        p = unmark(p.slice(0, i));
        const c = containers.get(p);
        if (c) return this.#open(c);
      }
    }
    return this.#ctx;
  }

  #start(name: string, path: string, attributes: Attributes, startTime?: number): Span {
    return this.#tracer.startSpan(
      name,
      { attributes: { ...this.#base, [A.stepPath]: path, ...attributes }, ...(startTime ? { startTime } : {}) },
      this.#parent(path),
    );
  }

  /** Enters a container node; the spans of its children nest under its span. */
  container(kind: string, path: string): ContainerTrace {
    const c: ContainerTrace = { kind, path, startTime: Date.now() };
    (this.#containers ??= new Map()).set(path, c);
    return c;
  }

  /** The container's context, opening its span on first use. */
  #open(c: ContainerTrace): Context {
    if (c.ctx) return c.ctx;
    const parent = this.#parent(c.path);
    c.span = this.#tracer.startSpan(
      `weft.${c.kind} ${c.path}`,
      { attributes: { ...this.#base, [A.stepPath]: c.path, [A.nodeKind]: c.kind }, startTime: c.startTime },
      parent,
    );
    c.ctx = this.#otel.trace.setSpan(parent, c.span);
    return c.ctx;
  }

  /** Leaves a container: ends its span if it has one (a failure always gets one, with the error). */
  leave(c: ContainerTrace, outcome: SpanOutcome, error?: unknown): void {
    if (!c.span && error === undefined) return;
    if (!c.span) this.#open(c);
    this.end(c.span as Span, outcome, error);
  }

  /** Opens the span of one attempt of the step at `path`. */
  step(path: string, stepId: string, attempt: number): Span {
    return this.#start(`weft.step ${path}`, path, { [A.stepId]: stepId, [A.stepAttempt]: attempt });
  }

  /** Opens the span of a wait (`sleep`, `event`, `approval`); `startTime` when it began earlier (a resume). */
  wait(kind: string, path: string, startTime?: number): Span {
    return this.#start(`weft.${kind} ${path}`, path, { [A.nodeKind]: kind }, startTime);
  }

  /** Runs `fn` with `span` (of the node at `path`) as the active span. */
  within<T>(path: string, span: Span, fn: () => T): T {
    return this.#otel.context.with(this.#otel.trace.setSpan(this.#parent(path), span), fn);
  }

  /** Ends a step, container or wait span; an `error` is recorded as an exception with status ERROR. */
  end(span: Span, outcome?: SpanOutcome, error?: unknown, attributes?: Attributes): void {
    if (outcome) span.setAttribute(A.stepOutcome, outcome);
    if (attributes) span.setAttributes(attributes);
    if (error !== undefined) this.fail(span, error);
    span.end();
  }

  /** Records `error` on `span`: an exception event, `error.type`, and status ERROR. */
  fail(span: Span, error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    span.recordException(e);
    const code = (e as Error & { code?: unknown }).code;
    span.setAttribute('error.type', typeof code === 'string' && code !== '' ? code : e.name);
    span.setStatus({ code: this.#otel.SpanStatusCode.ERROR, message: e.message });
  }

  /** Ends the run span with the execution's outcome (or the error it threw). */
  endRun(result: RunOutcome | undefined, thrown?: unknown): void {
    if (result) {
      this.span.setAttribute(A.runStatus, result.status);
      if (result.status === 'failed') this.fail(this.span, result.error);
    } else this.fail(this.span, thrown);
    this.span.end();
  }
}

/**
 * The trace of an execution of `wf`'s run `runId`, or `undefined` when no tracer provider is
 * registered (then nothing else is done). `stored`: the run's `traceparent`, if it has one.
 */
export function startRunTrace(wf: Workflow, runId: string, entry: RunEntry, stored?: string): RunTrace | undefined {
  const otel = activeOtel();
  return otel ? new RunTrace(otel, wf, runId, entry, parseTraceparent(stored)) : undefined;
}
