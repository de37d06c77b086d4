/** Recording prompts and responses with call records (`createRouter({ recordContent })`, off by default). */
import type { CallRecord } from '../store/usage-store.js';
import type { RecordContentOptions, RecordedContent, RouterEvent } from './options.js';

/** The text parts of a generate result's content. */
export function textOf(content: readonly { type: string; text?: string }[] | undefined): string {
  let out = '';
  for (const p of content ?? []) if (p.type === 'text' && typeof p.text === 'string') out += p.text;
  return out;
}

/**
 * Sets `rec.prompt` and `rec.response` (the answer's text, already on the record) through the
 * redact hook; a hook that returns undefined or throws stores neither.
 */
export function addContent(
  rec: CallRecord,
  prompt: unknown,
  option: true | RecordContentOptions,
  emit: (event: RouterEvent) => void,
): void {
  let content: RecordedContent | undefined = { prompt, response: rec.response ?? '' };
  if (typeof option === 'object' && option.redact) {
    try {
      content = option.redact(structuredClone(content), {
        route: rec.route,
        ...(rec.model ? { model: rec.model } : {}),
        ...(rec.runId ? { runId: rec.runId } : {}),
        ...(rec.stepPath ? { stepPath: rec.stepPath } : {}),
      });
    } catch (error) {
      emit({
        type: 'store-error',
        error: `recordContent.redact threw: ${error instanceof Error ? error.message : String(error)}`,
      });
      content = undefined;
    }
  }
  if (content) {
    rec.prompt = content.prompt;
    rec.response = content.response;
  } else delete rec.response;
}
