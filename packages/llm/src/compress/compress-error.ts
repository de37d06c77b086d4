/**
 * Compresses long error output (stack traces, compiler logs, test reports) into a short hint through a
 * cheap model, so a big failure does not flood the next prompt. The output is first trimmed
 * deterministically (library frames dropped, repeats collapsed, error lines kept), so even the model
 * sees a bounded input; if the model fails or the call is aborted, the most telling trimmed lines are
 * the hint.
 */
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { InvalidLlmConfigError } from '../errors/errors.js';

/** Options of {@link compressError}. */
export interface CompressErrorOptions {
  /** The model that writes the hint, typically `router.model('cheap')`. */
  model: LanguageModelV4;
  /** Longest hint, in characters (default 600; an integer from 1 up, else `InvalidLlmConfigError`). */
  maxChars?: number;
  /** Longest input sent to the model after trimming, in characters (default 4000). */
  maxInputChars?: number;
  /**
   * Cancels the model call. An abort does not throw: the deterministic hint comes back with
   * `source: 'aborted'` (and `modelError` set to the signal's reason).
   */
  abortSignal?: AbortSignal;
}

/** A compressed error. */
export interface ErrorHint {
  /** At most {@link MAX_HINT_LINES} non-empty lines and at most `maxChars` characters. */
  hint: string;
  /**
   * Who wrote `hint`: `model` when the model did; `trimmed` when the deterministic fallback is the
   * hint because the error was already short, the model threw or the model replied with nothing;
   * `aborted` when `abortSignal` fired (before or during the model call) and the fallback is the hint.
   */
  source: 'model' | 'trimmed' | 'aborted';
  /** Length of the original error output. */
  originalChars: number;
  /** What the model call threw (the abort reason when `source` is `aborted`); absent otherwise. */
  modelError?: unknown;
}

/** The most lines a hint has, whoever wrote it. */
export const MAX_HINT_LINES = 3;

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

/** A location like `src/a.ts:42`, `src/a.ts(3,7)` or `/app/x.js:10:3`. */
const LOCATION = /[\w./\\-]+\.\w+(?::\d+|\(\d+,\d+\))/;
const NOTE = /^\s*\((previous line repeated|\d+ stack frames omitted)/;

/**
 * Picks at most {@link MAX_HINT_LINES} lines of `text` that fit in `maxChars` together, most telling
 * first: error lines (with a `file:line` before those without), then lines with a location (own stack
 * frames), then context; the picked lines keep their order in `text`. The first error line is cut
 * (`...`) only when it alone is longer than `maxChars`.
 */
export function pickHintLines(text: string, maxChars: number): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rank = (l: string) => {
    if (NOTE.test(l)) return 4;
    const important = IMPORTANT.test(l) && !FRAME.test(l);
    const located = LOCATION.test(l);
    return important ? (located ? 0 : 1) : located ? 2 : 3;
  };
  const byRank = lines.map((l, i) => ({ l, i, r: rank(l) })).sort((a, b) => a.r - b.r || a.i - b.i);
  const picked: { l: string; i: number }[] = [];
  let used = 0;
  for (const c of byRank) {
    if (picked.length === MAX_HINT_LINES) break;
    const cost = c.l.length + (picked.length > 0 ? 1 : 0);
    if (used + cost <= maxChars) {
      picked.push(c);
      used += cost;
    } else if (picked.length === 0) {
      // The most telling line alone does not fit: keep its start (message and file:line lead).
      return maxChars >= 3 ? `${c.l.slice(0, maxChars - 3)}...` : c.l.slice(0, maxChars);
    }
  }
  return picked
    .sort((a, b) => a.i - b.i)
    .map((p) => p.l)
    .join('\n');
}

/** The model's reply as a hint: its first {@link MAX_HINT_LINES} non-empty lines, capped at `maxChars`. */
function modelHint(text: string, maxChars: number): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, MAX_HINT_LINES)
    .join('\n');
  return lines.length > maxChars ? `${lines.slice(0, Math.max(0, maxChars - 3))}...` : lines;
}

/**
 * Turns a long error into a short hint through a cheap model. Every hint is at most
 * {@link MAX_HINT_LINES} non-empty lines and at most `maxChars` characters, whoever wrote it. An
 * error that already fits (≤ `maxChars`, ≤ 3 lines) is returned as it is, without a model call. When
 * the model throws, replies with nothing or `abortSignal` fires, the hint is picked from the
 * deterministic trim by {@link pickHintLines} (the error line with its `file:line` first, context
 * dropped first), and `source` says which case it was (`trimmed` or `aborted`). Never throws for a
 * model failure or an abort.
 *
 * @example
 * ```ts
 * const { hint } = await compressError(err, { model: router.model('cheap') });
 * await generateText({ model: router.model(), prompt: `Retry the task. Last attempt failed: ${hint}` });
 * ```
 */
export async function compressError(error: unknown, options: CompressErrorOptions): Promise<ErrorHint> {
  const maxChars = options.maxChars ?? 600;
  if (!(Number.isInteger(maxChars) && maxChars >= 1))
    throw new InvalidLlmConfigError(`Expected compressError maxChars to be an integer from 1 up, got ${maxChars}.`);
  const full = errorText(error);
  const originalChars = full.length;
  const lineCount = full.split(/\r?\n/).filter((l) => l.trim() !== '').length;
  if (full.length <= maxChars && lineCount <= MAX_HINT_LINES) return { hint: full, source: 'trimmed', originalChars };
  const trimmed = trimErrorOutput(full, options.maxInputChars ?? 4000);
  // The fallback picks from the whole text (error lines are never lost to the input cap).
  const fallback = () => pickHintLines(trimErrorOutput(full, Number.MAX_SAFE_INTEGER), maxChars);
  const signal = options.abortSignal;
  if (signal?.aborted) return { hint: fallback(), source: 'aborted', originalChars, modelError: signal.reason };
  let modelError: unknown;
  try {
    const { text } = await generateText({
      model: options.model,
      system: SYSTEM,
      prompt: trimmed,
      maxRetries: 0,
      maxOutputTokens: Math.ceil(maxChars / 3),
      ...(signal ? { abortSignal: signal } : {}),
    });
    const hint = modelHint(text, maxChars);
    if (hint) return { hint, source: 'model', originalChars };
  } catch (err) {
    // Fall through to the deterministic hint: a hint must never make things worse.
    modelError = err;
  }
  if (signal?.aborted) return { hint: fallback(), source: 'aborted', originalChars, modelError: signal.reason };
  return { hint: fallback(), source: 'trimmed', originalChars, ...(modelError !== undefined ? { modelError } : {}) };
}
