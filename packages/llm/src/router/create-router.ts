/**
 * `createRouter` returns a `Router`: a factory of AI SDK language models (`LanguageModelV4`) that route
 * each call across providers with fallbacks, retries, cooldowns, limits, budgets, cost records and an
 * optional response cache. Routed models work anywhere the AI SDK takes a model.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { BudgetExceededError } from '../errors/errors.js';
import { tokenCounts } from '../pricing/price-table.js';
import {
  type CallRecord,
  summarizeCalls,
  type UsageQuery,
  type UsageStore,
  type UsageSummary,
} from '../store/usage-store.js';
import { cacheKey, deserializeResult, serializeResult } from './cache.js';
import type { ProviderHealth } from './circuit-breaker.js';
import { openUntilFirstToken, passThrough } from './first-token.js';
import type { CallContext, RouterOptions } from './options.js';
import { resultToStream } from './result-stream.js';
import { type PreparedCall, RouterCore } from './router-core.js';
import { StreamCollector } from './stream-collector.js';

/** Defaults of a routed model; per-call `providerOptions.weft` overrides them. */
export interface RoutedModelOptions {
  /** Task tag for routing, learned routing and records. */
  task?: string;
  /** Use the response cache for this model (default true when the router has a cache). */
  cache?: boolean;
}

/** What a successful call reports in `result.providerMetadata.weft`. */
export interface WeftCallMetadata {
  callId: string;
  route: string;
  /** `provider/model` that answered. */
  model: string;
  costUsd: number;
  unpriced: boolean;
  cached: boolean;
  /** Models tried before the one that answered. */
  fallbacks: string[];
}

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
   * `stepId`, `workflowId` and `task` are read, so a workflow step can pass its own `ctx`:
   * `ctx.resources.llm.withContext(ctx)`.
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
  /** Circuit state per provider that has been called. */
  health(): Record<string, ProviderHealth>;
  /** The usage store (calls and cache). */
  readonly store: UsageStore;
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
    health: () => core.health(),
  };
}

function pickContext(ctx: CallContext): CallContext {
  const out: CallContext = {};
  for (const k of ['runId', 'stepId', 'workflowId', 'task'] as const) if (typeof ctx[k] === 'string') out[k] = ctx[k];
  return out;
}

function metadata(base: SharedV4ProviderMetadata | undefined, m: WeftCallMetadata): SharedV4ProviderMetadata {
  return { ...(base ?? {}), weft: { ...m } };
}

