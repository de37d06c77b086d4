/** Public option and context types of `createRouter`. */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { PriceTable } from '../pricing/price-table.js';
import type { UsageStore } from '../store/usage-store.js';
import type { BudgetOptions } from './budget.js';
import type { CacheOptions } from './cache.js';
import type { CooldownOptions } from './circuit-breaker.js';
import type { LearnedRoutingOptions } from './learned.js';
import type { ProviderLimits } from './limiter.js';

/**
 * Anything that turns a model id into an AI SDK language model: an AI SDK provider instance
 * (`openai`, `anthropic`, `createOpenAICompatible(…)`, …) or a plain function.
 */
export type ProviderLike =
  | {
      /** Returns the AI SDK language model for `modelId` (the `model` part of a `provider/model` id). */
      languageModel(modelId: string): LanguageModelV4;
    }
  | ((modelId: string) => LanguageModelV4);

/** Retry and backoff settings, per candidate model. */
export interface RetryOptions {
  /** Retries on the same candidate before falling back to the next (default 1). */
  retries?: number;
  /** First backoff delay in ms (default 250); doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Backoff cap in ms (default 8000). */
  maxDelayMs?: number;
  /** A Retry-After longer than this (ms, default 30 000) moves on to the next candidate instead of waiting. */
  maxRetryAfterMs?: number;
}

/** Who a call is attributed to; set with `router.withContext()` or per call in `providerOptions.weft`. */
export interface CallContext {
  runId?: string;
  /** The step's own id. */
  stepId?: string;
  /** The step's full path in its run (`items[3]/summarize`); set by the engine's step scope. */
  stepPath?: string;
  /** The step attempt that made the call. */
  attempt?: number;
  workflowId?: string;
  /** Task tag: picks a route through `tasks`, keys learned routing, and is stored on the call. */
  task?: string;
}

/**
 * Per-call options, passed as `providerOptions: { weft: { … } }` to `generateText`/`streamText`.
 * They override the model's defaults for that call only.
 */
export interface WeftCallOptions extends CallContext {
  /** Route name or `provider/model` to use instead of the model's own. */
  route?: string;
  /** Enable or disable the response cache for this call. */
  cache?: boolean;
}

/** What {@link RecordContentOptions.redact} sees and returns: the prompt as sent and the answer's text. */
export interface RecordedContent {
  /** The prompt messages as the AI SDK handed them to the model (JSON). */
  prompt: unknown;
  /** The text the model answered (empty for a call that failed or only called tools). */
  response: string;
}

/** Storing prompts and responses with each call record (off unless `createRouter({ recordContent })`). */
export interface RecordContentOptions {
  /**
   * Called before a call's content is stored: return what to store (e.g. with secrets masked),
   * or `undefined` to store none for this call. Should not throw (a throw stores nothing).
   */
  redact?: (
    content: RecordedContent,
    call: { route: string; model?: string; runId?: string; stepPath?: string },
  ) => RecordedContent | undefined;
}

/** Something that happened inside the router, for logs and metrics. */
export type RouterEvent =
  | { type: 'attempt-failed'; model: string; status?: number; error: string; retryable: boolean }
  | { type: 'fallback'; from: string; to: string }
  | { type: 'circuit-opened'; provider: string }
  | { type: 'circuit-closed'; provider: string }
  | { type: 'unpriced-model'; model: string }
  | { type: 'store-error'; error: string };

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** Providers by name; the name is the `provider` part of `provider/model` ids. `offline` is built in. */
  providers: Record<string, ProviderLike>;
  /** Named tiers mapping to ordered candidate lists of `provider/model` ids. */
  routes?: Record<string, readonly string[]>;
  /** Route used when a model is requested without one (default `'default'`). */
  defaultRoute?: string;
  /** Task tag → route name, for `router.task(tag)` and `providerOptions.weft.task`. */
  tasks?: Record<string, string>;
  retry?: RetryOptions;
  /** Per-attempt timeout in ms (default 120 000; raise it for long reasoning calls); for streams, the time to the first token. */
  timeoutMs?: number;
  /** Per-provider circuit breaker, or `false` to disable. */
  cooldown?: CooldownOptions | false;
  /** Limits per provider name. */
  limits?: Record<string, ProviderLimits>;
  /** Price overrides (USD per million tokens), merged over `DEFAULT_PRICES`. */
  prices?: PriceTable;
  /** Where calls are recorded (default: in memory). */
  store?: UsageStore;
  /**
   * Spending limits in USD and in tokens; calls whose estimate does not fit are refused with
   * `BudgetExceededError`, and calls under a dollar budget that could reach an unpriced model with
   * `BudgetUnpricedModelError` (see {@link BudgetOptions.unpricedModels}).
   */
  budgets?: BudgetOptions;
  /**
   * Store each call's prompt and response text with its record (`CallRecord.prompt/response`).
   * Off by default: prompts often hold personal data. `true` stores them as they are; pass
   * `{ redact }` to mask or drop them first.
   */
  recordContent?: boolean | RecordContentOptions;
  /** Opt-in response cache (kept in `store`). */
  cache?: CacheOptions | false;
  /** Learned routing by task tag. */
  learned?: LearnedRoutingOptions;
  /**
   * Called synchronously for every {@link RouterEvent} (failed attempts, fallbacks, circuit changes,
   * unpriced models, store errors), e.g. to forward them to logs or metrics. Should not throw.
   */
  onEvent?: (event: RouterEvent) => void;
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** Random numbers in [0, 1) for jitter and exploration (tests). */
  random?: () => number;
}
