/**
 * What an eval runs per item: a function, a workflow (run through the Weft engine, so its steps
 * and cost are recorded), a step-like object, or a model + prompt through the AI SDK.
 * Workflow and step shapes are described structurally so @weft/eval does not depend on the
 * engine's internals.
 */
import { generateText, type LanguageModel, Output } from 'ai';
import { workflow } from '@weft/workflow';
import type { z } from 'zod';
import { WeftEvalError } from '../errors/errors.js';
import type { NormalizedItem } from '../data/dataset.js';

/** Token usage of one task call. */
export interface TaskUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** Passed to function tasks. */
export interface TaskContext<I = unknown, E = unknown> {
  item: NormalizedItem<I, E>;
  /** 0-based trial number. */
  trial: number;
  /** Variant name of the run. */
  variant: string;
  /** Aborted when the per-item timeout fires. */
  signal: AbortSignal;
  /** Adds to the item's cost (USD). */
  reportCost(usd: number): void;
  /** Adds token usage to the item. */
  reportUsage(usage: TaskUsage): void;
  /** Links the item to a Weft workflow run (its steps and events stay in the store). */
  reportRunId(runId: string): void;
  /** Names the model that answered (`provider/model`), for per-model quality records. */
  reportModel(modelId: string): void;
}

/** A task function. */
export type TaskFunction<I = unknown, O = unknown, E = unknown> = (input: I, ctx: TaskContext<I, E>) => O | Promise<O>;

/** The result shape of a workflow run's `start()` that @weft/eval reads (Weft's `RunResult`). */
export interface WorkflowRunResultLike<O = unknown> {
  status: string;
  output?: O;
  error?: unknown;
  runId?: string;
  /** Outputs of completed steps by path (Weft run results have it). */
  steps?: Record<string, unknown>;
  cost?: number | { usd?: number; total?: number };
  usage?: TaskUsage;
}

/** A run handle: `start({ input })`. */
export interface RunLike<I = unknown, O = unknown> {
  /** Starts the run with `input` and resolves once it settles, with its status, output and cost. */
  start(args: { input: I }): Promise<WorkflowRunResultLike<O>>;
}

/** A committed Weft workflow (or anything with `createRun().start({ input })`). */
export interface WorkflowLike<I = unknown, O = unknown> {
  id?: string;
  /** Structural hash of the committed definition; part of the task version for caching. */
  hash?: string;
  /** Creates a run handle (optionally with a fixed `runId`); called once per item and trial. */
  createRun(options?: { runId?: string }): RunLike<I, O>;
}

/** An engine that runs workflows (Weft's `createEngine({ store })`). */
export interface EngineLike {
  /** Creates a run handle for `workflow` on this engine (optionally with a fixed `runId`); start it with `start({ input })`. */
  run(workflow: any, options?: { runId?: string }): RunLike<any, any>;
}

/** A Weft step (`step({ id, run })`): run through a one-step workflow so the engine records it. */
export interface StepLike<I = unknown, O = unknown> {
  readonly kind: 'step';
  readonly id: string;
  /** Type-only carrier of the step's input and output types; never read at runtime. */
  readonly '~types'?: {
    /** Carries the input type `I` (contravariant position); not a callable at runtime. */
    readonly input: (input: I) => void;
    /** Carries the output type `O`. */
    readonly output: O;
  };
}

/** A model + prompt task. */
export interface ModelTask<I = unknown> {
  model: LanguageModel;
  /** Builds the prompt (and optionally a system message) from the input. */
  prompt: (input: I) => string | { system?: string; prompt: string };
  /** When given, the output is a structured object validated by this schema. */
  schema?: z.ZodType;
  /** USD per million tokens, to turn usage into cost. */
  pricing?: { inputPerMillion: number; outputPerMillion: number };
  version?: string;
}

/** Every accepted task form. */
export type EvalTask<I = unknown, O = unknown, E = unknown> =
  | TaskFunction<I, O, E>
  | { workflow: WorkflowLike<I, O>; engine?: EngineLike; version?: string }
  | { step: StepLike<I, O>; engine?: EngineLike; version?: string }
  | ModelTask<I>;

/** A task normalized to one function plus a version string for cache keys. */
export interface ResolvedTask<I, O, E> {
  kind: 'function' | 'workflow' | 'step' | 'model';
  version: string;
  /** Model id when the task is a model task; feeds quality records. */
  modelId?: string;
  run: TaskFunction<I, O, E>;
}

