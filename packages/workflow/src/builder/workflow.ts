/** `workflow()`: the immutable fluent builder. */
import type { z } from 'zod';
import type { Node } from '../definition/nodes.js';
import { commitWorkflow, type Workflow } from '../definition/workflow.js';
import { step as defineStep } from '../step/step.js';
import type { Runnable, Step, StepOptions } from '../step/types.js';
import { toMs } from '../util/duration.js';
import type { WorkflowBuilder, WorkflowConfig } from './types.js';

type In<S> = S extends z.ZodType ? z.input<S> : unknown;
type Out<S> = S extends z.ZodType ? z.output<S> : unknown;
type Fn = (...args: any[]) => any;
type AnyBuilder = WorkflowBuilder<string, any, any, any, any, any, any, any>;

/**
 * Starts a workflow definition. Chain steps, then `.commit()`.
 *
 * @example
 * ```ts
 * const triage = workflow({ id: 'triage', input: z.object({ repo: z.string() }) })
 *   .step(fetchIssue)
 *   .then(classify)
 *   .branch([
 *     [({ input }) => input.severity === 'high', escalate],
 *     [() => true, autoFix],
 *   ])
 *   .commit();
 * const result = await triage.createRun().start({ input: { repo: 'acme/api' } });
 * if (result.status === 'success') console.log(result.output);
 * ```
 */
export function workflow<
  Id extends string,
  IS extends z.ZodType | undefined = undefined,
  OS extends z.ZodType | undefined = undefined,
  R = unknown,
>(config: WorkflowConfig<Id, IS, OS, R>): WorkflowBuilder<Id, In<IS>, OS, Out<IS>, Record<never, never>, R, Out<IS>> {
  if (typeof config !== 'object' || config === null || typeof config.id !== 'string' || config.id === '') {
    throw new TypeError('Expected workflow({ id, … }) with a non-empty string id');
  }
  if (config.timeout !== undefined) {
    try {
      toMs(config.timeout);
    } catch (e) {
      throw new TypeError(`Expected workflow "${config.id}" \`timeout\` to be a duration: ${(e as Error).message}`);
    }
  }
  const v = (config as { version?: unknown }).version;
  if (
    v !== undefined &&
    !((typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v)))
  ) {
    throw new TypeError(
      `Expected workflow({ id: '${config.id}', version }) to be a non-empty string or a finite number, got ${JSON.stringify(v) ?? String(v)}`,
    );
  }
  // The one cast: the untyped implementation is exposed through the typed interface.
  return createBuilder(
    config as WorkflowConfig<string, z.ZodType | undefined, z.ZodType | undefined, Record<string, unknown>>,
    [],
  ) as unknown as WorkflowBuilder<Id, In<IS>, OS, Out<IS>, Record<never, never>, R, Out<IS>>;
}

/** Turns a step or committed workflow into a definition node. */
export function toNode(r: Runnable, where: string): Node {
  const k = (r as { kind?: unknown } | null)?.kind;
  if (k === 'step') return { kind: 'step', id: r.id, step: r as Step };
  if (k === 'workflow') return { kind: 'workflow', id: r.id, workflow: r as Workflow };
  throw new TypeError(
    `Expected ${where} to be a step() or a committed workflow, got ${r === null ? 'null' : typeof r}`,
  );
}

