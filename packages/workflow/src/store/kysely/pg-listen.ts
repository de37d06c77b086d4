/**
 * Postgres event feed: a trigger on `weft_events` (migration `0010_run_handle`) sends
 * `pg_notify('weft_events', '<schema> <runId>')` in the committing transaction, once per run and
 * statement; one connection per store LISTENs. A dropped connection (server restart,
 * `pg_terminate_backend`) is replaced with backoff, and every follower is told to re-read (`'*'`),
 * since notifications sent meanwhile are lost.
 */
import type { PostgresPool } from 'kysely';
import type { EventFeed } from './event-feed.js';
import { backoffMs } from './pg-resilience.js';

/** The channel the trigger notifies on (payload: `<schema> <runId>`). */
export const EVENTS_CHANNEL = 'weft_events';

interface ListenClient {
  query(text: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  on(event: 'notification', listener: (n: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', listener: (error?: Error) => void): unknown;
  removeAllListeners?(event?: string): unknown;
  release(error?: unknown): void;
}

/** A feed over a dedicated pooled connection (taken on the first watcher, kept until close). */
export function pgFeed(pool: () => Promise<PostgresPool>): EventFeed {
  const listeners = new Set<(runId: string) => void>();
  let client: ListenClient | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const tell = (runId: string) => {
    for (const l of listeners) {
      try {
        l(runId);
      } catch {
        // a follower's bug stays its own
      }
    }
  };

  const lost = (c: ListenClient, error?: unknown) => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners?.('notification');
    try {
      c.release(error ?? new Error('LISTEN connection ended'));
    } catch {}
    schedule();
  };

  const schedule = () => {
    if (closed || retry || connecting) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, backoffMs(attempt++));
    retry.unref?.();
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      let c: ListenClient | undefined;
      try {
        c = (await (await pool()).connect()) as unknown as ListenClient;
        const taken = c;
        taken.on('error', (e) => lost(taken, e));
        taken.on('end', () => lost(taken));
        const { rows } = await taken.query('SELECT current_schema() AS s');
        const prefix = `${String(rows[0]?.s ?? 'public')} `;
        taken.on('notification', (n) => {
          if (n.channel === EVENTS_CHANNEL && n.payload?.startsWith(prefix)) tell(n.payload.slice(prefix.length));
        });
        await taken.query(`LISTEN ${EVENTS_CHANNEL}`);
        if (closed) {
          taken.release();
          return;
        }
        client = taken;
        attempt = 0;
        // Listening from now on: whatever committed before is found by re-reading.
        tell('*');
      } catch (error) {
        if (c) {
          try {
            c.release(error);
          } catch {}
        }
        connecting = undefined;
        schedule();
        return;
      }
      connecting = undefined;
    })();
    return connecting;
  };

  return {
    scope: 'database',
    committed() {},
    watch(listener) {
      listeners.add(listener);
      if (!client && !connecting && !retry && !closed) void connect();
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await connecting;
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners?.('notification');
        await c.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined);
        c.release();
      }
    },
  };
}
