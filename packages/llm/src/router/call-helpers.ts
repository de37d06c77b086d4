/** Small helpers of routed calls: the input-token estimate used by budgets, and abort racing. */
import type { LanguageModelV4Prompt } from '@ai-sdk/provider';

/** A deliberately high estimate: 1 token per 3 characters plus per-message overhead. */
export function estimateInputTokens(prompt: LanguageModelV4Prompt): number {
  let chars = 0;
  let extra = 0;
  for (const m of prompt) {
    extra += 8;
    if (typeof m.content === 'string') chars += m.content.length;
    else
      for (const p of m.content) {
        if (p.type === 'text' || p.type === 'reasoning') chars += p.text.length;
        else if (p.type === 'file') extra += 1500;
        else chars += JSON.stringify(p).length;
      }
  }
  return Math.ceil(chars / 3) + extra;
}

export function raceAbort<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(promise).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