function routedModel(
  core: RouterCore,
  spec: string | undefined,
  defaults: RoutedModelOptions,
  context: CallContext,
): LanguageModelV4 {
  // Resolve eagerly so a typo fails at model creation, not at the first call.
  if (spec !== undefined || defaults.task === undefined) core.resolveRoute(spec, defaults.task);

  const reserve = async (prepared: PreparedCall) => {
    try {
      return await core.ledger.reserve(prepared.context, prepared.estimate.usd);
    } catch (error) {
      if (error instanceof BudgetExceededError) {
        await core.record(prepared, {
          outcome: 'refused',
          streamed: false,
          fallbackChain: [],
          error: error.message,
          latencyMs: 0,
        });
      }
      throw error;
    }
  };

  const settleCost = (model: string, usage: LanguageModelV4Usage | undefined) => {
    const tokens = tokenCounts(usage);
    return { tokens, ...core.cost(model, tokens) };
  };

  return {
    specificationVersion: 'v4',
    provider: 'weft',
    modelId: spec ?? (defaults.task ? `task:${defaults.task}` : (core.options.defaultRoute ?? 'default')),
    supportedUrls: {},

    async doGenerate(call: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
      const prepared = await core.prepare(spec, defaults, context, call);
      const key = prepared.cache ? cacheKey(prepared.route, call) : undefined;
      if (key) {
        const hit = await core.store.getCached(key, core.now()).catch(() => undefined);
        if (hit) {
          const result = deserializeResult(hit);
          const model = (result.providerMetadata?.weft?.model as string | undefined) ?? prepared.route;
          await core.record(prepared, { outcome: 'cache-hit', streamed: false, fallbackChain: [], model });
          return {
            ...result,
            providerMetadata: metadata(result.providerMetadata, {
              callId: prepared.id,
              route: prepared.route,
              model,
              costUsd: 0,
              unpriced: false,
              cached: true,
              fallbacks: [],
            }),
          };
        }
      }
      const reservation = await reserve(prepared);
      let chain: Awaited<ReturnType<typeof core.runChain<LanguageModelV4GenerateResult>>>;
      try {
        chain = await core.runChain(prepared, (model, inner) => Promise.resolve(model.doGenerate(inner)));
      } catch (error) {
        reservation.settle(0);
        const attempts = (error as { attempts?: CallRecord['fallbackChain'] }).attempts ?? [];
        await core.record(prepared, {
          outcome: 'error',
          streamed: false,
          fallbackChain: attempts,
          error: error instanceof Error ? error.message : String(error),
          ...modelOf(error),
        });
        throw error;
      }
      chain.dispose();
      const result = chain.value;
      const { tokens, usd, unpriced } = settleCost(chain.model, result.usage);
      chain.release(tokens.inputTokens + tokens.outputTokens);
      reservation.settle(usd);
      await core.record(prepared, {
        outcome: 'ok',
        streamed: false,
        fallbackChain: chain.attempts,
        model: chain.model,
        ...tokens,
        costUsd: usd,
        unpriced,
      });
      const meta: WeftCallMetadata = {
        callId: prepared.id,
        route: prepared.route,
        model: chain.model,
        costUsd: usd,
        unpriced,
        cached: false,
        fallbacks: fallbacksOf(chain.attempts, chain.model),
      };
      const out = { ...result, providerMetadata: metadata(result.providerMetadata, meta) };
      if (key) {
        const json = serializeResult(out);
        if (json)
          await core.store
            .setCached(key, json, core.now() + (core.options.cache ? core.options.cache.ttlMs : 0))
            .catch(() => {});
      }
      return out;
    },

    async doStream(call: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
      const prepared = await core.prepare(spec, defaults, context, call);
      const key = prepared.cache ? cacheKey(prepared.route, call) : undefined;
      if (key) {
        const hit = await core.store.getCached(key, core.now()).catch(() => undefined);
        if (hit) {
          const result = deserializeResult(hit);
          const model = (result.providerMetadata?.weft?.model as string | undefined) ?? prepared.route;
          await core.record(prepared, { outcome: 'cache-hit', streamed: true, fallbackChain: [], model });
          const meta = metadata(result.providerMetadata, {
            callId: prepared.id,
            route: prepared.route,
            model,
            costUsd: 0,
            unpriced: false,
            cached: true,
            fallbacks: [],
          });
          return { stream: resultToStream({ ...result, providerMetadata: meta }) };
        }
      }
      const reservation = await reserve(prepared);
      let chain: Awaited<ReturnType<typeof core.runChain<Awaited<ReturnType<typeof openUntilFirstToken>>>>>;
      try {
        chain = await core.runChain(prepared, async (model, inner) => openUntilFirstToken(await model.doStream(inner)));
      } catch (error) {
        reservation.settle(0);
        const attempts = (error as { attempts?: CallRecord['fallbackChain'] }).attempts ?? [];
        await core.record(prepared, {
          outcome: 'error',
          streamed: true,
          fallbackChain: attempts,
          error: error instanceof Error ? error.message : String(error),
          ...modelOf(error),
        });
        throw error;
      }
      const fallbacks = fallbacksOf(chain.attempts, chain.model);
      let usage: LanguageModelV4Usage | undefined;
      const collector = key ? new StreamCollector() : undefined;
      const stream = passThrough(chain.value, {
        onPart(part) {
          collector?.add(part);
          if (part.type === 'finish') {
            usage = part.usage;
            const { usd, unpriced } = settleCost(chain.model, part.usage);
            part.providerMetadata = metadata(part.providerMetadata, {
              callId: prepared.id,
              route: prepared.route,
              model: chain.model,
              costUsd: usd,
              unpriced,
              cached: false,
              fallbacks,
            });
          }
        },
        onEnd({ error, canceled }) {
          chain.dispose();
          const { tokens, usd, unpriced } = settleCost(chain.model, usage);
          chain.release(tokens.inputTokens + tokens.outputTokens);
          reservation.settle(usd);
          const outcome = error !== undefined || (canceled && !usage) ? 'error' : 'ok';
          const completed = outcome === 'ok' ? collector?.result() : undefined;
          const json = completed && serializeResult(completed);
          if (key && json) {
            core.store
              .setCached(key, json, core.now() + (core.options.cache ? core.options.cache.ttlMs : 0))
              .catch(() => {});
          }
          void core.record(prepared, {
            outcome,
            streamed: true,
            fallbackChain: chain.attempts,
            model: chain.model,
            ...tokens,
            costUsd: usd,
            unpriced,
            ...(error !== undefined
              ? { error: error instanceof Error ? error.message : String(error) }
              : canceled
                ? { error: 'stream canceled by the consumer' }
                : {}),
          });
        },
      });
      return {
        stream,
        ...(chain.value.result.request ? { request: chain.value.result.request } : {}),
        ...(chain.value.result.response ? { response: chain.value.result.response } : {}),
      };
    },
  };
}

function fallbacksOf(attempts: CallRecord['fallbackChain'], served: string): string[] {
  return [...new Set(attempts.filter((a) => a.model !== served || a.outcome !== 'ok').map((a) => a.model))].filter(
    (m) => m !== served,
  );
}

function modelOf(error: unknown): { model?: string } {
  const m = (error as { model?: unknown }).model;
  if (typeof m === 'string') return { model: m };
  const attempts = (error as { attempts?: { model: string }[] }).attempts;
  const last = attempts?.[attempts.length - 1];
  return last ? { model: last.model } : {};
}

/**
 * Reads the router's metadata from an AI SDK result (`generateText`, `streamText`'s awaited
 * `providerMetadata`, or a step), typed. `undefined` if the result did not come through a router.
 *
 * @example
 * ```ts
 * const result = await generateText({ model: router.model(), prompt });
 * console.log(weftMetadata(result)?.costUsd);
 * ```
 */
export function weftMetadata(
  result: { providerMetadata?: Record<string, unknown> | undefined } | undefined,
): WeftCallMetadata | undefined {
  const m = result?.providerMetadata?.weft as Partial<WeftCallMetadata> | undefined;
  if (!m || typeof m.model !== 'string' || typeof m.callId !== 'string') return undefined;
  return m as WeftCallMetadata;
}
