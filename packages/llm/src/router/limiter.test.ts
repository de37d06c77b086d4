import { describe, expect, it } from 'vitest';
import { ProviderLimiter } from './limiter.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('ProviderLimiter', () => {
  it('holds calls past requestsPerMinute until the window moves', async () => {
    let now = 0;
    const l = new ProviderLimiter({ requestsPerMinute: 2 }, () => now);
    const r1 = await l.acquire(1);
    await l.acquire(1);
    let third = false;
    const p = l.acquire(1).then((release) => {
      third = true;
      return release;
    });
    await tick();
    expect(third).toBe(false);
    now = 60_001;
    r1(); // any release re-checks the queue
    await p;
    expect(third).toBe(true);
  });

  it('holds calls past tokensPerMinute, counting actual tokens once known', async () => {
    let now = 0;
    const l = new ProviderLimiter({ tokensPerMinute: 100 }, () => now);
    const r1 = await l.acquire(90);
    let second = false;
    const p = l.acquire(50).then(() => {
      second = true;
    });
    await tick();
    expect(second).toBe(false);
    r1(40); // the call used fewer tokens than estimated
    await p;
    expect(second).toBe(true);
    now = 0;
  });

  it('rejects waiting callers whose signal aborts, and bad limits', async () => {
    const l = new ProviderLimiter({ concurrency: 1 }, Date.now);
    await l.acquire(1);
    const ctrl = new AbortController();
    const p = l.acquire(1, ctrl.signal);
    ctrl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(() => new ProviderLimiter({ concurrency: 0 }, Date.now)).toThrow(/from 1 and up/);
  });
});
