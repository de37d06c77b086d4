/**
 * Per-run execution state: memoized step records loaded from the store, resume data, the abort
 * controller, pending custom events and the helpers every node executor uses.
 */
import type { EventEmitter } from 'eventemitter3';
import type { LimitFunction } from 'p-limit';
import {
  LeaseLostError,
  StepFailedError,
  StepValidationError,
  type ValidationIssue,
  type ValidationTarget,
} from '../errors/errors.js';
import { WeftError } from '../errors/weft-error.js';
import type { Workflow } from '../definition/workflow.js';
import type { StepInterceptor } from '../step/interceptors.js';
import type { Logger, StepContext } from '../step/types.js';
import { Ctx } from './step-context.js';
import type { EventRecord, StepCommit, StepRecord, Store, SuspensionRecord } from '../store/store.js';
import type { RunTrace } from '../tracing/run-trace.js';
import type { WeftEvent } from './types.js';
import { type LogLevel, logLine, type RunLogSettings, stores } from '../logs/run-logs.js';
import { scopeRunner, type StepScopeRunner } from './step-scope.js';
import { syncCommitOf } from '../store/memory-store.js';

/** Thrown (not an Error: no stack to capture) to unwind a run that suspended somewhere. */
export class SuspendSignal {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
}

/**
 * Thrown (not an Error) to unwind a run whose step called `bail(output)`: the run ends successfully
 * with `output`. The bailing step's success is committed first, with a `step:bail` event, so a
 * replay ends at the same step.
 */
export class BailSignal {
  readonly path: string;
  readonly output: unknown;
  constructor(path: string, output: unknown) {
    this.path = path;
    this.output = output;
  }
}

/** What the engine shares with every run it executes. */
export interface EngineCore {
  store: Store;
  /** The engine's lease owner id: every write of a run executing here is fenced by it. */
  ownerId: string;
  emitter: EventEmitter;
  /** True when anyone listens: events are only built for listeners (stored ones always). */
  live: boolean;
  limiter: LimitFunction | undefined;
  logger: Logger;
  resources: Record<string, unknown>;
  /** Sleeps longer than this suspend the run (woken by the sleep timer) instead of waiting here. */
  maxInProcessSleepMs: number;
  /** `createEngine({ interceptors })`: around every step attempt, outermost. */
  interceptors?: readonly StepInterceptor<any, any>[];
  /** `createEngine({ runLogs })`, resolved; undefined when run logs are off. */
  runLogs?: RunLogSettings | undefined;
}

/** Resume request for one path of this execution. */
export interface ResumeRequest {
  path: string;
  data: unknown;
  suspension: SuspensionRecord;
  /** Set when a waitForEvent timeout fires instead of an event. */
  timedOut?: boolean;
}

type PendingEvent = Omit<EventRecord, 'seq' | 'runId'>;

/** Converts zod issues into Weft's {@link ValidationIssue}s. */
export const toIssues = (
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[],
): ValidationIssue[] =>
  issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
    code: i.code,
  }));

const truncatedData = (maxLines: number) => ({
  maxLines,
  message: `this run reached its cap of ${maxLines} stored log lines: later lines reach the engine's logger only (createEngine({ runLogs: { maxLines } }))`,
});

