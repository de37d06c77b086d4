/** Types of the fluent builder. Each call returns a new builder whose type has grown. */
import type { z } from 'zod';
import type { DataArgs } from '../definition/nodes.js';
import type { Workflow } from '../definition/workflow.js';
import type { FlowOptions } from '../flow-control/types.js';
import type { ScheduleOptions } from '../schedule/types.js';
import type { Trigger } from '../trigger/types.js';
import type { StepInterceptor } from '../step/interceptors.js';
import type { Resources, RetryOptions, Runnable, StepContext, StepOptions, StepRunArgs } from '../step/types.js';
import type { Duration } from '../util/duration.js';
import type { ApprovalResume, ArmsResume, CompositePath, ResumeAt, ResumeTypes } from './resume-types.js';

type MaybePromise<T> = T | Promise<T>;

/** The output type of a runnable (step or workflow). */
export type OutOf<S> = S extends { readonly '~types'?: { readonly output: infer O } } ? O : never;

/** What a step after `foreach`'s input must accept: an element of the previous (array) output. */
export type ElementOf<T> = T extends readonly (infer E)[]
  ? E
  : { 'foreach needs the previous step to output an array, got': T };

/**
 * Options of `awaitApproval`. Extra fields (approvers, quorum, allowEdit, timeout, …) are kept raw
 * on the definition for `@weft/approval`; the JSON-serializable ones are stored with the suspension.
 */
export interface ApprovalOptions<Prev = unknown, T = Prev, S = Record<string, unknown>> {
  /** Builds what the approver sees and (edited or not) what flows on. Default: the previous output. */
  payload?: (args: { input: Prev; steps: S; runId: string }) => T | Promise<T>;
  /** Validates the payload, including an approver's edit (a violation is a ResumeValidationError). */
  schema?: z.ZodType<T>;
  title?: string;
  summary?: string;
  [policy: string]: unknown;
}

/**
 * Resume data of an approval gate (`engine.resume(runId, { step, data })`).
 *
 * `decision` takes the same verbs as `@weft/approval`'s `decide()`, its HTTP API and the CLI:
 * `'approve'` or `'reject'`. The outcome spellings `'approved'` / `'rejected'` are accepted as
 * well (Weft 0.1 documented them). What the run records and emits (the gate's `step:success` /
 * `step:failed` event, an approval request's `status`) is always the outcome: `'approved'` or
 * `'rejected'`.
 */
export interface ApprovalDecision<T = unknown> {
  /** `'approve'` or `'reject'` (`'approved'` / `'rejected'` accepted for compatibility). */
  decision: 'approve' | 'reject' | 'approved' | 'rejected';
  /** An edited payload (validated by the gate's schema). */
  payload?: T;
  actors?: string[];
  comment?: string;
}

/** A task of a `dag`. Extra fields are free. */
export interface DagTask {
  id: string;
  dependsOn?: string[];
  [field: string]: unknown;
}

/** Per-task status in a dag's output. */
export type DagTaskStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** The output of a `dag` node. */
export interface DagResult<O = unknown, T extends DagTask = DagTask> {
  /** `failed` when any task failed (only reachable with failurePolicy 'continue'). */
  status: 'succeeded' | 'failed';
  tasks: {
    id: string;
    task: T;
    status: DagTaskStatus;
    output?: O;
    error?: { name: string; message: string; code?: string };
  }[];
  /** Outputs of succeeded tasks by id. */
  results: Record<string, O>;
  /** The topological batches the tasks ran in. */
  batches: string[][];
}

/** Arguments of a dag task function. */
export interface DagRunArgs<T, Prev, R> {
  task: T;
  /** Outputs of the tasks it depends on, by id. */
  results: Record<string, unknown>;
  input: Prev;
  signal: AbortSignal;
  ctx: StepContext<R>;
}

