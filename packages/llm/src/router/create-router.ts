/**
 * `createRouter` returns a `Router`: a factory of AI SDK language models (`LanguageModelV4`) that route
 * each call across providers with fallbacks, retries, cooldowns, limits, budgets, cost records and an
 * optional response cache. Routed models work anywhere the AI SDK takes a model.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import {
  type CallRecord,
  summarizeCalls,
  type UsageQuery,
  type UsageStore,
  type UsageSummary,
} from '../store/usage-store.js';
import type { ProviderHealth } from './circuit-breaker.js';
import type { RoutingExplanation } from './learned.js';
import type { CallContext, RouterOptions } from './options.js';
import { type RoutedModelOptions, routedModel } from './routed-model.js';
import { RouterCore } from './router-core.js';
import { type LlmScope, STEP_SCOPE_KEY, withLlmScope } from '../scope/llm-scope.js';
import { type RunUsage, runUsage } from '../store/step-usage.js';

/** Input of {@link Router.recordOutcome}. */
export interface OutcomeInput {
  task: string;
  /** `provider/model` (e.g. from `providerMetadata.weft.model`). */
  model: string;
  /** Shorthand for score 1 / 0. */
  success?: boolean;
  /** 0…1; wins over `success`. */
  score?: number;
  runId?: string;
}

/** A model router; see {@link createRouter}. */
export interface Router {
  /**
   * An AI SDK model for a route name (`'cheap'`, `'default'`, …) or a `provider/model` id; without an
   * argument, the task route or the default route.
   */
  model(spec?: string, options?: RoutedModelOptions): LanguageModelV4;
  /** A model routed by task tag: `tasks[tag]` if configured, else the default route. */
  task(tag: string, options?: Omit<RoutedModelOptions, 'task'>): LanguageModelV4;
  /**
   * A view of this router whose calls are attributed to `context` (shares all state). Only `runId`,
   * `stepId`, `stepPath` (or a step context's `path`), `attempt`, `workflowId` and `task` are read,
   * so a workflow step can pass its own `ctx`: `ctx.resources.llm.withContext(ctx)`. Inside a
   * step of an engine that has the router as a resource this is not needed (the step scope does it).
   */
  withContext(context: CallContext): Router;
  /** The attribution context of this view. */
  readonly context: Readonly<CallContext>;
  /** Totals of recorded calls; defaults to this view's run when it has one. */
  usage(query?: UsageQuery): Promise<UsageSummary>;
  /** Recorded calls; defaults to this view's run when it has one. */
  calls(query?: UsageQuery): Promise<CallRecord[]>;
  /** Records how a model did on a task (step outcomes), for learned routing. No-op without `learned`. */
  recordOutcome(input: OutcomeInput): Promise<void>;
  /**
   * Why calls tagged `task` get their order: the route, the order used now (before exploration) and,
   * per candidate, the samples in the window, mean score, blended quality, price and utility.
   * `options.route` names a route other than the task's. Reads the quality store (or its cache).
   *
   * @example
   * ```ts
   * const why = await router.explain('summarize');
   * console.log(why.order, why.candidates.map((c) => [c.model, c.samples, c.utility]));
   * ```
   */
  explain(task: string, options?: { route?: string }): Promise<RoutingExplanation>;
  /** Circuit state per provider that has been called. */
  health(): Record<string, ProviderHealth>;
  /** The usage store (calls and cache). */
  readonly store: UsageStore;
  /** A run's usage per step and in total (calls, tokens, cost, latency, fallbacks); defaults to this view's run. */
  runUsage(runId?: string): Promise<RunUsage>;
  /**
   * Weft's step-scope protocol: an engine given this router as a resource runs every step
   * attempt through this method, so the calls made in the step record its run id, step path and
   * attempt (see {@link withLlmScope}). Not for direct use.
   */
  [STEP_SCOPE_KEY]<T>(scope: LlmScope, run: () => T): T;
}

/**
 * Creates a router over AI SDK providers.
 *
 * @example
 * ```ts
 * import { generateText } from 'ai';
 * import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
 * import { createRouter } from '@weft/llm';
 *
 * const router = createRouter({
 *   providers: { ollama: createOpenAICompatible({ name: 'ollama', baseURL: 'http://127.0.0.1:11434/v1' }), openai },
 *   routes: { cheap: ['ollama/llama3.2', 'offline/default'], default: ['openai/gpt-4o-mini', 'ollama/llama3.2'] },
 *   budgets: { perRunUsd: 0.5 },
 * });
 * const { text, providerMetadata } = await generateText({ model: router.model('cheap'), prompt: 'Hi' });
 * console.log(providerMetadata?.weft); // { model, costUsd, fallbacks, … }
 * ```
 */
export function createRouter(options: RouterOptions): Router {
  return view(new RouterCore(options), {});
}

function view(core: RouterCore, context: CallContext): Router {
  const defaultQuery = (q?: UsageQuery): UsageQuery => q ?? (context.runId ? { runId: context.runId } : {});
  return {
    context: Object.freeze({ ...context }),
    store: core.store,
    model: (spec, opts = {}) => routedModel(core, spec, opts, context),
    task: (tag, opts = {}) => routedModel(core, undefined, { ...opts, task: tag }, context),
    withContext: (ctx) => view(core, { ...context, ...pickContext(ctx) }),
    usage: async (q) => summarizeCalls(await core.store.listCalls(defaultQuery(q))),
    calls: (q) => core.store.listCalls(defaultQuery(q)),
    async recordOutcome(input) {
      const learned = core.options.learned;
      if (!learned) return;
      const score = input.score ?? (input.success === false ? 0 : 1);
      await learned.quality.record({
        task: input.task,
        model: input.model,
        score,
        source: 'step',
        ...((input.runId ?? context.runId) ? { runId: input.runId ?? context.runId } : {}),
      });
      core.invalidateQuality(input.task);
    },
    explain: (task, opts) => core.explain(task, opts?.route),
    health: () => core.health(),
    runUsage: (runId) => runUsage(core.store, runId ?? context.runId ?? ''),
    [STEP_SCOPE_KEY]: (scope, run) => withLlmScope(scope, run),
  };
}

/** The attribution fields of `ctx`; a workflow step's own `ctx` gives its `path` as the step path. */
function pickContext(ctx: CallContext & { path?: unknown }): CallContext {
  const out: CallContext = {};
  for (const k of ['runId', 'stepId', 'stepPath', 'workflowId', 'task'] as const)
    if (typeof ctx[k] === 'string') out[k] = ctx[k];
  if (out.stepPath === undefined && typeof ctx.path === 'string') out.stepPath = ctx.path;
  if (typeof ctx.attempt === 'number') out.attempt = ctx.attempt;
  return out;
}
