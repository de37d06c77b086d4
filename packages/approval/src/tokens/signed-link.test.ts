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

  it('property: any change of a token is rejected, including spellings that decode to the same bytes', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=!+/ ';
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant('replace' as const),
        i: fc.nat(token.length - 1),
        ch: fc.constantFrom(...alphabet),
      }),
      fc.record({ kind: fc.constant('insert' as const), i: fc.nat(token.length), ch: fc.constantFrom(...alphabet) }),
      fc.record({ kind: fc.constant('delete' as const), i: fc.nat(token.length - 1), ch: fc.constant('') }),
    );
    fc.assert(
      fc.property(edit, ({ kind, i, ch }) => {
        const mutated =
          kind === 'replace'
            ? token.slice(0, i) + ch + token.slice(i + 1)
            : kind === 'insert'
              ? token.slice(0, i) + ch + token.slice(i)
              : token.slice(0, i) + token.slice(i + 1);
        fc.pre(mutated !== token);
        expect(reason(() => verifyDecisionToken(secret, mutated, { now: 1000 }))).toMatch(/signature|malformed/);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts only the canonical base64url signature: no invalid characters, padding or changed unused bits', () => {
    const token = createDecisionToken(secret, { ...base, expiresAt: 2000 });
    const [body, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = sig.at(-1) as string;
    // 43 chars carry 258 bits for a 256-bit HMAC: the last char has 2 unused bits, so 3 other
    // characters decode to the very same bytes. All of these used to verify.
    const sameBytes = [...alphabet].filter(
      (c) => c !== last && alphabet.indexOf(c) >> 2 === alphabet.indexOf(last) >> 2,
    );
    expect(sameBytes).toHaveLength(3);
    const variants = [
      `${sig.slice(0, 10)}!!${sig.slice(10)}`,
      `${sig}=`,
      `${sig}==`,
      ` ${sig}`,
      `${sig.slice(0, 20)}\n${sig.slice(20)}`,
      sig.replace(/-/g, '+').replace(/_/g, '/'),
      ...sameBytes.map((c) => sig.slice(0, -1) + c),
    ].filter((v) => v !== sig);
    for (const v of variants) {
      expect(Buffer.from(v, 'base64url')).toEqual(Buffer.from(sig, 'base64url')); // same bytes…
      expect(reason(() => verifyDecisionToken(secret, `${body}.${v}`, { now: 1000 }))).toBe('signature'); // …refused
    }
    expect(verifyDecisionToken(secret, token, { now: 1000 }).a).toBe('apr_1');
  });

  it('refuses a short secret', () => {
    expect(() => createDecisionToken('short', { ...base, expiresAt: 1 })).toThrow(/at least 16/);
  });
});
