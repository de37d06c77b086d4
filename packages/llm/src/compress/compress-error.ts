/**
 * Compresses long error output (stack traces, compiler logs, test reports) into a short hint through a
 * cheap model, so a big failure does not flood the next prompt. The output is first trimmed
 * deterministically (library frames dropped, repeats collapsed, error lines kept), so even the model
 * sees a bounded input; if the model fails, the trimmed text itself is the hint.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText } from 'ai';

/** Options of {@link compressError}. */
export interface CompressErrorOptions {
  /** The model that writes the hint, typically `router.model('cheap')`. */
  model: LanguageModelV4;
  /** Longest hint, in characters (default 600). */
  maxChars?: number;
  /** Longest input sent to the model after trimming, in characters (default 4000). */
  maxInputChars?: number;
  abortSignal?: AbortSignal;
}

/** A compressed error. */
export interface ErrorHint {
  hint: string;
  /** `model` when the model wrote it, `trimmed` when the deterministic trim is the hint. */
  source: 'model' | 'trimmed';
  /** Length of the original error output. */
  originalChars: number;
}

const IMPORTANT =
  /error|exception|failed|failure|expected|received|cannot|undefined|null|denied|TS\d{3,5}|✗|×|FAIL|panic|assert/i;
const LIBRARY_FRAME = /^\s*at .*(node_modules|node:internal|internal\/|<anonymous>\)?$)/;
const FRAME = /^\s*at\s/;

/** The text of an error: its stack (which starts with the message) and causes, or the string itself. */
export function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) {
    let text = error.stack ?? `${error.name}: ${error.message}`;
    if (!text.includes(error.message)) text = `${error.name}: ${error.message}\n${text}`;
    if (error.cause !== undefined) text += `\nCaused by: ${errorText(error.cause)}`;
    return text;
  }
  try {
    return JSON.stringify(error, null, 2) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Deterministic trim: keeps error lines and the first own stack frames, collapses repeats. */
export function trimErrorOutput(text: string, maxChars = 4000): string {
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  let ownFrames = 0;
  let skippedFrames = 0;
  let previous = '';
  let repeats = 0;
  const flushRepeats = () => {
    if (repeats > 0) kept.push(`  (previous line repeated ${repeats} more times)`);
    repeats = 0;
  };
  for (const raw of lines) {
    const line = raw.length > 300 ? `${raw.slice(0, 297)}...` : raw;
    if (line.trim() === '') continue;
    if (line === previous) {
      repeats++;
      continue;
    }
    flushRepeats();
    previous = line;
    if (FRAME.test(line)) {
      if (LIBRARY_FRAME.test(line) || ownFrames >= 3) {
        skippedFrames++;
        continue;
      }
      ownFrames++;
      kept.push(line);
      continue;
    }
    if (kept.length < 3 || IMPORTANT.test(line)) kept.push(line);
  }
  flushRepeats();
  if (skippedFrames) kept.push(`  (${skippedFrames} stack frames omitted)`);
  let out = kept.join('\n');
  if (out.length > maxChars) out = `${out.slice(0, maxChars - 15)}\n... (truncated)`;
  return out;
}

const SYSTEM =
  'You compress error output into a short hint for the next step of an automated workflow. ' +
  'Reply in at most 3 short lines: what failed, where (file:line if known), and the most likely fix. ' +
  'Do not repeat stack traces or logs.';

/**
 * Turns a long error into a short hint through a cheap model.
 *
 * @example
 * ```ts
 * const { hint } = await compressError(err, { model: router.model('cheap') });
 * await generateText({ model: router.model(), prompt: `Retry the task. Last attempt failed: ${hint}` });
 * ```
 */
export async function compressError(error: unknown, options: CompressErrorOptions): Promise<ErrorHint> {
  const maxChars = options.maxChars ?? 600;
  const full = errorText(error);
  const trimmed = trimErrorOutput(full, options.maxInputChars ?? 4000);
  const cap = (s: string) => (s.length > maxChars ? `${s.slice(0, maxChars - 3)}...` : s);
  if (full.length <= maxChars) return { hint: full, source: 'trimmed', originalChars: full.length };
  try {
    const { text } = await generateText({
      model: options.model,
      system: SYSTEM,
      prompt: trimmed,
      maxRetries: 0,
      maxOutputTokens: Math.ceil(maxChars / 3),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    const hint = text.trim();
    if (hint) return { hint: cap(hint), source: 'model', originalChars: full.length };
  } catch {
    // Fall through to the deterministic trim: a hint must never make things worse.
  }
  return { hint: cap(trimmed), source: 'trimmed', originalChars: full.length };
}
