import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApprovalTokenError } from '../errors/errors.js';
import { createDecisionToken, verifyDecisionToken } from './signed-link.js';

const secret = 'test-secret-0123456789abcdef';
const base = { approvalId: 'apr_1', actor: { id: 'alice', groups: ['leads'] }, decision: 'approve' as const };

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApprovalTokenError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('decision tokens', () => {
  it('round-trips the bound claims', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    const claims = verifyDecisionToken(secret, token, { now: 1000, approvalId: 'apr_1' });
    expect(claims).toMatchObject({ a: 'apr_1', u: 'alice', g: ['leads'], d: 'approve', e: 2000 });
    expect(claims.n).toMatch(/^[\w-]{16,}$/);
  });

  it('rejects expired, foreign-approval and other-secret tokens', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    expect(reason(() => verifyDecisionToken(secret, token, { now: 2000 }))).toBe('expired');
    expect(reason(() => verifyDecisionToken(secret, token, { now: 1000, approvalId: 'apr_2' }))).toBe('mismatch');
    expect(reason(() => verifyDecisionToken('another-secret-0123456789', token, { now: 1000 }))).toBe('signature');
    expect(reason(() => verifyDecisionToken(secret, 'garbage', { now: 1000 }))).toBe('malformed');
  });

  it('rejects a token whose claims were re-encoded (decision or actor swapped)', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    const [body, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    for (const patch of [{ d: 'reject' }, { u: 'mallory' }, { a: 'apr_2' }, { e: 9e15 }]) {
      const forged = `${Buffer.from(JSON.stringify({ ...claims, ...patch })).toString('base64url')}.${sig}`;
      expect(reason(() => verifyDecisionToken(secret, forged, { now: 1000 }))).toBe('signature');
    }
  });

  it('property: any single-character change of a token is rejected', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...alphabet), (i, ch) => {
        fc.pre(token[i] !== ch);
        const mutated = token.slice(0, i) + ch + token.slice(i + 1);
        // A change in the last base64url char can hit padding bits only; the signature check compares bytes.
        let ok = false;
        try {
          verifyDecisionToken(secret, mutated, { now: 1000 });
          ok = true;
        } catch (err) {
          expect(err).toBeInstanceOf(ApprovalTokenError);
        }
        if (ok)
          expect(Buffer.from(mutated.split('.')[1] ?? '', 'base64url')).toEqual(
            Buffer.from(token.split('.')[1] ?? '', 'base64url'),
          );
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a short secret', () => {
    expect(() => createDecisionToken('short', { ...base, expiresAt: 1 })).toThrow(/at least 16/);
  });
});