/** Options of `dag`. */
export interface DagOptions<Prev, T extends DagTask, O, R> {
  /** The tasks; default: the previous output's `tasks` field. */
  tasks?: (args: DataArgs<Prev>) => MaybePromise<readonly T[]>;
  /** Runs one task: a step (whose input is the task) or a function. */
  run: Runnable<string, T, O> | ((args: DagRunArgs<T, Prev, R>) => MaybePromise<O>);
  /** Max tasks running at once (default 4). */
  concurrency?: number;
  /** `fail-fast` (default) fails the dag at the first failed task; `continue` skips its dependants only. */
  failurePolicy?: 'fail-fast' | 'continue';
}

/**
 * Typed reads of the workflow input and of upstream steps' outputs, for inline steps, `map`,
 * branch predicates, loop conditions and other data functions of a builder. Only steps already
 * in the chain (`TSteps`) can be read: any other id fails to compile.
 */
export interface UpstreamAccess<TInit, TSteps> {
  /** The workflow's input, parsed by its input schema. */
  getInitData(): TInit;
  /** An upstream step's output, by id (or path: `review/lint` inside a parallel or branch). */
  getStepResult<K extends keyof TSteps & string>(id: K): TSteps[K];
  /** An upstream step's output, by the step itself. */
  getStepResult<S extends Runnable<keyof TSteps & string>>(step: S): TSteps[S['id']];
}

/**
 * The `steps` entries a `branch` or `parallel` adds (arms are optional for branches: only the
 * chosen arm runs). With an explicit id: the composite's output at `id` and each arm's at
 * `id/<armId>`. Without one the composite's path is positional (`parallel-3`), so each arm's output
 * is kept at its own id instead (`steps.lint`), unless an upstream step already holds that id
 * (`TSteps`), which keeps its own.
 */
export type ArmSteps<CId extends string, Out, Arms, Optional extends boolean, TSteps = unknown> = [CId] extends [never]
  ? Optional extends true
    ? { [A in Arms as A extends Runnable<infer AId> ? Exclude<AId, keyof TSteps> : never]?: OutOf<A> }
    : { [A in Arms as A extends Runnable<infer AId> ? Exclude<AId, keyof TSteps> : never]: OutOf<A> }
  : { [K in CId]: Out } & (Optional extends true
      ? { [A in Arms as A extends Runnable<infer AId> ? `${CId}/${AId}` : never]?: OutOf<A> }
      : { [A in Arms as A extends Runnable<infer AId> ? `${CId}/${AId}` : never]: OutOf<A> });

/** `T` with `K` set to `V`: a step reusing an id (an arm kept at its own id upstream) replaces it. */
export type PutStep<T, K extends string, V> = [K] extends [keyof T]
  ? Omit<T, K> & { [P in K]: V }
  : T & { [P in K]: V };

/** What `bail(output)` accepts: the workflow output schema's input type (anything without one). */
export type BailOutput<TOS> = TOS extends z.ZodType ? z.input<TOS> : unknown;

/** Arguments of an inline `.step(id, fn)`: the step arguments, typed by the workflow so far. */
export type InlineStepArgs<TPrev, R, TInit, TSteps, TOut> = Omit<
  StepRunArgs<TPrev, R>,
  'getInitData' | 'getStepResult' | 'bail'
> &
  UpstreamAccess<TInit, TSteps> & {
    /** Ends the run successfully with `output` (see {@link StepRunArgs.bail}). */
    bail: (output: TOut) => never;
  };

/** Arguments of a `dowhile` / `dountil` condition. */
export interface LoopConditionArgs<O, TSteps, TInit> extends UpstreamAccess<TInit, TSteps> {
  /** The body's output of this iteration. */
  output: O;
  /** 0 for the first iteration. */
  iteration: number;
  runId: string;
  /** Outputs of the steps completed so far, by path. */
  steps: TSteps;
}

/** Resolves the workflow output type: the output schema's if any, else the last step's. */
type FinalOutput<TOS, TPrev> = TOS extends z.ZodType ? z.output<TOS> : TPrev;

