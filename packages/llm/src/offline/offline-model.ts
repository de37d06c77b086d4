/**
 * The offline model: a deterministic local implementation of the AI SDK `LanguageModelV4` interface.
 * It is NOT an LLM. It lets demos, examples and tests run with no key and no network. Every output is
 * labelled: text starts with {@link OFFLINE_LABEL}, and every result carries
 * `providerMetadata.offline.notAnLlm === true` (structured output cannot carry a text prefix without
 * breaking the schema, so the metadata flag is the label there).
 */
import type {
  JSONSchema7,
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FunctionTool,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
} from '@ai-sdk/provider';
import { resultToStream } from '../router/result-stream.js';
import { sampleJsonSchema } from './json-schema-sample.js';

/** Prefix of every text the offline model writes. */
export const OFFLINE_LABEL = '[offline model — not an LLM]';

/** Options of {@link createOfflineModel}. */
export interface OfflineModelOptions {
  /** Artificial latency per call in ms (default 0). */
  latencyMs?: number;
}

/** A provider-shaped object whose `languageModel(id)` returns offline models. */
export interface OfflineProvider {
  readonly specificationVersion: 'v4';
  /** Returns a deterministic offline model for `modelId`; it never calls the network. */
  languageModel(modelId: string): LanguageModelV4;
}

/**
 * Creates an offline model. Deterministic: the same prompt and options always give the same output.
 *
 * - Text: `"[offline model — not an LLM] …"` quoting the last user message (or the last tool result).
 * - Structured output (`Output.object({ schema })`): an object that satisfies the JSON schema; arrays of
 *   objects with an `id` become a task list, one item per clause of the last user message
 *   (2–5 items, ids `t1…tn`, `dependsOn` naming the previous id).
 * - Tools: calls a tool when `toolChoice` requires it, or (with `auto`) when the last user message names
 *   the tool, with input generated from the tool's schema.
 *
 * @example
 * ```ts
 * const { text } = await generateText({ model: createOfflineModel(), prompt: 'Hello' });
 * // text === '[offline model — not an LLM] Received: "Hello"'
 * ```
 */
export function createOfflineModel(modelId = 'default', options: OfflineModelOptions = {}): LanguageModelV4 {
  const latency = options.latencyMs ?? 0;
  const wait = async (signal: AbortSignal | undefined) => {
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    signal?.throwIfAborted();
  };
  return {
    specificationVersion: 'v4',
    provider: 'offline',
    modelId,
    supportedUrls: {},
    async doGenerate(call) {
      await wait(call.abortSignal);
      return respond(modelId, call);
    },
    async doStream(call) {
      await wait(call.abortSignal);
      const result = respond(modelId, call);
      return { stream: resultToStream(result) };
    },
  };
}

/**
 * The `offline` provider. The router registers it automatically, so `'offline/anything'` works as a
 * model id with no configuration.
 */
export function createOfflineProvider(options: OfflineModelOptions = {}): OfflineProvider {
  return { specificationVersion: 'v4', languageModel: (id) => createOfflineModel(id, options) };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function rng(seed: number): () => number {
  let a = seed || 1;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function promptText(prompt: LanguageModelV4Prompt): string {
  return prompt
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : m.content
            .map((p) =>
              'text' in p && typeof p.text === 'string' ? p.text : 'output' in p ? JSON.stringify(p.output) : '',
            )
            .join(' '),
    )
    .join('\n');
}

function lastUserText(prompt: LanguageModelV4Prompt): string {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i];
    if (m?.role === 'user')
      return m.content
        .map((p) => (p.type === 'text' ? p.text : ''))
        .join(' ')
        .trim();
  }
  return '';
}

/** Splits a request into clauses: list items, lines, sentences, then "and"/"then"/commas. */
export function clausesOf(text: string): string[] {
  const clean = (s: string) =>
    s
      .replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[.;:!?]+$/, '');
  const usable = (xs: string[]) => xs.map(clean).filter((s) => s.length > 2);
  let parts = usable(text.split(/\n+|(?<=[.;!?])\s+/));
  if (parts.length < 2) parts = usable(text.split(/,\s*|\s+(?:and then|then|and)\s+/i));
  return parts
    .slice(0, 8)
    .map((s) => (s.length > 80 ? `${s.slice(0, 77).trimEnd()}...` : s))
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1));
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function chooseTool(call: LanguageModelV4CallOptions): LanguageModelV4FunctionTool | undefined {
  const tools = (call.tools ?? []).filter((t): t is LanguageModelV4FunctionTool => t.type === 'function');
  if (tools.length === 0) return undefined;
  const choice = call.toolChoice ?? { type: 'auto' };
  if (choice.type === 'none') return undefined;
  const last = call.prompt[call.prompt.length - 1];
  const answered = last?.role === 'tool';
  if (choice.type === 'tool') return tools.find((t) => t.name === choice.toolName);
  if (choice.type === 'required') return tools[0];
  if (answered) return undefined;
  const user = lastUserText(call.prompt).toLowerCase();
  return tools.find((t) => user.includes(t.name.toLowerCase()));
}

function respond(modelId: string, call: LanguageModelV4CallOptions): LanguageModelV4GenerateResult {
  const all = promptText(call.prompt);
  const seed = hash(`${modelId}\n${all}\n${JSON.stringify(call.responseFormat ?? null)}\n${call.seed ?? ''}`);
  const user = lastUserText(call.prompt);
  const source = { clauses: clausesOf(user), rand: rng(seed) };
  const content: LanguageModelV4Content[] = [];
  let finish: 'stop' | 'tool-calls' = 'stop';
  const tool = chooseTool(call);
  if (tool) {
    content.push({
      type: 'tool-call',
      toolCallId: `offline-${seed.toString(36)}`,
      toolName: tool.name,
      input: JSON.stringify(sampleJsonSchema(tool.inputSchema, source)),
    });
    finish = 'tool-calls';
  } else if (call.responseFormat?.type === 'json') {
    const schema: JSONSchema7 | undefined = call.responseFormat.schema;
    const value = schema ? sampleJsonSchema(schema, source) : { note: OFFLINE_LABEL, request: user };
    content.push({ type: 'text', text: JSON.stringify(value) });
  } else {
    const last = call.prompt[call.prompt.length - 1];
    let reply: string;
    if (last?.role === 'tool') {
      const r = last.content.find((p) => p.type === 'tool-result');
      reply = r ? `Tool ${r.toolName} returned: ${truncate(JSON.stringify(r.output), 200)}` : 'Received tool output.';
    } else {
      reply = `Received: "${truncate(user, 200)}"`;
    }
    let text = `${OFFLINE_LABEL} ${reply}`;
    if (call.maxOutputTokens !== undefined)
      text = text.slice(0, Math.max(OFFLINE_LABEL.length, call.maxOutputTokens * 4));
    content.push({ type: 'text', text });
  }
  const outText = content.map((c) => (c.type === 'text' ? c.text : c.type === 'tool-call' ? c.input : '')).join('');
  const input = tokens(all);
  const output = tokens(outText);
  return {
    content,
    finishReason: { unified: finish, raw: finish },
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: output, text: output, reasoning: 0 },
    },
    providerMetadata: { offline: { notAnLlm: true, label: OFFLINE_LABEL } },
    response: { id: `offline-${seed.toString(36)}`, modelId, timestamp: new Date(0) },
    warnings: [],
  };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