/** The state of one execution of one run. */
export class RunExec {
  readonly runId: string;
  readonly workflow: Workflow;
  readonly core: EngineCore;
  readonly store: Store;
  /** Created on first use of {@link RunExec.signal}: trivial steps never pay for an AbortController. */
  #controller: AbortController | undefined;
  /** Set by {@link RunExec.abort}; checked on the hot path instead of the signal. */
  aborted = false;
  abortReason: unknown;
  readonly resources: Record<string, unknown>;
  readonly limiter: LimitFunction | undefined;
  /** Latest record per path, when the run has history (undefined for a fresh run: nothing to replay). */
  memo: Map<string, StepRecord> | undefined;
  suspensions: Map<string, SuspensionRecord> | undefined;
  resume: ResumeRequest | undefined;
  /** Outputs by path, exposed to map/predicates and in the run result. */
  readonly steps: Record<string, unknown> = {};
  /** The last value a step's output schema produced, and that schema (see schema-purity.ts). */
  lastValidated: unknown;
  lastSchema: unknown;
  /** Shared run state: merged `setState` patches (persisted as `state:patch` events). */
  state: Record<string, unknown> = {};
  /** The top-level workflow's parsed input: `inits.get('')`. */
  init: unknown;
  #inits: Map<string, unknown> | undefined;
  /**
   * Parsed inputs of the top-level workflow ('') and of nested workflows (by path): `getInitData()`.
   * Built on first use (a chain whose steps never call `getInitData()` needs no map).
   */
  get inits(): Map<string, unknown> {
    this.#inits ??= new Map([['', this.init]]);
    return this.#inits;
  }
  /** Paths of steps that called `bail()` (from history): replaying one ends the run there. */
  bails: Set<string> | undefined;
  /** This execution's spans, when an OpenTelemetry tracer provider is registered (src/tracing). */
  trace: RunTrace | undefined;
  #pending: PendingEvent[] | undefined;
  /** Log lines this execution stored or buffered, and whether the run's cap marker is stored. */
  logsStored = 0;
  logsCut = false;
  /**
   * Lines stored by earlier executions: 0 for a fresh run; undefined for a replayed one until its
   * first line, which counts them (one read, only for runs that log) before the next commit.
   */
  #logBase: number | undefined = 0;
  #counting: Promise<void> | undefined;
  /**
   * Set when this execution takes over a run whose previous process died mid-run (`process lost:
   * …`): the steps it starts before its first commit were in flight there, and count a lost attempt.
   */
  lost: string | undefined;
  /** Lost attempts per path, from history (`step:lost` events). */
  lostAttempts: Map<string, number> | undefined;
  /** True once this execution issued a commit (steps started later were not in flight at the crash). */
  committed = false;

