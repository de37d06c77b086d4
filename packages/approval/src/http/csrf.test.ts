import { describe, expect, it } from 'vitest';
import { createCsrfTokens, issueCsrfToken, verifyCsrfToken } from './csrf.js';

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

  it('are bound to their purpose, and the purpose is checked', () => {
    const studio = createCsrfTokens('studio-csrf');
    const t = studio.issue('s3cret', 'alice', 1_000_000);
    expect(studio.verify('s3cret', 'alice', t, 1_000_500)).toBe(true);
    expect(verifyCsrfToken('s3cret', 'alice', t, 1_000_500)).toBe(false);
    expect(studio.verify('s3cret', 'alice', issueCsrfToken('s3cret', 'alice', 1_000_000), 1_000_500)).toBe(false);
    expect(() => createCsrfTokens('')).toThrow(TypeError);
    expect(() => createCsrfTokens('a.b')).toThrow(/without '\.'/);
  });
});
