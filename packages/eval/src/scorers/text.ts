/** Deterministic text scorers: exactMatch, includes, regex, levenshtein, numericCloseness. */
import { asText, type Scorer, stableStringify } from './scorer.js';

/** Options shared by text comparisons. */
export interface TextOptions {
  /** Compare case-insensitively. Default false. */
  ignoreCase?: boolean;
  /** Trim whitespace before comparing. Default true. */
  trim?: boolean;
}

function prepare(text: string, options: TextOptions): string {
  let t = options.trim === false ? text : text.trim();
  if (options.ignoreCase) t = t.toLowerCase();
  return t;
}

/**
 * 1 when the output equals the expected value (strings after trim / case folding, other values by
 * key-sorted JSON), else 0.
 *
 * @example
 * ```ts
 * defineEval({ name: 'capitals', data, task, scorers: [exactMatch({ ignoreCase: true })] });
 * ```
 */
export function exactMatch(options: TextOptions = {}): Scorer {
  return {
    name: 'exactMatch',
    score({ output, expected }) {
      const equal =
        typeof output === 'string' && typeof expected === 'string'
          ? prepare(output, options) === prepare(expected, options)
          : stableStringify(output) === stableStringify(expected);
      return { score: equal ? 1 : 0, rationale: equal ? 'output equals expected' : 'output differs from expected' };
    },
  };
}

/** Options of {@link includes}. */
export interface IncludesOptions extends TextOptions {
  /** Substrings to look for; defaults to the item's `expected` (a string or an array of strings). */
  needles?: string | readonly string[];
}

/**
 * The fraction of needles found in the output (1 when all are present).
 *
 * @example
 * ```ts
 * includes({ needles: ['Paris', 'France'], ignoreCase: true });
 * ```
 */
export function includes(options: IncludesOptions = {}): Scorer {
  return {
    name: 'includes',
    score({ output, expected }) {
      const source = options.needles ?? (expected as string | readonly string[] | undefined) ?? [];
      const needles = (typeof source === 'string' ? [source] : [...source]).map((n) => prepare(String(n), options));
      if (needles.length === 0) return { score: 1, rationale: 'no needles to look for' };
      const haystack = prepare(asText(output), options);
      const missing = needles.filter((n) => !haystack.includes(n));
      return {
        score: (needles.length - missing.length) / needles.length,
        rationale:
          missing.length === 0 ? 'all needles found' : `missing: ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
        metadata: { missing },
      };
    },
  };
}

/**
 * 1 when the output matches the pattern, else 0.
 *
 * @example
 * ```ts
 * regex(/^\d{4}-\d{2}-\d{2}$/);
 * ```
 */
export function regex(pattern: RegExp | string): Scorer {
  const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  return {
    name: 'regex',
    score({ output }) {
      re.lastIndex = 0;
      const ok = re.test(asText(output));
      return { score: ok ? 1 : 0, rationale: ok ? `matches ${re}` : `does not match ${re}` };
    },
  };
}

/** Levenshtein edit distance (insertions, deletions, substitutions of UTF-16 code units). */
export function levenshteinDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let curr = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min((prev[j] as number) + 1, (curr[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length] as number;
}

/**
 * Normalized edit similarity: `1 - distance / max(len(output), len(expected))`.
 *
 * @example
 * ```ts
 * levenshtein(); // "kitten" vs "sitting" → 1 - 3/7
 * ```
 */
export function levenshtein(options: TextOptions = {}): Scorer {
  return {
    name: 'levenshtein',
    score({ output, expected }) {
      const a = prepare(asText(output), options);
      const b = prepare(asText(expected), options);
      const longest = Math.max(a.length, b.length);
      const distance = levenshteinDistance(a, b);
      return {
        score: longest === 0 ? 1 : 1 - distance / longest,
        rationale: `edit distance ${distance} over length ${longest}`,
        metadata: { distance },
      };
    },
  };
}

/** Options of {@link numericCloseness}. */
export interface NumericClosenessOptions {
  /**
   * Absolute difference at which the score reaches 0. Default: `|expected|` (relative error), or 1
   * when expected is 0.
   */
  scale?: number;
}

/**
 * `max(0, 1 - |output - expected| / scale)`; outputs that are not numbers (or numeric strings) score 0.
 *
 * @example
 * ```ts
 * numericCloseness({ scale: 10 }); // 95 vs 100 → 0.5
 * ```
 */
export function numericCloseness(options: NumericClosenessOptions = {}): Scorer {
  return {
    name: 'numericCloseness',
    score({ output, expected }) {
      const o = typeof output === 'number' ? output : Number.parseFloat(String(output));
      const e = typeof expected === 'number' ? expected : Number.parseFloat(String(expected));
      if (!Number.isFinite(o) || !Number.isFinite(e)) {
        return {
          score: 0,
          rationale: `expected two numbers, got output ${asText(output)} and expected ${asText(expected)}`,
        };
      }
      const scale = options.scale ?? (e === 0 ? 1 : Math.abs(e));
      const diff = Math.abs(o - e);
      return {
        score: Math.max(0, 1 - diff / scale),
        rationale: `|${o} - ${e}| = ${diff} (scale ${scale})`,
        metadata: { diff },
      };
    },
  };
}
