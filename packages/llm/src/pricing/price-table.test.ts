import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_PRICES, lookupPrice, tokenCounts } from './price-table.js';

describe('price table', () => {
  it('looks up provider/model, provider/* and bare model ids', () => {
    expect(lookupPrice(DEFAULT_PRICES, 'openai', 'gpt-4o-mini')).toEqual({
      input: 0.15,
      output: 0.6,
      cacheRead: 0.075,
    });
    expect(lookupPrice(DEFAULT_PRICES, 'offline', 'anything')).toEqual({ input: 0, output: 0 });
    expect(lookupPrice({ 'gpt-4o-mini': { input: 1, output: 2 } }, 'my-openai', 'gpt-4o-mini')).toEqual({
      input: 1,
      output: 2,
    });
    expect(lookupPrice(DEFAULT_PRICES, 'acme', 'secret-model')).toBeUndefined();
  });

  it('prices fresh input, cache reads and writes, and output separately', () => {
    const tokens = tokenCounts({
      inputTokens: { total: 1_000_000, noCache: 600_000, cacheRead: 300_000, cacheWrite: 100_000 },
      outputTokens: { total: 500_000, text: 400_000, reasoning: 100_000 },
    });
    expect(tokens).toEqual({
      inputTokens: 1_000_000,
      outputTokens: 500_000,
      cacheReadTokens: 300_000,
      cacheWriteTokens: 100_000,
    });
    // 0.6 × 3 + 0.3 × 0.3 + 0.1 × 3.75 + 0.5 × 15
    expect(costOf({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, tokens)).toBeCloseTo(
      1.8 + 0.09 + 0.375 + 7.5,
      10,
    );
    expect(costOf({ input: 2, output: 4 }, tokens)).toBeCloseTo(2 + 2, 10);
  });

  it('reads missing and flat (v2) usage', () => {
    expect(tokenCounts(undefined)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
    expect(tokenCounts({ inputTokens: 7, outputTokens: 3 } as never)).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });
});