  constructor(
    core: EngineCore,
    runId: string,
    workflow: Workflow,
    resources: Record<string, unknown>,
    limiter: LimitFunction | undefined,
  ) {
    this.core = core;
    this.store = core.store;
    this.runId = runId;
    this.workflow = workflow;
    this.resources = resources;
    this.limiter = limiter;
    this.#apply = syncCommitOf(core.store);
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.abortReason);
    }
    return this.#controller.signal;
  }

  /** Cancels the execution: the signal every running step holds aborts with `reason`. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.#controller?.abort(reason);
    this.#rejectCanceled?.(reason);
  }

  #rejectCanceled: ((reason: unknown) => void) | undefined;
  /**
   * Settles like `work`, or rejects as soon as the run is canceled — so a cancel ends the run even
   * when a step ignores its signal (the step keeps running in the background; its commit is moot).
   */
  untilCanceled<T>(work: Promise<T>): Promise<T> {
    // One promise settled by whichever comes first (a late failure after a cancel is handled here,
    // so it is not an unhandled rejection).
    return new Promise<T>((resolve, reject) => {
      this.#rejectCanceled = reject;
      work.then(resolve, reject);
    });
  }

  /** Emits a live event (only when someone listens). */
  live(type: string, path: string | undefined, data: unknown, at: number): void {
    if (this.core.live) {
      const e: WeftEvent = { runId: this.runId, type, path, data, at };
      this.core.emitter.emit(type, e);
      this.core.emitter.emit('*', e);
    }
  }

  /** A custom event from `ctx.emit`: live now, persisted with the next commit. */
  custom(type: string, path: string, data: unknown): void {
    const at = Date.now();
    this.live(type, path, data, at);
    (this.#pending ??= []).push({ type, path, data, at });
  }

  /**
   * A `ctx.logger` line: buffered as a `log` event that rides on the next commit (the step's own);
   * over the run's cap, one `log:truncated` marker instead and nothing after it.
   */
  log(path: string, attempt: number, level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const s = this.core.runLogs;
    if (!s || this.logsCut || !stores(s, level)) return;
    if (this.#logBase === undefined && !this.#counting) {
      const count = this.store.countEvents
        ? this.store.countEvents(this.runId, ['log'])
        : this.store.readEvents(this.runId, 0, ['log']).then((e) => e.length);
      this.#counting = count.then(
        (n) => {
          this.#logBase = n;
        },
        () => {
          this.#logBase = 0; // a failed count must not fail the step: the per-execution cap still holds
        },
      );
    }
    if ((this.#logBase ?? 0) + this.logsStored >= s.maxLines) {
      this.logsCut = true;
      this.custom('log:truncated', path, truncatedData(s.maxLines));
      return;
    }
    this.logsStored++;
    this.custom('log', path, logLine(s, level, message, attempt, fields));
  }

  /** Replayed runs: the stored lines are counted on the first log line (see {@link RunExec.log}). */
  countLogsLazily(cut: boolean): void {
    this.logsCut = cut;
    if (!cut) this.#logBase = undefined;
  }

  /** Now that earlier executions' lines are counted: drops buffered lines over the cap, adds the marker. */
  #trimLogs(): void {
    const s = this.core.runLogs;
    const pending = this.#pending;
    if (!s || !pending || this.logsCut) return;
    const room = s.maxLines - (this.#logBase ?? 0);
    if (this.logsStored <= room) return;
    let kept = 0;
    let marked = false;
    const out: PendingEvent[] = [];
    for (const e of pending) {
      if (e.type !== 'log') out.push(e);
      else if (kept < room) {
        kept++;
        out.push(e);
      } else if (!marked) {
        marked = true;
        out.push({ type: 'log:truncated', path: e.path, data: truncatedData(s.maxLines), at: e.at });
      }
    }
    this.#pending = out;
    this.logsStored = kept;
    this.logsCut = true;
  }

  #scope: StepScopeRunner | null | undefined;
  /** Runs `fn` inside the step scope of every resource that takes one (e.g. an @weft/llm router); undefined when none does. */
  get scope(): StepScopeRunner | null {
    if (this.#scope === undefined) this.#scope = scopeRunner(this.resources);
    return this.#scope;
  }

  /** Merges a state patch; persisted with the next commit (the calling step's own). */
  setState(path: string, patch: Record<string, unknown>): void {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new TypeError(`Expected setState(patch) in step "${path}" to receive a plain object`);
    }
    this.state = { ...this.state, ...patch };
    this.custom('state:patch', path, patch);
  }

  /**
   * Commits through the store, carrying pending custom events along. The commit is fenced by the
   * engine's lease: when another owner took the run over (or the run is no longer running), the
   * store rejects it with a LeaseLostError, and this execution aborts (every step of it sees its
   * signal abort).
   *
   * `defer`: the commit is held back and written together with the run's final write (one
   * transaction instead of two). Only for commits after which nothing of this run executes before
   * that final write: the success of the last top-level step, or a top-level step suspending. A
   * later commit flushes a held one first.
   */
  commit(c: StepCommit, defer = false): Promise<void> {
    this.committed = true; // at issue time, also while waiting for the log count below
    const counting = this.#counting;
    if (counting) {
      // Commits issued while the stored lines are being counted wait for it, in issue order.
      return counting.then(() => {
        if (this.#counting === counting) {
          this.#counting = undefined;
          this.#trimLogs();
        }
        return this.commit(c, defer);
      });
    }
    this.#prepare(c);
    if (this.#deferred) {
      const held = this.#deferred;
      this.#deferred = undefined;
      return this.#write(held).then(() => this.commit(c, defer));
    }
    if (defer) {
      this.#deferred = c;
      this.#track(c);
      return Promise.resolve();
    }
    // Most commits open or resolve no suspension: nothing to track once written.
    if (c.resolvedSuspensionPath === undefined && !c.suspension) return this.#write(c);
    return this.#write(c).then(() => this.#track(c));
  }

  /**
   * Like {@link RunExec.commit}, but over a memory store the write is applied before this returns,
   * and a held-back commit (`defer`) is held at once: `undefined` says so (nothing to wait for: no
   * promise, no turn). Over any other store, or while something is pending before this commit (a
   * held-back commit, a log count), the same as `commit`. Used by a step's success, the hot path.
   */
  commitNow(c: StepCommit, defer = false): Promise<void> | undefined {
    if (this.#counting || this.#deferred) return this.commit(c, defer);
    const apply = this.#apply;
    if (!defer && apply === undefined) return this.commit(c);
    this.#prepare(c);
    if (defer || apply === undefined) {
      // Held back for the run's final write (see commit): nothing is written now, on any store.
      this.#deferred = c;
      this.#track(c);
      return undefined;
    }
    try {
      apply(c);
    } catch (e) {
      if (e instanceof LeaseLostError) this.abort(e);
      return Promise.reject(e);
    }
    this.#track(c);
    return undefined;
  }

  /** Marks the execution as committing; pending custom events ride on `c`; fences it by the lease. */
  #prepare(c: StepCommit): void {
    this.committed = true;
    if (this.#pending) {
      c.events = c.events ? [...this.#pending, ...c.events] : this.#pending;
      this.#pending = undefined;
    }
    c.leaseOwner = this.core.ownerId;
  }

  /** The store's synchronous commit when it is a memory store (see syncCommitOf). */
  readonly #apply: ((c: StepCommit) => void) | undefined;

  #deferred: StepCommit | undefined;

  /** The held-back commit, if any, for the run's final write (see {@link RunExec.commit}). */
  takeDeferred(): StepCommit | undefined {
    const d = this.#deferred;
    this.#deferred = undefined;
    return d;
  }

  #write(c: StepCommit): Promise<void> {
    return this.store.commitStep(c).then(undefined, this.#onWriteError);
  }

  /** A fenced-out commit aborts the execution; every failed write rejects the commit's promise. */
  readonly #onWriteError = (e: unknown): never => {
    if (e instanceof LeaseLostError) this.abort(e);
    throw e;
  };

  #track(c: StepCommit): void {
    if (c.resolvedSuspensionPath !== undefined || c.suspension) {
      this.#open ??= new Map(this.suspensions);
      if (c.resolvedSuspensionPath !== undefined) this.#open.delete(c.resolvedSuspensionPath);
      if (c.suspension) this.#open.set(c.suspension.path, c.suspension);
    }
  }

  /** Path of the workflow's last top-level node when it is a step (its success commit is deferred). */
  lastStepPath: string | undefined;

  /** Suspensions committed and not resolved, as stored (ordered by creation time, then path). */
  #open: Map<string, SuspensionRecord> | undefined;

  /** The run's open suspensions as the store has them now (what `listSuspensions` would return). */
  openSuspensions(): SuspensionRecord[] {
    const open = [...(this.#open ?? this.suspensions ?? new Map<string, SuspensionRecord>()).values()];
    return open.sort((a, b) => a.createdAt - b.createdAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Events not yet written (flushed with the run's final write). */
  takePending(): PendingEvent[] {
    const p = this.#pending ?? [];
    this.#pending = undefined;
    return p;
  }

  /** Parses `value` with `schema` or throws a StepValidationError naming the path. */
  validate(
    schema: {
      safeParse(v: unknown): {
        success: boolean;
        data?: unknown;
        error?: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] };
      };
    },
    value: unknown,
    path: string,
    target: ValidationTarget,
  ): unknown {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    throw new StepValidationError(this.workflow.id, path, target, toIssues(r.error?.issues ?? []));
  }

  /**
   * Calls a user function that is not a step (mapper, predicate, condition, task or payload
   * builder); a throw becomes a StepFailedError naming the workflow and the node's path.
   */
  async guard<T>(path: string, what: string, fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SuspendSignal || e instanceof WeftError) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      throw new StepFailedError(
        this.workflow.id,
        path,
        1,
        new WeftError('WEFT_USER_FUNCTION', `${what} threw: ${reason}`, { cause: e }),
      );
    }
  }

  /** Throws the cancel reason if the run was canceled. */
  throwIfCanceled(): void {
    if (this.aborted) throw this.abortReason;
  }

  /** A step context for one attempt. */
  context(stepId: string, path: string, attempt: number, signal: AbortSignal): StepContext<never> {
    return new Ctx(this, stepId, path, attempt, signal) as unknown as StepContext<never>;
  }
}
