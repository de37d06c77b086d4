import { describe, expect, it } from 'vitest';
import { NonRetryableError, StepValidationError } from '../errors/errors.js';
import { backoffDelay, shouldRetry } from './retry.js';

describe('retry policy', () => {
  it('exponential backoff doubles, caps at maxDelay, and jitter stays within [d/2, d]', () => {
    const r = { attempts: 10, delay: 100, maxDelay: 1000, jitter: false } as const;
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(r, a))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay({ ...r, backoff: 'fixed' }, 4)).toBe(100);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay({ ...r, jitter: true }, 3);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
  it('never retries non-retryable errors, input validation errors or past the last attempt', () => {
    const r = { attempts: 3 };
    expect(shouldRetry(r, new Error('x'), 1)).toBe(true);
    expect(shouldRetry(r, new Error('x'), 3)).toBe(false);
    expect(shouldRetry(undefined, new Error('x'), 1)).toBe(false);
    expect(shouldRetry(r, new NonRetryableError('no'), 1)).toBe(false);
    expect(shouldRetry(r, new StepValidationError('w', 's', 'input', []), 1)).toBe(false);
    expect(shouldRetry(r, new StepValidationError('w', 's', 'output', []), 1)).toBe(true);
    expect(shouldRetry({ ...r, retryOn: () => false }, new Error('x'), 1)).toBe(false);
  });
});
