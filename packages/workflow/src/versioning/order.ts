/** Ordering of workflow versions: numbers and numeric strings by value, other strings naturally. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Negative when `a` is older than `b`, positive when newer, 0 when equal. Unversioned ranks lowest. */
export function compareVersions(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}
