import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets exactly one probe through after the cooldown, and closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 }, () => now);
    expect(b.tryAcquire()).toBe(true);
    expect(b.onFailure()).toBe(false);
    b.onSuccess(); // a success resets the count
    b.onFailure();
    expect(b.onFailure()).toBe(true);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    now = 100;
    expect(b.tryAcquire()).toBe(true); // the probe
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(false); // only one
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, opened: 1 });
  });

  it('reopens when the probe fails, and frees the probe when the caller cancels', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 50 }, () => now);
    b.onFailure();
    now = 60;
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
    expect(b.onFailure()).toBe(true);
    expect(b.snapshot()).toMatchObject({ state: 'open', retryAt: 110, opened: 2 });
  });

  it('rejects a bad threshold', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 }, Date.now)).toThrow(/from 1 and up/);
  });
});
