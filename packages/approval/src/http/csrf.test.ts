import { describe, expect, it } from 'vitest';
import { issueCsrfToken, verifyCsrfToken } from './csrf.js';

describe('csrf tokens', () => {
  it('are bound to the actor, the secret and a time window', () => {
    const t = issueCsrfToken('s3cret', 'alice', 1_000_000);
    expect(verifyCsrfToken('s3cret', 'alice', t, 1_000_500)).toBe(true);
    expect(verifyCsrfToken('s3cret', 'bob', t, 1_000_500)).toBe(false);
    expect(verifyCsrfToken('other', 'alice', t, 1_000_500)).toBe(false);
    expect(verifyCsrfToken('s3cret', 'alice', t, 1_000_000 + 13 * 3_600_000)).toBe(false);
    expect(verifyCsrfToken('s3cret', 'alice', `${t}x`, 1_000_500)).toBe(false);
    expect(verifyCsrfToken('s3cret', 'alice', undefined, 1_000_500)).toBe(false);
  });
});
