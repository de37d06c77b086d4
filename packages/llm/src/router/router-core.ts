/**
 * The router's shared state (breakers, limiters, budgets, quality cache) and the fallback chain that
 * every routed call runs through. `create-router.ts` wraps it in the public `Router` views.
 */
import { randomUUID } from 'node:crypto';
import type { LanguageModelV4, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import {
  type AttemptInfo,
  InvalidLlmConfigError,
  NoProviderAvailableError,
  ProviderError,
  UnknownProviderError,
  UnknownRouteError,
} from '../errors/errors.js';
import { createOfflineProvider } from '../offline/offline-model.js';
import {
  costOf,
  DEFAULT_PRICES,
  lookupPrice,
  type ModelPrice,
  type PriceTable,
  type TokenCounts,
} from '../pricing/price-table.js';
import type { QualityStat } from '../quality/quality-store.js';
import { type CallRecord, createMemoryUsageStore, type UsageStore } from '../store/usage-store.js';
import { BudgetLedger } from './budget.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { AttemptTimeoutError, backoffDelay, classifyFailure, sleep } from './failure.js';
import { estimateInputTokens, raceAbort } from './call-helpers.js';
import { learnedSettings, orderByQuality, type RoutingExplanation, scoreCandidates, validWindow } from './learned.js';
import { ProviderLimiter } from './limiter.js';
import { currentLlmScope } from '../scope/llm-scope.js';
import { addContent } from './content.js';
import type { CallContext, ProviderLike, RouterEvent, RouterOptions, WeftCallOptions } from './options.js';
import { type CallSpan, endCallSpan, startCallSpan } from '../tracing/call-span.js';

/** What a successful chain returns. */
export interface ChainSuccess<T> {
  value: T;
  model: string;
  attempts: AttemptInfo[];
  /** Frees the provider's limiter slot (streams hold it until they end). */
  release: (actualTokens?: number) => void;
  /** Detaches the attempt's abort link. */
  dispose: () => void;
}

/** One routed call, resolved. */
export interface PreparedCall {
  id: string;
  startedAt: number;
  route: string;
  candidates: string[];
  context: CallContext;
  cache: boolean;
  /** Options passed to the provider models. */
  inner: LanguageModelV4CallOptions;
  estimate: { inputTokens: number; outputTokens: number; usd: number };
  /** The call's OpenTelemetry span, when a tracer provider is registered (ended by `record`). */
  span?: CallSpan;
}

export function splitModelId(id: string): { provider: string; model: string } {
  const i = id.indexOf('/');
  return { provider: id.slice(0, i), model: id.slice(i + 1) };
}

export class RouterCore {
  readonly store: UsageStore;
  readonly options: RouterOptions;
  readonly now: () => number;
  readonly random: () => number;
  readonly ledger: BudgetLedger;
  readonly #providers: Map<string, ProviderLike>;
  readonly #prices: PriceTable;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #limiters = new Map<string, ProviderLimiter>();
  readonly #models = new Map<string, LanguageModelV4>();
  readonly #quality = new Map<string, { at: number; stats: Promise<QualityStat[]> }>();
  readonly #warnedUnpriced = new Set<string>();

  constructor(options: RouterOptions) {
    if (!options || typeof options.providers !== 'object')
      throw new InvalidLlmConfigError(
        'Expected createRouter({ providers: { name: provider } }), got no providers object.',
      );
    this.options = options;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.store = options.store ?? createMemoryUsageStore();
    this.#providers = new Map(Object.entries({ offline: createOfflineProvider(), ...options.providers }));
    this.#prices = { ...DEFAULT_PRICES, ...(options.prices ?? {}) };
    this.ledger = new BudgetLedger(this.store, options.budgets ?? {}, this.now);
    for (const [name, candidates] of Object.entries(options.routes ?? {})) {
      if (!Array.isArray(candidates) || candidates.length === 0)
        throw new InvalidLlmConfigError(`Route "${name}" must list at least one "provider/model" id.`);
      for (const c of candidates) this.#checkModelId(c);
    }
    for (const [task, route] of Object.entries(options.tasks ?? {})) {
      if (!options.routes?.[route] && !route.includes('/'))
        throw new InvalidLlmConfigError(`Task "${task}" maps to unknown route "${route}".`);
    }
    for (const [provider, limits] of Object.entries(options.limits ?? {})) {
      this.#limiters.set(provider, new ProviderLimiter(limits, this.now));
    }
    const window = options.learned?.window;
    if (window !== undefined && !validWindow(window))
      throw new InvalidLlmConfigError(
        `Expected learned.window to be an integer from 1 up or Infinity, got ${window}. It is how many of each model's newest quality records count.`,
      );
    const r = options.retry ?? {};
    if (r.retries !== undefined && !(Number.isInteger(r.retries) && r.retries >= 0))
      throw new InvalidLlmConfigError(`Expected retry.retries to be an integer from 0 up, got ${r.retries}.`);
  }

  #checkModelId(id: string): void {
    const { provider, model } = splitModelId(id);
    if (!provider || !model) throw new InvalidLlmConfigError(`Expected a "provider/model" id, got "${id}".`);
    if (!this.#providers.has(provider)) throw new UnknownProviderError(provider, id, [...this.#providers.keys()]);
  }

  emit(event: RouterEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing listener must not fail the call.
    }
  }

  languageModel(id: string): LanguageModelV4 {
    let m = this.#models.get(id);
    if (!m) {
      this.#checkModelId(id);
      const { provider, model } = splitModelId(id);
      const p = this.#providers.get(provider) as ProviderLike;
      m =
        typeof p === 'function' && !('languageModel' in p)
          ? p(model)
          : (p as { languageModel(id: string): LanguageModelV4 }).languageModel(model);
      this.#models.set(id, m);
    }
    return m;
  }

  breaker(provider: string): CircuitBreaker | undefined {
    if (this.options.cooldown === false) return undefined;
    let b = this.#breakers.get(provider);
    if (!b) this.#breakers.set(provider, (b = new CircuitBreaker(this.options.cooldown ?? {}, this.now)));
    return b;
  }

  health() {
    return Object.fromEntries([...this.#breakers].map(([k, b]) => [k, b.snapshot()]));
  }

  resolveRoute(spec: string | undefined, task: string | undefined): { route: string; candidates: string[] } {
    const name =
      spec ?? (task !== undefined ? this.options.tasks?.[task] : undefined) ?? this.options.defaultRoute ?? 'default';
    const listed = this.options.routes?.[name];
    if (listed) return { route: name, candidates: [...listed] };
    if (name.includes('/')) {
      this.#checkModelId(name);
      return { route: name, candidates: [name] };
    }
    throw new UnknownRouteError(name, Object.keys(this.options.routes ?? {}));
  }

  priceOf(id: string): ModelPrice | undefined {
    const { provider, model } = splitModelId(id);
    return lookupPrice(this.#prices, provider, model);
  }

  /** Cost of `tokens` on `model`, flagging models without a price. */
  cost(model: string, tokens: TokenCounts): { usd: number; unpriced: boolean } {
    const price = this.priceOf(model);
    if (!price) {
      if (!this.#warnedUnpriced.has(model)) {
        this.#warnedUnpriced.add(model);
        this.emit({ type: 'unpriced-model', model });
      }
      return { usd: 0, unpriced: true };
    }
    return { usd: costOf(price, tokens), unpriced: false };
  }

  async #stats(task: string): Promise<QualityStat[]> {
    const learned = this.options.learned as NonNullable<RouterOptions['learned']>;
    const cached = this.#quality.get(task);
    if (cached && this.now() - cached.at < (learned.refreshMs ?? 5000)) return cached.stats;
    const { window } = learnedSettings(learned);
    const stats = learned.quality.read(task, { window }).catch(() => [] as QualityStat[]);
    this.#quality.set(task, { at: this.now(), stats });
    return stats;
  }

  /** Forgets cached quality reads (after new records). */
  invalidateQuality(task: string): void {
    this.#quality.delete(task);
  }

  #price = (m: string): number | undefined => {
    const p = this.priceOf(m);
    return p ? p.input + p.output : undefined;
  };

  async order(candidates: string[], task: string | undefined): Promise<string[]> {
    const learned = this.options.learned;
    if (!learned || task === undefined || candidates.length < 2) return candidates;
    const stats = await this.#stats(task);
    return orderByQuality(candidates, stats, this.#price, { ...learnedSettings(learned), random: this.random });
  }

  /** Why calls tagged `task` get the order they get (see `Router.explain`). */
  async explain(task: string, route?: string): Promise<RoutingExplanation> {
    const resolved = this.resolveRoute(route, task);
    const settings = learnedSettings(this.options.learned);
    const base = { task, route: resolved.route, order: resolved.candidates, candidates: [], settings };
    const learned = this.options.learned;
    if (!learned) return { ...base, basis: 'not-configured' };
    if (resolved.candidates.length < 2) return { ...base, basis: 'single-candidate' };
    const scored = scoreCandidates(resolved.candidates, await this.#stats(task), this.#price, settings);
    if (!scored) return { ...base, basis: 'no-history' };
    return { ...base, basis: 'learned', order: scored.order, candidates: scored.candidates };
  }

  /** Resolves route, context, cache flag, budget-bounded options and the cost estimate of a call. */
  async prepare(
    spec: string | undefined,
    defaults: { task?: string; cache?: boolean },
    context: CallContext,
    call: LanguageModelV4CallOptions,
  ): Promise<PreparedCall> {
    const weft = readWeftOptions(call);
    // The ambient step scope (set by the engine around a step attempt) under explicit context.
    const ctx: CallContext = { ...currentLlmScope(), ...context, ...pick(weft, ['runId', 'stepId', 'workflowId']) };
    const task = weft.task ?? defaults.task ?? context.task;
    if (task !== undefined) ctx.task = task;
    const { route, candidates } = this.resolveRoute(weft.route ?? spec, task);
    const ordered = await this.order(candidates, task);
    const { weft: _drop, ...providerOptions } = call.providerOptions ?? {};
    const inner: LanguageModelV4CallOptions = { ...call, providerOptions };
    const budgetMax = this.options.budgets?.defaultMaxOutputTokens ?? 1024;
    if (this.ledger.active && inner.maxOutputTokens === undefined && budgetMax !== false)
      inner.maxOutputTokens = budgetMax;
    const inputTokens = estimateInputTokens(call.prompt);
    const outputTokens = inner.maxOutputTokens ?? (budgetMax === false ? 1024 : budgetMax);
    let usd = 0;
    for (const c of ordered)
      usd = Math.max(usd, this.cost(c, { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }).usd);
    const cacheEnabled = !!this.options.cache && (weft.cache ?? defaults.cache ?? true);
    return {
      id: randomUUID(),
      startedAt: this.now(),
      route,
      candidates: ordered,
      context: ctx,
      cache: cacheEnabled,
      inner,
      estimate: { inputTokens, outputTokens, usd },
      span: startCallSpan(route, ordered, inner),
    };
  }

  /**
   * Tries candidates in order: retries with backoff on retryable failures, honours Retry-After, skips
   * providers whose circuit is open, and surfaces non-retryable errors at once as `ProviderError`.
   */
  async runChain<T>(
    prepared: PreparedCall,
    attempt: (model: LanguageModelV4, call: LanguageModelV4CallOptions) => Promise<T>,
  ): Promise<ChainSuccess<T>> {
    const r = this.options.retry ?? {};
    const retries = r.retries ?? 1;
    const baseDelay = r.baseDelayMs ?? 250;
    const maxDelay = r.maxDelayMs ?? 8000;
    const maxRetryAfter = r.maxRetryAfterMs ?? 30_000;
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const userSignal = prepared.inner.abortSignal;
    const attempts: AttemptInfo[] = [];
    let lastError: unknown;
    let previous: string | undefined;

    for (const id of prepared.candidates) {
      const { provider } = splitModelId(id);
      const breaker = this.breaker(provider);
      if (breaker && !breaker.tryAcquire()) {
        attempts.push({ model: id, outcome: 'skipped-cooldown', latencyMs: 0 });
        continue;
      }
      if (previous !== undefined) this.emit({ type: 'fallback', from: previous, to: id });
      previous = id;
      const model = this.languageModel(id);
      const limiter = this.#limiters.get(provider);
      for (let retry = 0; ; retry++) {
        let release: (actualTokens?: number) => void = () => {};
        try {
          userSignal?.throwIfAborted();
          if (limiter)
            release = await limiter.acquire(prepared.estimate.inputTokens + prepared.estimate.outputTokens, userSignal);
        } catch (error) {
          breaker?.release(); // a half-open probe that never ran must not block the next one
          throw error;
        }
        const t0 = this.now();
        const ctrl = new AbortController();
        const onUserAbort = () => ctrl.abort(userSignal?.reason);
        userSignal?.addEventListener('abort', onUserAbort, { once: true });
        const dispose = () => userSignal?.removeEventListener('abort', onUserAbort);
        const timer = setTimeout(() => ctrl.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
        try {
          const value = await raceAbort(attempt(model, { ...prepared.inner, abortSignal: ctrl.signal }), ctrl.signal);
          clearTimeout(timer);
          if (breaker && breaker.state !== 'closed') this.emit({ type: 'circuit-closed', provider });
          breaker?.onSuccess();
          attempts.push({ model: id, outcome: 'ok', latencyMs: this.now() - t0 });
          return { value, model: id, attempts, release, dispose };
        } catch (caught) {
          clearTimeout(timer);
          dispose();
          release(0);
          if (userSignal?.aborted) {
            breaker?.release();
            throw caught;
          }
          const error = ctrl.signal.reason instanceof AttemptTimeoutError ? ctrl.signal.reason : caught;
          const info = classifyFailure(error);
          const latencyMs = this.now() - t0;
          this.emit({
            type: 'attempt-failed',
            model: id,
            error: info.message,
            retryable: info.retryable,
            ...(info.status ? { status: info.status } : {}),
          });
          if (!info.retryable) {
            breaker?.onSuccess(); // the provider answered: it is up, the request is wrong
            attempts.push({
              model: id,
              outcome: 'error',
              latencyMs,
              error: info.message,
              ...(info.status ? { status: info.status } : {}),
            });
            throw new ProviderError({
              provider,
              model: id,
              retryable: false,
              cause: error,
              ...(info.status ? { status: info.status } : {}),
            });
          }
          lastError = error;
          attempts.push({
            model: id,
            outcome: info.kind === 'timeout' ? 'timeout' : 'error',
            latencyMs,
            error: info.message,
            ...(info.status ? { status: info.status } : {}),
          });
          if (breaker?.onFailure()) this.emit({ type: 'circuit-opened', provider });
          if (retry >= retries) break;
          if (info.retryAfterMs !== undefined && info.retryAfterMs > maxRetryAfter) break;
          await sleep(info.retryAfterMs ?? backoffDelay(retry, baseDelay, maxDelay, this.random), userSignal);
          if (breaker && !breaker.tryAcquire()) break;
        }
      }
    }
    throw new NoProviderAvailableError({ route: prepared.route, attempts, cause: lastError });
  }

  async record(
    prepared: PreparedCall,
    fields: Partial<CallRecord> & Pick<CallRecord, 'outcome' | 'streamed' | 'fallbackChain'>,
  ): Promise<CallRecord> {
    const rec: CallRecord = {
      id: prepared.id,
      startedAt: prepared.startedAt,
      route: prepared.route,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      unpriced: false,
      latencyMs: this.now() - prepared.startedAt,
      ...pick(prepared.context, ['runId', 'stepId', 'stepPath', 'attempt', 'workflowId', 'task']),
      ...fields,
    };
    endCallSpan(prepared.span, rec);
    if (this.options.recordContent)
      addContent(rec, prepared.inner.prompt, this.options.recordContent, (e) => this.emit(e));
    else delete rec.response;
    try {
      await this.store.recordCall(rec);
    } catch (error) {
      this.emit({ type: 'store-error', error: error instanceof Error ? error.message : String(error) });
    }
    return rec;
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function readWeftOptions(call: LanguageModelV4CallOptions): WeftCallOptions {
  const raw = call.providerOptions?.weft;
  if (!raw) return {};
  const out: WeftCallOptions = {};
  for (const k of ['route', 'task', 'runId', 'stepId', 'workflowId'] as const)
    if (typeof raw[k] === 'string') out[k] = raw[k] as string;
  if (typeof raw.cache === 'boolean') out.cache = raw.cache;
  return out;
}
