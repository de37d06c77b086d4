/**
 * Response cache keys and (de)serialization. The key is a SHA-256 of the requested model (route or id),
 * the prompt and every parameter that changes the output; headers and abort signals are excluded.
 */
import { createHash } from 'node:crypto';
import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult } from '@ai-sdk/provider';

/** Opt-in response cache settings. */
export interface CacheOptions {
  /** Time to live of a cached response, in ms. */
  ttlMs: number;
}

export function cacheKey(spec: string, call: LanguageModelV4CallOptions): string {
  const { abortSignal: _a, headers: _h, includeRawChunks: _r, providerOptions, ...params } = call;
  const { weft: _w, ...otherOptions } = providerOptions ?? {};
  const json = JSON.stringify({ spec, params, providerOptions: otherOptions });
  return createHash('sha256').update(json).digest('hex');
}

const CACHEABLE = new Set(['text', 'reasoning', 'tool-call', 'source']);

/** Serialized result, or undefined if it holds parts that do not survive JSON (files). */
export function serializeResult(result: LanguageModelV4GenerateResult): string | undefined {
  if (!result.content.every((c) => CACHEABLE.has(c.type))) return undefined;
  return JSON.stringify({
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    providerMetadata: result.providerMetadata,
    warnings: result.warnings,
    response: result.response
      ? {
          id: result.response.id,
          modelId: result.response.modelId,
          timestamp: result.response.timestamp?.toISOString(),
        }
      : undefined,
  });
}

export function deserializeResult(json: string): LanguageModelV4GenerateResult {
  const v = JSON.parse(json);
  const response = v.response
    ? { ...v.response, timestamp: v.response.timestamp ? new Date(v.response.timestamp) : undefined }
    : undefined;
  return {
    content: v.content,
    finishReason: v.finishReason,
    usage: v.usage,
    providerMetadata: v.providerMetadata,
    warnings: v.warnings ?? [],
    response,
  };
}
