/**
 * @weft/llm — provider routing on the Vercel AI SDK: fallbacks, retries, cooldowns, limits, budgets,
 * cost records, a response cache, learned routing and a deterministic offline model.
 */
export { createRouter } from './router/create-router.js';
export type { OutcomeInput, Router } from './router/create-router.js';
export { weftMetadata } from './router/routed-model.js';
export type { RoutedModelOptions, WeftCallMetadata } from './router/routed-model.js';
export type {
  CallContext,
  ProviderLike,
  RecordContentOptions,
  RecordedContent,
  RetryOptions,
  RouterEvent,
  RouterOptions,
  WeftCallOptions,
} from './router/options.js';
export type { BudgetOptions, TokenLimits } from './router/budget.js';
export type { CacheOptions } from './router/cache.js';
export type { CircuitState, CooldownOptions, ProviderHealth } from './router/circuit-breaker.js';
export type { ProviderLimits } from './router/limiter.js';
export type {
  CandidateExplanation,
  LearnedRoutingOptions,
  RoutingExplanation,
} from './router/learned.js';
export { DEFAULT_QUALITY_WINDOW } from './router/learned.js';

export {
  BudgetExceededError,
  BudgetUnpricedModelError,
  InvalidLlmConfigError,
  NoProviderAvailableError,
  ProviderError,
  UnknownProviderError,
  UnknownRouteError,
  WeftLlmError,
} from './errors/errors.js';
export type { AttemptInfo, BudgetScope, BudgetUnit, LlmErrorCode } from './errors/errors.js';

export { costOf, DEFAULT_PRICES, DEFAULT_PRICES_AS_OF, lookupPrice, tokenCounts } from './pricing/price-table.js';
export type { ModelPrice, PriceTable, TokenCounts } from './pricing/price-table.js';

export { createMemoryUsageStore, summarizeCalls } from './store/usage-store.js';
export { runUsage, summarizeBySteps } from './store/step-usage.js';
export type { RunUsage, StepUsage } from './store/step-usage.js';
export { currentLlmScope, STEP_SCOPE_KEY, withLlmScope } from './scope/llm-scope.js';
export type { LlmScope } from './scope/llm-scope.js';
export type { CallOutcome, CallRecord, UsageQuery, UsageStore, UsageSummary } from './store/usage-store.js';
export { createKyselyQualityStore, createKyselyUsageStore, migrateLlmTables } from './store/kysely-usage-store.js';
export type { KyselyStoreOptions, SqlDialectName } from './store/kysely-usage-store.js';

export { createMemoryQualityStore } from './quality/quality-store.js';
export type { QualityReadOptions, QualityRecord, QualityStat, QualityStore } from './quality/quality-store.js';

export { createOfflineModel, createOfflineProvider, OFFLINE_LABEL } from './offline/offline-model.js';
export type { OfflineModelOptions, OfflineProvider } from './offline/offline-model.js';

export { compressError, errorText, MAX_HINT_LINES, pickHintLines, trimErrorOutput } from './compress/compress-error.js';
export type { CompressErrorOptions, ErrorHint } from './compress/compress-error.js';

export { openaiCompatible } from './providers/openai-compatible.js';
export type { OpenAICompatibleSettings } from './providers/openai-compatible.js';

// Tracing (OpenTelemetry, when a tracer provider is registered)
export { LLM_SPAN_ATTRIBUTES } from './tracing/call-span.js';
