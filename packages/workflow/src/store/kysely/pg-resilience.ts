/**
 * Surviving Postgres blips: a server restart, a failover, `pg_terminate_backend`, an idle
 * timeout, a serialization failure.
 *
 * - **No crash.** A pg `Pool` emits `error` when an idle connection dies, and a checked-out pg
 *   `Client` emits `error` when its socket dies; with no listener either one kills the process
 *   (`Unhandled 'error' event`). {@link guardPool} listens on both (the pool forgets the dead
 *   connection by itself and opens a new one on the next checkout).
 * - **Retry what is safe, with backoff.** {@link classifyPgError} sorts a failure into
 *   `not-applied` (the statement certainly did not commit: the connection could not be opened,
 *   the server is starting up, a serialization failure or deadlock the server rolled back) or
 *   `unknown` (the connection dropped while the statement was in flight: it may have committed).
 *   Not-applied failures are retried for every statement; unknown ones only for statements that
 *   are idempotent ({@link isIdempotentStatement}: reads, upserts, deletes, lease renewals). A
 *   non-idempotent statement with an unknown outcome surfaces as a {@link StoreConnectionError}
 *   with `outcome: 'unknown'`, and the store checks whether it applied before writing again
 *   ({@link settle}; see `pg-outcome.ts`): a commit is never applied twice.
 */
import type { PostgresPool } from 'kysely';
import { StoreConnectionError, StoreFullError, StoreReadOnlyError, StoreUnavailableError } from './errors.js';

/** How a failed Postgres call may be retried. */
export type PgFailure = 'not-applied' | 'unknown';

/** Default time budget for retrying one statement across a blip (covers a server restart). */
export const DEFAULT_PG_RETRY_MS = 20_000;

// SQLSTATEs after which the server has rolled the statement back: safe to run again.
const ROLLED_BACK = new Set(['40001', '40P01']);
// The server refused the connection (starting up, shutting down, too many clients).
const REFUSED = new Set(['57P03', '53300', '08001', '08004']);
// The server ended the session (terminate_backend, shutdown, crash, connection failure).
const SESSION_ENDED = new Set(['57P01', '57P02', '57P05', '08000', '08003', '08006', '08007']);
// Node socket errors of a connection that was never established.
const CONNECT_ERRNO = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// Node socket errors of an established connection that died.
const SOCKET_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
const DEAD_CONNECTION =
  /Connection terminated|connection error and is not queryable|Client was closed|timeout exceeded when trying to connect|server closed the connection/i;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether `error` is a transient Postgres failure and what it means for the statement.
 * `sent`: the statement had been handed to a connection (false: the failure came while
 * connecting).
 */
export function classifyPgError(error: unknown, sent: boolean): PgFailure | undefined {
  // Already decided (a COMMIT that died, a write the store settles itself).
  if (error instanceof StoreUnavailableError) return undefined;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : '';
  if (code && ROLLED_BACK.has(code)) return 'not-applied';
  if (code && REFUSED.has(code)) return 'not-applied';
  if (code && CONNECT_ERRNO.has(code)) return 'not-applied';
  // Queued on a client whose socket had already died: never sent.
  if (/not queryable/i.test(message)) return 'not-applied';
  const dead = (code && (SESSION_ENDED.has(code) || SOCKET_ERRNO.has(code))) || DEAD_CONNECTION.test(message);
  if (!dead) return undefined;
  return sent ? 'unknown' : 'not-applied';
}

/** True when the connection that raised `error` must be discarded rather than returned to the pool. */
export function isBrokenConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  // A SQLSTATE error (5 characters) leaves the connection usable, except for the session-ending ones.
  if (code && /^[0-9A-Z]{5}$/.test(code)) return SESSION_ENDED.has(code) || code.startsWith('08');
  return true;
}

/** Postgres failures that are not about the connection, as typed errors (disk full, read-only). */
export function pgUnavailable(error: unknown, where: string | undefined): StoreUnavailableError | undefined {
  const code = codeOf(error);
  const source = { dialect: 'postgres' as const, driverCode: code, where };
  if (code === '53100') return new StoreFullError(source, error);
  if (code === '25006') return new StoreReadOnlyError(source, error);
  return undefined;
}

/** The typed error of a transient failure that retries did not get through. */
export function connectionLost(
  error: unknown,
  outcome: PgFailure,
  retriedMs: number,
  where: string | undefined,
): StoreConnectionError {
  return new StoreConnectionError({ dialect: 'postgres', driverCode: codeOf(error), where }, outcome, retriedMs, error);
}

/**
 * Statements whose repetition changes nothing beyond the first run: reads, upserts, deletes,
 * lease renewals, taking timers (a repeated take only hides other due timers for the timer lease;
 * they come back). Everything else (creating a run, a step commit with its events, a
 * compare-and-set on a run, a claim) is settled by the store when its outcome is unknown.
 */
export function isIdempotentStatement(sql: string): boolean {
  const s = sql.trimStart();
  if (/^SELECT\b/i.test(s)) return true;
  if (/^DELETE\b/i.test(s)) return true;
  if (/^VACUUM\b/i.test(s)) return true;
  if (/^UPDATE weft_runs SET lease_expires_at = \?/.test(s)) return true;
  if (/^UPDATE weft_timers SET taken_until/.test(s)) return true;
  // Upserts of the step, suspension and timer rows (keyed, every column set from the statement).
  if (/^INSERT INTO weft_(steps|suspensions|timers)\b/.test(s) && /ON CONFLICT/i.test(s)) return true;
  return false;
}

/** Backoff before retry `attempt` (0-based): 25 ms doubling to 1 s, with ±50% jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(1000, 25 * 2 ** attempt);
  return base / 2 + Math.random() * base;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a non-idempotent write; when it fails with an unknown outcome, asks `applied` whether it
 * committed after all (resolving to that result) and runs it again only if it did not.
 */
export async function settle<T>(
  write: () => Promise<T>,
  applied: () => Promise<{ value: T } | undefined>,
  maxAttempts = 8,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoreConnectionError) || error.outcome !== 'unknown' || attempt + 1 >= maxAttempts)
        throw error;
      // The check is a read: the backend retries it across the blip itself.
      const done = await applied();
      if (done) return done.value;
    }
  }
}

/** The part of a pg Pool / Client this module listens on. */
interface Emitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'connect', listener: (client: Emitter) => void): unknown;
  listenerCount?(event: string): number;
}

const guarded = new WeakSet<object>();

/**
 * Keeps a dying connection from killing the process: an `error` listener on the pool (idle
 * connections) and on every client it opens (checked-out connections). For a user's pool the
 * pool listener is added only when it has none; the user's own `error` handlers still see every
 * error. `onError` is told about each (for logging).
 */
export function guardPool(pool: PostgresPool, onError: (error: Error) => void = () => {}): void {
  const p = pool as unknown as Emitter;
  if (typeof p.on !== 'function' || guarded.has(p)) return;
  guarded.add(p);
  if ((p.listenerCount?.('error') ?? 0) === 0) p.on('error', onError);
  // At 'connect' the pool's own idle listener is attached, and it is removed at checkout: ours stays.
  p.on('connect', (client) => {
    if (typeof client.on === 'function') client.on('error', onError);
  });
}

/** `host:port/database` of a connection string (no credentials), for error messages. */
export function describePg(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return undefined;
  }
}