function modelIdOf(model: LanguageModel): string {
  if (typeof model === 'string') return model;
  const m = model as { provider?: string; modelId?: string };
  return m.provider ? `${m.provider}/${m.modelId ?? '?'}` : (m.modelId ?? 'model');
}

/** Normalizes any task form. */
export function resolveTask<I, O, E>(task: EvalTask<I, O, E>, version?: string): ResolvedTask<I, O, E> {
  if (typeof task === 'function') {
    return {
      kind: 'function',
      version: version ?? `fn:${task.toString().length}:${hashString(task.toString())}`,
      run: task,
    };
  }
  if (task && typeof task === 'object' && ('workflow' in task || 'step' in task)) {
    const wf = 'workflow' in task ? task.workflow : stepWorkflow(task.step as StepLike);
    const engine = task.engine;
    const label = 'workflow' in task ? `wf:${wf.id ?? '?'}` : `step:${(task.step as StepLike).id}`;
    return {
      kind: 'workflow' in task ? 'workflow' : 'step',
      version: version ?? task.version ?? `${label}:${wf.hash ?? '?'}`,
      async run(input, ctx) {
        const run = engine ? engine.run(wf) : wf.createRun();
        const result = await run.start({ input });
        if (result.runId) ctx.reportRunId(result.runId);
        if (typeof result.cost === 'number') ctx.reportCost(result.cost);
        else if (result.cost) ctx.reportCost(result.cost.usd ?? result.cost.total ?? 0);
        if (result.usage) ctx.reportUsage(result.usage);
        if (result.status !== 'success') {
          throw new WeftEvalError(
            'EVAL_TASK_FAILED',
            `Expected workflow ${wf.id ?? ''} to succeed, but its run ${result.runId ?? ''} ended ${result.status}${result.error instanceof Error ? `: ${result.error.message}` : ''}.`,
            { cause: result.error, details: { workflowId: wf.id, runId: result.runId, status: result.status } },
          );
        }
        return result.output as O;
      },
    };
  }
  if (task && typeof task === 'object' && 'model' in task) {
    const mt = task as ModelTask<I>;
    const modelId = modelIdOf(mt.model);
    return {
      kind: 'model',
      modelId,
      version: version ?? mt.version ?? `model:${modelId}:${hashString(mt.prompt.toString())}`,
      async run(input, ctx) {
        const built = mt.prompt(input);
        const { system, prompt } = typeof built === 'string' ? { system: undefined, prompt: built } : built;
        const result = await generateText({
          model: mt.model,
          ...(system === undefined ? {} : { system }),
          prompt,
          abortSignal: ctx.signal,
          ...(mt.schema ? { output: Output.object({ schema: mt.schema }) } : {}),
        });
        const usage = { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 };
        ctx.reportUsage(usage);
        // A @weft/llm router reports the model that answered and the call's cost.
        const weft = (result.providerMetadata as { weft?: { model?: unknown; costUsd?: unknown } } | undefined)?.weft;
        ctx.reportModel(typeof weft?.model === 'string' ? weft.model : modelId);
        if (mt.pricing) {
          ctx.reportCost(
            (usage.inputTokens * mt.pricing.inputPerMillion + usage.outputTokens * mt.pricing.outputPerMillion) / 1e6,
          );
        } else if (typeof weft?.costUsd === 'number') {
          ctx.reportCost(weft.costUsd);
        }
        return (mt.schema ? result.output : result.text) as O;
      },
    };
  }
  throw new WeftEvalError(
    'EVAL_INVALID_DEFINITION',
    'Expected `task` to be a function, { workflow }, { step } or { model, prompt }, but got something else. See docs/eval.md.',
  );
}

const stepWorkflows = new WeakMap<object, WorkflowLike>();

/** Wraps a step in a committed one-step workflow (memoized per step). */
function stepWorkflow(step: StepLike): WorkflowLike {
  let wf = stepWorkflows.get(step);
  if (!wf) {
    wf = workflow({ id: `eval:${step.id}` })
      .step(step as never)
      .commit() as unknown as WorkflowLike;
    stepWorkflows.set(step, wf);
  }
  return wf;
}

/** FNV-1a 32-bit hash as hex (cheap, for version strings). */
export function hashString(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