/** Extra argument that makes `commit()` fail to compile when the last output does not fit the output schema. */
type CommitCheck<TOS, TPrev> = TOS extends z.ZodType
  ? [TPrev] extends [z.input<TOS>]
    ? []
    : [error: { 'the last step output does not match the workflow output schema': TPrev; expected: z.input<TOS> }]
  : [];

/** The resume entries of a loop body: `<loop>#<iteration>/<stepId>`. */
type LoopResume<LId extends string, Kind extends string, SId extends string, K, RZ> = ResumeAt<
  `${CompositePath<LId, Kind>}#${number}/${SId}`,
  K,
  RZ
>;

/** The builder after a step `SId` with output `O` (and resume entries `R`) was appended. */
type Appended<Id extends string, TIn, TOS, TSteps, TRes, TInit, TResume, SId extends string, O, R> = WorkflowBuilder<
  Id,
  TIn,
  TOS,
  O,
  PutStep<TSteps, SId, O>,
  TRes,
  TInit,
  TResume & R
>;

/**
 * The fluent builder returned by `workflow()`.
 *
 * - `Id`: the workflow id; `TIn`: what `start({ input })` accepts; `TOS`: the output schema type;
 * - `TPrev`: output of the last step so far (the next step's input);
 * - `TSteps`: outputs of completed steps by id; `TRes`: the workflow's resources;
 * - `TInit`: the parsed workflow input (`getInitData()`);
 * - `TResume`: resume payloads by suspendable step path (type only, see `ResumeTypes`).
 */
export interface WorkflowBuilder<
  Id extends string,
  TIn,
  TOS,
  TPrev,
  TSteps extends Record<string, unknown>,
  TRes,
  TInit = unknown,
  TResume = Record<never, never>,
