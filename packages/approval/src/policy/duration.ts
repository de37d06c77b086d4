/** Durations in gate options: milliseconds, or a string like `'90s'`, `'15m'`, `'2h'`, `'1d'`, `'1h30m'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}${string}`;

const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Converts a {@link Duration} to milliseconds.
 *
 * @example
 * parseDuration('1h30m'); // 5_400_000
 */
export function parseDuration(value: Duration | string, where = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new TypeError(`Expected ${where} to be a non-negative number of milliseconds, found ${value}`);
  }
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (UNIT[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== value.length) {
    throw new TypeError(`Expected ${where} like '30s', '15m', '2h', '1d' or '1h30m', found ${JSON.stringify(value)}`);
  }
  return total;
}
