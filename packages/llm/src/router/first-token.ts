/**
 * Stream fallback happens before the first token only: `openUntilFirstToken` reads a provider stream
 * until its first content part (or its end). Errors up to that point — an error part, a dropped
 * connection — are thrown, so the router can try the next candidate. After it, the stream is handed
 * on unchanged: once text reached the caller, switching models would garble the output.
 */
import type { LanguageModelV4StreamPart, LanguageModelV4StreamResult } from '@ai-sdk/provider';

const PREAMBLE = new Set(['stream-start', 'response-metadata', 'text-start', 'reasoning-start', 'raw', 'ping']);

/** A stream whose first content part has arrived. */
export interface OpenedStream {
  result: LanguageModelV4StreamResult;
  buffered: LanguageModelV4StreamPart[];
  reader: ReadableStreamDefaultReader<LanguageModelV4StreamPart>;
  done: boolean;
}

export async function openUntilFirstToken(result: LanguageModelV4StreamResult): Promise<OpenedStream> {
  const reader = result.stream.getReader();
  const buffered: LanguageModelV4StreamPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { result, buffered, reader, done: true };
      if (value.type === 'error') throw value.error;
      buffered.push(value);
      if (!PREAMBLE.has(value.type)) return { result, buffered, reader, done: false };
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** Hooks called as the rest of the stream passes through. */
export interface PassThroughHooks {
  onPart(part: LanguageModelV4StreamPart): void;
  /** Called once: at the end, on error, or on cancel. */
  onEnd(outcome: { error?: unknown; canceled?: boolean }): void;
}

/** Re-emits the buffered parts, then the rest of the provider stream, calling the hooks. */
export function passThrough(opened: OpenedStream, hooks: PassThroughHooks): ReadableStream<LanguageModelV4StreamPart> {
  let ended = false;
  const end = (outcome: { error?: unknown; canceled?: boolean }) => {
    if (ended) return;
    ended = true;
    hooks.onEnd(outcome);
  };
  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const p of opened.buffered) {
        hooks.onPart(p);
        controller.enqueue(p);
      }
      if (opened.done) {
        controller.close();
        end({});
      }
    },
    async pull(controller) {
      try {
        const { done, value } = await opened.reader.read();
        if (done) {
          controller.close();
          end({});
          return;
        }
        hooks.onPart(value);
        controller.enqueue(value);
        if (value.type === 'error') end({ error: value.error });
      } catch (error) {
        controller.error(error);
        end({ error });
      }
    },
    async cancel(reason) {
      end({ canceled: true });
      await opened.reader.cancel(reason).catch(() => {});
    },
  });
}