> {
  /** Appends a step (or a committed workflow). Its input must accept the previous output. */
  step<SId extends string, O, K = unknown, RZ = unknown>(
    step: Runnable<SId, TPrev, O> & { readonly kind?: K; readonly '~resume'?: RZ },
  ): Appended<Id, TIn, TOS, TSteps, TRes, TInit, TResume, SId, O, ResumeAt<SId, K, RZ>>;
  /** Appends an inline step whose input type is the previous output. */
  step<SId extends string, O>(
    id: SId,
    run: (args: InlineStepArgs<TPrev, Resources & TRes, TInit, TSteps, BailOutput<TOS>>) => MaybePromise<O>,
    options?: StepOptions,
  ): Appended<Id, TIn, TOS, TSteps, TRes, TInit, TResume, SId, Awaited<O>, { [K in SId]: unknown }>;
  /** Same as {@link WorkflowBuilder.step}: reads well after the first step. */
  then<SId extends string, O, K = unknown, RZ = unknown>(
    step: Runnable<SId, TPrev, O> & { readonly kind?: K; readonly '~resume'?: RZ },
  ): Appended<Id, TIn, TOS, TSteps, TRes, TInit, TResume, SId, O, ResumeAt<SId, K, RZ>>;
  /** Same as {@link WorkflowBuilder.step} with an inline function. */
  then<SId extends string, O>(
    id: SId,
    run: (args: InlineStepArgs<TPrev, Resources & TRes, TInit, TSteps, BailOutput<TOS>>) => MaybePromise<O>,
    options?: StepOptions,
  ): Appended<Id, TIn, TOS, TSteps, TRes, TInit, TResume, SId, Awaited<O>, { [K in SId]: unknown }>;

  /** Pure data reshaping between steps (not persisted; recomputed on replay). */
  map<O>(
    fn: (args: DataArgs<TPrev, TSteps, TInit>) => O,
    options?: { id?: string },
  ): WorkflowBuilder<Id, TIn, TOS, Awaited<O>, TSteps, TRes, TInit, TResume>;

  /**
   * The first branch whose predicate returns true runs; its output flows on (the output type is
   * the union of the branches'). No match fails the run unless `default` is given.
   *
   * @typeParam B - the `[predicate, step]` pairs, kept as a tuple to type the output union.
   * @typeParam D - the default step's output, if any.
   */
  branch<
    const B extends readonly (readonly [
      when: (args: DataArgs<TPrev, TSteps, TInit>) => boolean | Promise<boolean>,
      step: Runnable<string, TPrev, unknown>,
    ])[],
    D = never,
    BId extends string = never,
    DS extends Runnable<string, TPrev, D> = never,
  >(
    branches: B,
    options?: { id?: BId; default?: DS & Runnable<string, TPrev, D> },
  ): WorkflowBuilder<
    Id,
    TIn,
    TOS,
    OutOf<B[number][1]> | D,
    TSteps & ArmSteps<BId, OutOf<B[number][1]> | D, B[number][1] | DS, true, TSteps>,
    TRes,
    TInit,
    TResume & ArmsResume<CompositePath<BId, 'branch'>, B[number][1] | DS>
  >;

  /**
   * Runs steps concurrently on the same input; the next step receives `{ [stepId]: output }`.
   * With an `id`, `steps[id]` and each arm's `steps['<id>/<stepId>']` are typed.
   */
  parallel<const S extends readonly Runnable<string, TPrev, unknown>[], PId extends string = never>(
    steps: S,
    options?: { id?: PId },
  ): WorkflowBuilder<
    Id,
    TIn,
    TOS,
    { [K in S[number] as K['id']]: OutOf<K> },
    TSteps & ArmSteps<PId, { [K in S[number] as K['id']]: OutOf<K> }, S[number], false, TSteps>,
    TRes,
    TInit,
    TResume & ArmsResume<CompositePath<PId, 'parallel'>, S[number]>
  >;

  /** Runs a step for every item of the previous (array) output; outputs keep the items' order. */
  foreach<SId extends string, O, FId extends string = never, K = unknown, RZ = unknown>(
    step: Runnable<SId, ElementOf<TPrev>, O> & { readonly kind?: K; readonly '~resume'?: RZ },
    options?: { id?: FId; concurrency?: number },
  ): WorkflowBuilder<
    Id,
    TIn,
    TOS,
    O[],
    TSteps,
    TRes,
    TInit,
    TResume & ResumeAt<`${CompositePath<FId, 'foreach'>}[${number}]/${SId}`, K, RZ>
  >;

  /** Runs a step, then again on its own output while `condition` holds (at most `maxIterations`, default 100). */
  dowhile<SId extends string, O, LId extends string = never, K = unknown, RZ = unknown>(
    step: Runnable<SId, TPrev | NoInfer<O>, O> & { readonly kind?: K; readonly '~resume'?: RZ },
    condition: (args: LoopConditionArgs<O, TSteps, TInit>) => boolean | Promise<boolean>,
    options?: { id?: LId; maxIterations?: number },
  ): WorkflowBuilder<Id, TIn, TOS, O, TSteps, TRes, TInit, TResume & LoopResume<LId, 'dowhile', SId, K, RZ>>;
  /** Runs a step, then again on its own output until `condition` holds (at most `maxIterations`, default 100). */
  dountil<SId extends string, O, LId extends string = never, K = unknown, RZ = unknown>(
    step: Runnable<SId, TPrev | NoInfer<O>, O> & { readonly kind?: K; readonly '~resume'?: RZ },
    condition: (args: LoopConditionArgs<O, TSteps, TInit>) => boolean | Promise<boolean>,
    options?: { id?: LId; maxIterations?: number },
  ): WorkflowBuilder<Id, TIn, TOS, O, TSteps, TRes, TInit, TResume & LoopResume<LId, 'dountil', SId, K, RZ>>;

  /** Durable sleep; the previous output passes through. */
  sleep(
    duration: Duration,
    options?: { id?: string },
  ): WorkflowBuilder<Id, TIn, TOS, TPrev, TSteps, TRes, TInit, TResume>;
  /** Durable sleep until a date (or one computed from the input); the previous output passes through. */
  sleepUntil(
    until: Date | number | ((args: DataArgs<TPrev, TSteps, TInit>) => Date | number),
    options?: { id?: string },
  ): WorkflowBuilder<Id, TIn, TOS, TPrev, TSteps, TRes, TInit, TResume>;

  /** Suspends until `engine.sendEvent(event, payload)`; the payload (validated by `schema`) flows on. */
  waitForEvent<SId extends string, ES extends z.ZodType = z.ZodUnknown>(
    id: SId,
    options: { event: string; schema?: ES; timeout?: Duration },
  ): WorkflowBuilder<
    Id,
    TIn,
    TOS,
    z.output<ES>,
    PutStep<TSteps, SId, z.output<ES>>,
    TRes,
    TInit,
    TResume & { [K in SId]: z.input<ES> }
  >;

  /** Suspends for a human decision. Approved: the (possibly edited) payload flows on. Rejected: the run fails. */
  awaitApproval<SId extends string, T = TPrev>(
    id: SId,
    options?: ApprovalOptions<TPrev, T, TSteps>,
  ): WorkflowBuilder<Id, TIn, TOS, T, PutStep<TSteps, SId, T>, TRes, TInit, TResume & ApprovalResume<SId, T>>;

  /** Executes a task graph produced at run time, in topological batches. */
  dag<SId extends string, T extends DagTask = DagTask, O = unknown>(
    id: SId,
    options: DagOptions<TPrev, T, O, Resources & TRes>,
  ): WorkflowBuilder<
    Id,
    TIn,
    TOS,
    DagResult<O, T>,
    PutStep<TSteps, SId, DagResult<O, T>>,
    TRes,
    TInit,
    TResume & { [K in `${SId}/${string}`]: unknown }
  >;

  /**
   * Validates the definition, computes its hash and returns the runnable workflow. Its type carries
   * the resume payloads by step path (`ResumeTypes`), which `run.resume({ step, data })` checks.
   */
  commit(
    ...check: CommitCheck<TOS, TPrev>
  ): Workflow<Id, TIn, FinalOutput<TOS, TPrev>> & ResumeTypes<{ [P in keyof TResume]: TResume[P] }>;
}

