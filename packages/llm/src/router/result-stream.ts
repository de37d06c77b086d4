/** Turns a complete generate result into a stream (used for cache hits replayed to `streamText`). */
import type { LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from '@ai-sdk/provider';

export function resultToStream(result: LanguageModelV4GenerateResult): ReadableStream<LanguageModelV4StreamPart> {
  const parts: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings: result.warnings }];
  if (result.response)
    parts.push({
      type: 'response-metadata',
      id: result.response.id,
      modelId: result.response.modelId,
      timestamp: result.response.timestamp,
    });
  result.content.forEach((c, i) => {
    if (c.type === 'text') {
      const id = `t${i}`;
      parts.push({ type: 'text-start', id });
      for (const piece of c.text.match(/\S+\s*|\s+/g) ?? []) parts.push({ type: 'text-delta', id, delta: piece });
      parts.push({ type: 'text-end', id });
    } else if (c.type === 'reasoning') {
      const id = `r${i}`;
      parts.push({ type: 'reasoning-start', id });
      parts.push({ type: 'reasoning-delta', id, delta: c.text });
      parts.push({ type: 'reasoning-end', id });
    } else if (c.type === 'tool-call') {
      parts.push({ type: 'tool-input-start', id: c.toolCallId, toolName: c.toolName });
      parts.push({ type: 'tool-input-delta', id: c.toolCallId, delta: c.input });
      parts.push({ type: 'tool-input-end', id: c.toolCallId });
      parts.push(c);
    } else {
      parts.push(c as LanguageModelV4StreamPart);
    }
  });
  parts.push({
    type: 'finish',
    usage: result.usage,
    finishReason: result.finishReason,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
  });
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}
