/**
 * Run ids: UUIDv7 (RFC 9562), time-ordered. The run id leads the primary key of the run and of
 * every step, event and suspension row, so a new run's rows land at the right edge of each b-tree
 * (pages already in the cache) instead of on a random page of a file that holds months of history.
 * `uuid`'s v7 is monotonic within a process (a counter orders ids of the same millisecond).
 */
import { createRequire } from 'node:module';

// uuid (and the node:crypto it loads, about 3.5 MiB of RSS) loads with the first run id, not at import.
let v7: (() => string) | undefined;

/** A new run id: a time-ordered UUIDv7 string. */
export function newRunId(): string {
  v7 ??= (createRequire(import.meta.url)('uuid') as { v7: () => string }).v7;
  return v7();
}
