/**
 * Prices per million tokens and the cost of one call. The shipped defaults are public list prices
 * (USD, standard tier, no batch discount) as of {@link DEFAULT_PRICES_AS_OF}; vendors change them,
 * so users override entries through `createRouter({ prices })`. Unknown models are not guessed:
 * their cost is 0 and the call is flagged `unpriced`.
 */
import type { LanguageModelV4Usage } from '@ai-sdk/provider';

/** USD per one million tokens. */
export interface ModelPrice {
  /** Input (prompt) tokens not read from a cache. */
  input: number;
  /** Output tokens (text and reasoning). */
  output: number;
  /** Input tokens read from the provider's prompt cache; defaults to `input`. */
  cacheRead?: number;
  /** Input tokens written to the provider's prompt cache; defaults to `input`. */
  cacheWrite?: number;
}

/**
 * Keys are `provider/model`, `provider/*` (every model of a provider), or a bare model id (matches that
 * model under any provider name, e.g. a user who names their OpenAI provider `oai`).
 */
export type PriceTable = Record<string, ModelPrice>;

/** The date the shipped default prices were taken from the vendors' price pages. */
export const DEFAULT_PRICES_AS_OF = '2025-06-30';

/**
 * Shipped default prices (USD per million tokens) as of {@link DEFAULT_PRICES_AS_OF}. Check your
 * vendor's page and override in `createRouter({ prices })` if they differ.
 */
export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  'offline/*': { input: 0, output: 0 },
  'openai/gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  'openai/gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'openai/gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'openai/gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'openai/o3': { input: 2, output: 8, cacheRead: 0.5 },
  'openai/o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  'anthropic/claude-opus-4-0': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'anthropic/claude-sonnet-4-0': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-3-7-sonnet-latest': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'anthropic/claude-3-5-haiku-latest': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'google/gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 },
  'google/gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'google/gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'groq/llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'groq/llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'mistral/mistral-large-latest': { input: 2, output: 6 },
  'mistral/mistral-small-latest': { input: 0.1, output: 0.3 },
});

/** Finds the price of `provider/model` in `table`; `undefined` when unknown. */
export function lookupPrice(table: PriceTable, provider: string, modelId: string): ModelPrice | undefined {
  return table[`${provider}/${modelId}`] ?? table[`${provider}/*`] ?? table[modelId];
}

/** Token counts of one call, flattened from the AI SDK's nested usage. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Flattens `LanguageModelV4Usage` (missing numbers count as 0). */
export function tokenCounts(usage: LanguageModelV4Usage | undefined): TokenCounts {
  // Older (v2) models report flat numbers; accept them too rather than counting 0.
  const flat = usage as unknown as
    | { inputTokens?: unknown; outputTokens?: unknown; cachedInputTokens?: unknown }
    | undefined;
  if (typeof flat?.inputTokens === 'number' || typeof flat?.outputTokens === 'number') {
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    return {
      inputTokens: n(flat.inputTokens),
      outputTokens: n(flat.outputTokens),
      cacheReadTokens: n(flat.cachedInputTokens),
      cacheWriteTokens: 0,
    };
  }
  const input = usage?.inputTokens;
  const output = usage?.outputTokens;
  return {
    inputTokens: input?.total ?? 0,
    outputTokens: output?.total ?? 0,
    cacheReadTokens: input?.cacheRead ?? 0,
    cacheWriteTokens: input?.cacheWrite ?? 0,
  };
}

/** Cost in USD of `tokens` at `price`. */
export function costOf(price: ModelPrice, tokens: TokenCounts): number {
  const cached = tokens.cacheReadTokens + tokens.cacheWriteTokens;
  const fresh = Math.max(0, tokens.inputTokens - cached);
  const usd =
    fresh * price.input +
    tokens.cacheReadTokens * (price.cacheRead ?? price.input) +
    tokens.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    tokens.outputTokens * price.output;
  return usd / 1_000_000;
}
