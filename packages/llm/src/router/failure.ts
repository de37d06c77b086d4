/**
 * Classifies a provider failure as retryable or not, extracts Retry-After, and computes backoff.
 * Retryable: HTTP 408/409/429/5xx, timeouts, dropped or refused connections. Everything else (400,
 * 401, 403, 404, 422, invalid prompts) surfaces at once.
 */
import { APICallError } from '@ai-sdk/provider';

/** How a failure was classified. */
export interface FailureInfo {
  retryable: boolean;
  status?: number;
  /** Delay the provider asked for, in ms. */
  retryAfterMs?: number;
  kind: 'http' | 'timeout' | 'connection' | 'other';
  message: string;
}

const CONNECTION =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|socket hang up|other side closed|terminated|fetch failed|network/i;

/** Marker thrown into an attempt's abort signal when its timeout fires. */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`No response within ${ms} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export function classifyFailure(error: unknown): FailureInfo {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AttemptTimeoutError || (error instanceof Error && error.name === 'TimeoutError')) {
    return { retryable: true, kind: 'timeout', message };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (status !== undefined) {
      // A 2xx whose body broke off mid-way is a dropped connection, which the SDK marks retryable.
      if (status < 300) return { retryable: true, status, kind: 'connection', message };
      const retryable = error.isRetryable || status === 408 || status === 409 || status === 429 || status >= 500;
      return { retryable, status, kind: 'http', message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { retryable: error.isRetryable || CONNECTION.test(chain(error)), kind: 'connection', message };
  }
  if (CONNECTION.test(chain(error))) return { retryable: true, kind: 'connection', message };
  return { retryable: false, kind: 'other', message };
}

function chain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof Error) {
      parts.push(e.name, e.message, String((e as { code?: unknown }).code ?? ''));
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(' ');
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const ms = get('retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** retry);
  return exp / 2 + random() * (exp / 2);
}

/** Sleeps `ms`, rejecting early if `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
