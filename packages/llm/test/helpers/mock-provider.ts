/** A counting mock provider at the LLM-vendor edge: fixed usage, optional latency and failures. */
import type { LanguageModelV4, LanguageModelV4CallOptions } from '@ai-sdk/provider';
import { MockLanguageModelV4 } from 'ai/test';

export interface MockProvider {
  (modelId: string): LanguageModelV4;
  calls: { model: string; options: LanguageModelV4CallOptions }[];
  inFlight: number;
  maxInFlight: number;
}

export function mockProvider(
  options: { latencyMs?: number; inputTokens?: number; outputTokens?: number; text?: (model: string) => string } = {},
): MockProvider {
  const provider = ((modelId: string): LanguageModelV4 =>
    new MockLanguageModelV4({
      provider: 'mock',
      modelId,
      doGenerate: async (call) => {
        provider.calls.push({ model: modelId, options: call });
        provider.inFlight++;
        provider.maxInFlight = Math.max(provider.maxInFlight, provider.inFlight);
        try {
          if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
          const input = options.inputTokens ?? 100;
          const output = options.outputTokens ?? 50;
          return {
            content: [{ type: 'text', text: options.text?.(modelId) ?? `reply from ${modelId}` }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: {
              inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: output, text: output, reasoning: 0 },
            },
            warnings: [],
          };
        } finally {
          provider.inFlight--;
        }
      },
    })) as unknown as MockProvider;
  provider.calls = [];
  provider.inFlight = 0;
  provider.maxInFlight = 0;
  return provider;
}
