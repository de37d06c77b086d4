/** Ordering of workflow versions: numbers and numeric strings by value, other strings naturally. */
// Made on first use: an Intl.Collator loads ICU collation data (about 3 MiB of RSS).
let collator: Intl.Collator | undefined;

/** Negative when `a` is older than `b`, positive when newer, 0 when equal. Unversioned ranks lowest. */
export function compareVersions(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return collator.compare(String(a), String(b));
}
