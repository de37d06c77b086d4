/**
 * Wake-ups for followers of runs ({@link Store.watchEvents}). libsql: an in-process signal shared
 * by every store open on the same file in this process, fired after each commit that appended
 * events (other processes are seen by the followers' polls). Postgres: see `pg-listen.ts`.
 */
import type { Store } from '../store.js';

/** What the kysely store needs from an event feed. */
export interface EventFeed {
  readonly scope: NonNullable<Store['eventsScope']>;
  /** Called by the store after a commit that appended events of `runId` (no-op where the database notifies). */
  committed(runId: string): void;
  watch(listener: (runId: string) => void): () => void;
  close(): Promise<void>;
}

const channels = new Map<string, Set<(runId: string) => void>>();

/** The in-process feed of one database (`key`: the file path; unique per store for `:memory:`). */
export function localFeed(key: string): EventFeed {
  const listeners = () => {
    let set = channels.get(key);
    if (!set) channels.set(key, (set = new Set()));
    return set;
  };
  return {
    scope: 'process',
    committed(runId) {
      const set = channels.get(key);
      if (!set || set.size === 0) return;
      for (const l of set) {
        try {
          l(runId);
        } catch {
          // A follower's bug must not fail the commit that already happened.
        }
      }
    },
    watch(listener) {
      const set = listeners();
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && channels.get(key) === set) channels.delete(key);
      };
    },
    close: async () => {},
  };
}
