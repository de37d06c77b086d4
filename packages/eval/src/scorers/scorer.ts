/**
 * The scorer contract: a named function from (input, output, expected) to a score in [0, 1]
 * with a rationale and metadata. Sync or async; returning a bare number is allowed.
 */

/** What a scorer returns once normalized. */
export interface ScoreResult {
  /**
   * Score in [0, 1]; 1 is best. `NaN` when the scorer failed (threw or returned NaN/a non-number):
   * then `error` is set, and summaries and `compare` exclude the score and count it as an error.
   */
  score: number;
  /** Serialized error when the scorer failed; such a score is never averaged in as a 0. */
  error?: Record<string, unknown>;
  /** Human-readable reason for the score. */
  rationale?: string;
  /** Anything else worth keeping (distances, issues, verdicts …). */
  metadata?: Record<string, unknown>;
}

/** What a scorer receives. */
export interface ScorerArgs<I = unknown, O = unknown, E = unknown> {
  input: I;
  output: O;
  expected: E | undefined;
  /** Tags of the data item. */
  tags: readonly string[];
  /** Metadata of the data item. */
  metadata: Record<string, unknown>;
}

/** A scorer: a name and a scoring function. */
export interface Scorer<I = unknown, O = unknown, E = unknown> {
  readonly name: string;
  /**
   * Scores one task output against the item. Called once per item and trial; may return a number or a
   * {@link ScoreResult}, sync or async. Values are clamped into [0, 1]; NaN or a throw records an error.
   */
  score(args: ScorerArgs<I, O, E>): ScoreResult | number | Promise<ScoreResult | number>;
}

/**
 * Defines a custom scorer (sync or async).
 *
 * @example
 * ```ts
 * const short = defineScorer('short', ({ output }) => (String(output).length <= 80 ? 1 : 0));
 * ```
 */
export function defineScorer<I = unknown, O = unknown, E = unknown>(
  name: string,
  score: (args: ScorerArgs<I, O, E>) => ScoreResult | number | Promise<ScoreResult | number>,
): Scorer<I, O, E> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('Expected `name` of defineScorer to be a non-empty string');
  }
  return { name, score };
}

/** Clamps a raw scorer value into a {@link ScoreResult}; NaN and non-numbers become an error. */
export function normalizeScore(name: string, raw: ScoreResult | number): ScoreResult {
  const result = typeof raw === 'number' ? { score: raw } : raw;
  if (typeof result?.score !== 'number' || !Number.isFinite(result.score)) {
    throw new TypeError(
      `Expected scorer "${name}" to return a number in [0, 1] or { score }, but got ${JSON.stringify(raw)}. Return a finite number.`,
    );
  }
  return { ...result, score: Math.min(1, Math.max(0, result.score)) };
}

/**
 * Whether a stored score is usable: present, finite, and not marked as errored. Scores read back
 * from a JSON report hold `null` where the run had NaN.
 */
export function isScored(s: ScoreResult | undefined): s is ScoreResult {
  return (
    s !== undefined && s !== null && s.error === undefined && typeof s.score === 'number' && Number.isFinite(s.score)
  );
}

/** Text form of a value for text scorers: strings as is, everything else as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return stableStringify(value);
}

/** JSON with sorted object keys, so equal values give equal strings. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
