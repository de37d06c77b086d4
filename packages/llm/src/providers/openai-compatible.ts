/**
 * OpenAI-compatible endpoints (Ollama, LM Studio, vLLM, llama.cpp server, …) through the official
 * @ai-sdk/openai-compatible provider, with streaming usage reporting on so stream costs are recorded.
 */
import {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
  type OpenAICompatibleProviderSettings,
} from '@ai-sdk/openai-compatible';

/** Settings of {@link openaiCompatible}: those of `createOpenAICompatible`, with `includeUsage` defaulting to true. */
export type OpenAICompatibleSettings = OpenAICompatibleProviderSettings;

/**
 * Creates an OpenAI-compatible provider for the router.
 *
 * @example
 * ```ts
 * const router = createRouter({
 *   providers: { ollama: openaiCompatible({ name: 'ollama', baseURL: 'http://127.0.0.1:11434/v1' }) },
 *   routes: { cheap: ['ollama/llama3.2', 'offline/default'] },
 * });
 * ```
 */
export function openaiCompatible(settings: OpenAICompatibleSettings): OpenAICompatibleProvider {
  return createOpenAICompatible({ includeUsage: true, ...settings });
}
