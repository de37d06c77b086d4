import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, backoffDelay, classifyFailure, parseRetryAfter } from './failure.js';

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}, isRetryable?: boolean) =>
  new APICallError({
    message: 'x',
    url: 'http://h',
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    ...(isRetryable === undefined ? {} : { isRetryable }),
  });

describe('classifyFailure', () => {
  it('retries 408, 409, 429, 5xx, timeouts and dropped connections; not 4xx', () => {
    for (const s of [408, 409, 429, 500, 502, 503, 504]) expect(classifyFailure(apiError(s)).retryable).toBe(true);
    for (const s of [400, 401, 403, 404, 422]) expect(classifyFailure(apiError(s)).retryable).toBe(false);
    expect(classifyFailure(new AttemptTimeoutError(10))).toMatchObject({ retryable: true, kind: 'timeout' });
    expect(classifyFailure(apiError(undefined, {}, true))).toMatchObject({ retryable: true, kind: 'connection' });
    expect(
      classifyFailure(
        new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }),
      ).retryable,
    ).toBe(true);
    expect(classifyFailure(new Error('Invalid prompt')).retryable).toBe(false);
    expect(classifyFailure(apiError(429, { 'retry-after': '2' })).retryAfterMs).toBe(2000);
  });
});

describe('parseRetryAfter', () => {
  it('reads milliseconds, seconds and HTTP dates', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '150' })).toBe(150);
    expect(parseRetryAfter({ 'Retry-After': '3' })).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 4000)).toBe(6000);
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and is capped', () => {
    expect(backoffDelay(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(600);
    expect(backoffDelay(20, 100, 1000, () => 1)).toBe(1000);
  });
});
