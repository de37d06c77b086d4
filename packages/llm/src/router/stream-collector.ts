/** Rebuilds a generate result from stream parts, so a completed stream can fill the response cache. */
import type {
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
} from '@ai-sdk/provider';

export class StreamCollector {
  readonly #order: (string | LanguageModelV4Content)[] = [];
  readonly #blocks = new Map<string, { type: 'text' | 'reasoning'; text: string }>();
  #finish: Extract<LanguageModelV4StreamPart, { type: 'finish' }> | undefined;
  #unsupported = false;

  add(part: LanguageModelV4StreamPart): void {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start': {
        const key = `${part.type}:${part.id}`;
        this.#blocks.set(key, { type: part.type === 'text-start' ? 'text' : 'reasoning', text: '' });
        this.#order.push(key);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const block = this.#blocks.get(`${part.type === 'text-delta' ? 'text-start' : 'reasoning-start'}:${part.id}`);
        if (block) block.text += part.delta;
        else this.#unsupported = true;
        break;
      }
      case 'tool-call':
      case 'source':
        this.#order.push(part);
        break;
      case 'finish':
        this.#finish = part;
        break;
      case 'file':
      case 'reasoning-file':
      case 'tool-result':
      case 'tool-approval-request':
      case 'custom':
      case 'error':
        this.#unsupported = true;
        break;
      default:
        break;
    }
  }

  /** The equivalent generate result, or undefined if the stream did not finish or held uncacheable parts. */
  result(): LanguageModelV4GenerateResult | undefined {
    if (!this.#finish || this.#unsupported) return undefined;
    const content = this.#order.map((e) => {
      if (typeof e !== 'string') return e;
      const b = this.#blocks.get(e) as { type: 'text' | 'reasoning'; text: string };
      return { type: b.type, text: b.text } as LanguageModelV4Content;
    });
    return {
      content,
      finishReason: this.#finish.finishReason,
      usage: this.#finish.usage,
      ...(this.#finish.providerMetadata ? { providerMetadata: this.#finish.providerMetadata } : {}),
      warnings: [],
    };
  }
}