function createBuilder(
  config: WorkflowConfig<string, z.ZodType | undefined, z.ZodType | undefined, Record<string, unknown>>,
  nodes: readonly Node[],
): AnyBuilder {
  const next = (node: Node): AnyBuilder => createBuilder(config, [...nodes, node]);
  const autoId = (kind: string, id?: string) => id ?? `${kind}-${nodes.length + 1}`;
  const addStep = (a: Runnable | string, run?: Fn, options?: StepOptions): AnyBuilder => {
    if (typeof a === 'string') {
      if (typeof run !== 'function') throw new TypeError(`Expected .step('${a}', fn) to receive a function`);
      return next({ kind: 'step', id: a, step: defineStep({ ...options, id: a, run }) });
    }
    return next(toNode(a, '.step() argument'));
  };
  const loop =
    (mode: 'while' | 'until') => (s: Runnable, condition: Fn, options?: { id?: string; maxIterations?: number }) => {
      if (typeof condition !== 'function')
        throw new TypeError(`Expected do${mode}(step, condition) to receive a condition function`);
      return next({
        kind: 'loop',
        id: autoId(`do${mode}`, options?.id),
        mode,
        body: toNode(s, `do${mode}() step`),
        condition,
        maxIterations: options?.maxIterations ?? 100,
      });
    };

  const builder = {
    step: addStep,
    // biome-ignore lint/suspicious/noThenProperty: `.then(step)` is the issue's API; awaiting a builder is meaningless anyway.
    then: addStep,
    map: (fn: Fn, options?: { id?: string }) => {
      if (typeof fn !== 'function') throw new TypeError('Expected .map(fn) to receive a function');
      return next({ kind: 'map', id: autoId('map', options?.id), fn });
    },
    branch: (branches: readonly (readonly [Fn, Runnable])[], options?: { id?: string; default?: Runnable }) =>
      next({
        kind: 'branch',
        id: autoId('branch', options?.id),
        ...(options?.id === undefined ? { positional: true as const } : {}),
        branches: (branches ?? []).map(([when, s]) => ({ when, node: toNode(s, 'a branch step') })),
        default: options?.default ? toNode(options.default, 'the branch default') : undefined,
      }),
    parallel: (steps: readonly Runnable[], options?: { id?: string }) =>
      next({
        kind: 'parallel',
        id: autoId('parallel', options?.id),
        ...(options?.id === undefined ? { positional: true as const } : {}),
        children: (steps ?? []).map((s) => toNode(s, 'a parallel step')),
      }),
    foreach: (s: Runnable, options?: { id?: string; concurrency?: number }) =>
      next({
        kind: 'foreach',
        id: autoId('foreach', options?.id),
        body: toNode(s, 'the foreach step'),
        concurrency: options?.concurrency ?? 1,
      }),
    dowhile: loop('while'),
    dountil: loop('until'),
    sleep: (duration: Parameters<typeof toMs>[0], options?: { id?: string }) =>
      next({ kind: 'sleep', id: autoId('sleep', options?.id), ms: toMs(duration) }),
    sleepUntil: (until: Date | number | Fn, options?: { id?: string }) =>
      next({
        kind: 'sleep',
        id: autoId('sleep', options?.id),
        until: typeof until === 'function' ? until : () => until,
      }),
    waitForEvent: (id: string, options: { event: string; schema?: z.ZodType; timeout?: Parameters<typeof toMs>[0] }) =>
      next({
        kind: 'event',
        id,
        event: options?.event,
        schema: options?.schema,
        timeoutMs: options?.timeout === undefined ? undefined : toMs(options.timeout),
      }),
    awaitApproval: (id: string, options?: Record<string, unknown>) =>
      next({ kind: 'approval', id, options: { ...options } }),
    dag: (
      id: string,
      options: { tasks?: Fn; run: Runnable | Fn; concurrency?: number; failurePolicy?: 'fail-fast' | 'continue' },
    ) =>
      next({
        kind: 'dag',
        id,
        tasks: options?.tasks,
        run: typeof options?.run === 'function' ? options.run : toNode(options?.run as Runnable, 'the dag run step'),
        concurrency: options?.concurrency ?? 4,
        failurePolicy: options?.failurePolicy ?? 'fail-fast',
      }),
    commit: () =>
      commitWorkflow({
        id: config.id,
        version: config.version,
        description: config.description,
        inputSchema: config.input,
        outputSchema: config.output,
        nodes,
        resources: config.resources,
        concurrency: config.concurrency,
        flow: config.flow,
        schedules: config.schedules,
        triggers: config.triggers,
        timeoutMs: config.timeout === undefined ? undefined : toMs(config.timeout),
        defaults:
          config.retry || config.interceptors?.length
            ? { retry: config.retry, interceptors: config.interceptors?.length ? config.interceptors : undefined }
            : undefined,
      }),
  };
  return builder as unknown as AnyBuilder;
}