/** Config of {@link workflow}. */
export interface WorkflowConfig<Id extends string, IS, OS, R> {
  id: Id;
  /**
   * The version of this definition (e.g. `2` or `'2026-05-01'`). An engine may hold several
   * versions of one id; new runs start on the newest (numbers and numeric strings compare by value),
   * and a run stays on the definition it started on while that is registered. Registering two
   * different definitions with the same id and version is a `DuplicateWorkflowVersionError`.
   * Without a version, definitions of one id rank below versioned ones, later registrations newer.
   */
  version?: string | number;
  description?: string;
  input?: IS;
  /** Enforced at the end of every run (a violation fails the run with a StepValidationError). */
  output?: OS;
  /** Reach this workflow's steps as `ctx.resources` (over the engine's). */
  resources?: R;
  /** Max user steps running at once inside one run. */
  concurrency?: number;
  /** Flow control of its runs across workers: per-key concurrency, throttle, rate limit, debounce, priority. */
  flow?: FlowOptions<ConfigInput<IS>>;
  /** Cron or interval schedules that start runs of it (see docs/schedules.md). */
  schedules?: readonly ScheduleOptions<ConfigInput<IS>>[];
  /** Events that start runs of it: `defineTrigger({ event, schema, filter, input })`. */
  triggers?: readonly Trigger<ConfigInput<IS>>[];
  /** Default retry policy of this workflow's steps that have none of their own. */
  retry?: RetryOptions;
  /**
   * Default deadline of every run (from its start): past it the run fails with a `RunTimeoutError`.
   * `start({ input, timeout })` overrides it per run.
   */
  timeout?: Duration;
  /** Interceptors around every attempt of this workflow's own steps (inside the engine's). */
  interceptors?: readonly StepInterceptor<any, any>[];
}

/** The input type a workflow config's `input` schema accepts. */
type ConfigInput<IS> = IS extends z.ZodType ? z.input<IS> : unknown;
