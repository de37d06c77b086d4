/**
 * Claimed records a store could not fully decode (a corrupt JSON column): the claimer must read the
 * run again (and meet the CorruptRowError) instead of executing from the claimed record.
 */
const partial = new WeakSet<object>();

/** Marks a claimed record as incomplete. */
export function markPartialClaim<T extends object>(run: T): T {
  partial.add(run);
  return run;
}

/** Whether a claimed record was marked incomplete. */
export function isPartialClaim(run: object): boolean {
  return partial.has(run);
}
