/** Durations as numbers of ms or short strings (`'250ms'`, `'30s'`, `'5m'`, `'2h'`, `'1d'`). */

/** A duration: milliseconds, or a string such as `'30s'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a {@link Duration} into milliseconds; throws a TypeError saying what is accepted. */
export function toMs(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new TypeError(`Expected a duration in ms >= 0, got ${d}`);
    return d;
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new TypeError(`Expected a duration like 250ms, 30s, 5m, 2h or 1d, got "${d}"`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}
