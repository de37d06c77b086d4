/**
 * A routed model: the `LanguageModelV4` that `router.model()` returns. Each `doGenerate`/`doStream`
 * resolves its route, consults the cache, reserves budget, runs the fallback chain
 * (`RouterCore.runChain`), records the call and reports `providerMetadata.weft`.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { BudgetExceededError, BudgetUnpricedModelError } from '../errors/errors.js';
import { tokenCounts } from '../pricing/price-table.js';
import type { CallRecord } from '../store/usage-store.js';
import { cacheKey, deserializeResult, serializeResult } from './cache.js';
import { openUntilFirstToken, passThrough } from './first-token.js';
import type { CallContext } from './options.js';
import { resultToStream } from './result-stream.js';
import { textOf } from './content.js';
import type { PreparedCall, RouterCore } from './router-core.js';
import { StreamCollector } from './stream-collector.js';
import { noteFinishReason } from '../tracing/call-span.js';

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

function metadata(base: SharedV4ProviderMetadata | undefined, m: WeftCallMetadata): SharedV4ProviderMetadata {
  return { ...(base ?? {}), weft: { ...m } };
}

const NOTHING = { usd: 0, inputTokens: 0, outputTokens: 0 };

export function routedModel(
  core: RouterCore,
  spec: string | undefined,
  defaults: RoutedModelOptions,
  context: CallContext,
): LanguageModelV4 {
  // Resolve eagerly so a typo fails at model creation, not at the first call.
  if (spec !== undefined || defaults.task === undefined) core.resolveRoute(spec, defaults.task);

  const reserve = async (prepared: PreparedCall) => {
    try {
      // A dollar budget cannot see a model without a price: refuse instead of counting it as $0.
      if (core.ledger.refuseUnpriced) {
        const scopes = core.ledger.usdScopes(prepared.context);
        const unpriced = scopes.length ? prepared.candidates.filter((m) => !core.priceOf(m)) : [];
        if (unpriced.length) throw new BudgetUnpricedModelError(unpriced, scopes);
      }
      return await core.ledger.reserve(prepared.context, {
        usd: prepared.estimate.usd,
        inputTokens: prepared.estimate.inputTokens,
        outputTokens: prepared.estimate.outputTokens,
      });
    } catch (error) {
      if (error instanceof BudgetExceededError || error instanceof BudgetUnpricedModelError) {
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
        reservation.settle(NOTHING);
        await recordFailure(core, prepared, error, false);
        throw error;
      }
      chain.dispose();
      const result = chain.value;
      noteFinishReason(prepared.span, result.finishReason);
      const { tokens, usd, unpriced } = settleCost(chain.model, result.usage);
      chain.release(tokens.inputTokens + tokens.outputTokens);
      reservation.settle({ usd, inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens });
      await core.record(prepared, {
        outcome: 'ok',
        streamed: false,
        fallbackChain: chain.attempts,
        model: chain.model,
        ...tokens,
        costUsd: usd,
        unpriced,
        ...finishOf(result.finishReason),
        response: textOf(result.content as { type: string; text?: string }[]),
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
        reservation.settle(NOTHING);
        await recordFailure(core, prepared, error, true);
        throw error;
      }
      const fallbacks = fallbacksOf(chain.attempts, chain.model);
      let usage: LanguageModelV4Usage | undefined;
      let finish: { finishReason?: string } = {};
      let text = '';
      const keepText = !!core.options.recordContent;
      const collector = key ? new StreamCollector() : undefined;
      const stream = passThrough(chain.value, {
        onPart(part) {
          collector?.add(part);
          if (keepText && part.type === 'text-delta') text += part.delta;
          if (part.type === 'finish') {
            usage = part.usage;
            finish = finishOf(part.finishReason);
            noteFinishReason(prepared.span, part.finishReason);
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
          // A stream that ended without a usage report (dropped after its first token) may still
          // have been billed: keep the reserved estimate rather than count it as nothing.
          reservation.settle(
            usage
              ? { usd, inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens }
              : {
                  usd: prepared.estimate.usd,
                  inputTokens: prepared.estimate.inputTokens,
                  outputTokens: prepared.estimate.outputTokens,
                },
          );
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
            ...finish,
            ...(keepText ? { response: text } : {}),
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

function finishOf(reason: { unified?: string } | string | undefined): { finishReason?: string } {
  const r = typeof reason === 'string' ? reason : reason?.unified;
  return r ? { finishReason: r } : {};
}

function fallbacksOf(attempts: CallRecord['fallbackChain'], served: string): string[] {
  return [...new Set(attempts.filter((a) => a.model !== served || a.outcome !== 'ok').map((a) => a.model))].filter(
    (m) => m !== served,
  );
}

/** Records a call whose every candidate failed, with the attempts the error carries. */
function recordFailure(
  core: RouterCore,
  prepared: PreparedCall,
  error: unknown,
  streamed: boolean,
): Promise<CallRecord> {
  return core.record(prepared, {
    outcome: 'error',
    streamed,
    fallbackChain: (error as { attempts?: CallRecord['fallbackChain'] }).attempts ?? [],
    error: error instanceof Error ? error.message : String(error),
    ...modelOf(error),
  });
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
