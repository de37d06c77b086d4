/** Retry decisions and backoff delays. */
import { NonRetryableError, StepValidationError } from '../errors/errors.js';
import { toMs } from '../util/duration.js';
import type { RetryOptions } from './types.js';

/** Whether attempt `attempt` (1-based) that threw `error` may be retried under `retry`. */
export function shouldRetry(retry: RetryOptions | undefined, error: unknown, attempt: number): boolean {
  if (!retry || attempt >= retry.attempts) return false;
  if (error instanceof NonRetryableError) return false;
  // A bad input never gets better; a bad output may (think LLM output), so output errors retry.
  if (error instanceof StepValidationError && error.target === 'input') return false;
  return retry.retryOn ? retry.retryOn(error, attempt) : true;
}

/**
 * Delay before retry number `attempt` (1 = first retry): `delay * 2^(attempt-1)` for exponential
 * backoff, capped by `maxDelay`, with "equal jitter" (half fixed, half random) by default.
 */
export function backoffDelay(retry: RetryOptions, attempt: number): number {
  const base = toMs(retry.delay ?? 100);
  const cap = toMs(retry.maxDelay ?? 30_000);
  const raw = retry.backoff === 'fixed' ? base : base * 2 ** (attempt - 1);
  const d = Math.min(raw, cap);
  return retry.jitter === false ? d : d / 2 + Math.random() * (d / 2);
}
