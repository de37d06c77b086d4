/**
 * What an eval runs per item: a function, a workflow (run through the Weft engine, so its steps
 * and cost are recorded), a step-like object, or a model + prompt through the AI SDK.
 * Workflow and step shapes are described structurally so @weft/eval does not depend on the
 * engine's internals.
 */
import { generateText, type LanguageModel, Output } from 'ai';
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
}

/** A task function. */
export type TaskFunction<I = unknown, O = unknown, E = unknown> = (input: I, ctx: TaskContext<I, E>) => O | Promise<O>;

/** The result shape of a workflow run's `start()` that @weft/eval reads. */
export interface WorkflowRunResultLike<O = unknown> {
  status: string;
  output?: O;
  error?: unknown;
  runId?: string;
  cost?: number | { usd?: number; total?: number };
  usage?: TaskUsage;
}

/** Anything with `createRun().start({ input })`, e.g. a committed Weft workflow bound to an engine. */
export interface WorkflowLike<I = unknown, O = unknown> {
  id?: string;
  /** Structural hash of the committed definition; used as the task version for caching. */
  definitionHash?: string;
  createRun(
    options?: unknown,
  ):
    | { start(options: { input: I }): Promise<WorkflowRunResultLike<O>> }
    | Promise<{ start(options: { input: I }): Promise<WorkflowRunResultLike<O>> }>;
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
  | { workflow: WorkflowLike<I, O>; version?: string }
  | { step: { id?: string; execute: (input: I, ctx: TaskContext<I, E>) => O | Promise<O> }; version?: string }
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
  if (task && typeof task === 'object' && 'workflow' in task) {
    const wf = task.workflow;
    return {
      kind: 'workflow',
      version: version ?? task.version ?? `wf:${wf.id ?? '?'}:${wf.definitionHash ?? '?'}`,
      async run(input, ctx) {
        const run = await wf.createRun();
        const result = await run.start({ input });
        if (typeof result.cost === 'number') ctx.reportCost(result.cost);
        else if (result.cost) ctx.reportCost(result.cost.usd ?? result.cost.total ?? 0);
        if (result.usage) ctx.reportUsage(result.usage);
        if (result.status !== 'success') {
          throw new WeftEvalError(
            'EVAL_TASK_FAILED',
            `Expected workflow ${wf.id ?? ''} to succeed, but its run ended ${result.status}.`,
            {
              cause: result.error,
              details: { workflowId: wf.id, runId: result.runId, status: result.status },
            },
          );
        }
        return result.output as O;
      },
    };
  }
  if (task && typeof task === 'object' && 'step' in task) {
    const step = task.step;
    return {
      kind: 'step',
      version: version ?? task.version ?? `step:${step.id ?? '?'}`,
      run: (input, ctx) => step.execute(input, ctx),
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
        if (mt.pricing) {
          ctx.reportCost(
            (usage.inputTokens * mt.pricing.inputPerMillion + usage.outputTokens * mt.pricing.outputPerMillion) / 1e6,
          );
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

/** FNV-1a 32-bit hash as hex (cheap, for version strings). */
export function hashString(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
