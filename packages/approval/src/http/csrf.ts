/**
 * Stateless CSRF tokens for HTML forms: `<issuedAt>.<HMAC-SHA256(secret, purpose.actorId.issuedAt)>`.
 * Bound to the authenticated actor (a token lifted from one user's page is useless for another),
 * to a purpose (a token of one app is useless in another sharing the secret) and valid for 12
 * hours. The handlers also refuse requests the browser marks cross-site.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_AGE_MS = 12 * 3_600_000;

/** Issues and checks the CSRF tokens of one purpose (see {@link createCsrfTokens}). */
export interface CsrfTokens {
  /** Issues a token for `actorId` at `now` (epoch ms). */
  issue(secret: string, actorId: string, now: number): string;
  /** True when `token` was issued for `actorId` with this secret and purpose within the last 12 hours. */
  verify(secret: string, actorId: string, token: string | null | undefined, now: number): boolean;
}

/**
 * CSRF tokens for the forms of one app. `purpose` separates apps sharing a secret: the approval
 * inbox uses `'csrf'`, Weft Studio `'studio-csrf'`.
 *
 * @example
 * ```ts
 * const csrf = createCsrfTokens('my-admin');
 * const token = csrf.issue(secret, user.id, Date.now()); // put it in a hidden form field
 * if (!csrf.verify(secret, user.id, form.get('csrf'), Date.now())) return new Response(null, { status: 403 });
 * ```
 */
export function createCsrfTokens(purpose: string): CsrfTokens {
  if (typeof purpose !== 'string' || purpose === '' || purpose.includes('.')) {
    throw new TypeError(
      `Expected createCsrfTokens(purpose) to get a non-empty string without '.', got ${JSON.stringify(purpose)}`,
    );
  }
  const mac = (secret: string, actorId: string, issuedAt: string) =>
    createHmac('sha256', secret).update(`${purpose}.${actorId}.${issuedAt}`).digest('base64url');
  return {
    issue(secret, actorId, now) {
      const issuedAt = String(now);
      return `${issuedAt}.${mac(secret, actorId, issuedAt)}`;
    },
    verify(secret, actorId, token, now) {
      if (!token) return false;
      const [issuedAt, sig] = token.split('.');
      if (!issuedAt || !sig || !/^\d+$/.test(issuedAt)) return false;
      const age = now - Number(issuedAt);
      if (age < -60_000 || age > MAX_AGE_MS) return false;
      const expected = Buffer.from(mac(secret, actorId, issuedAt));
      const given = Buffer.from(sig);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

const inbox = createCsrfTokens('csrf');
/** Issues a CSRF token of the approval inbox for `actorId`. */
export const issueCsrfToken = inbox.issue;
/** True when `token` is an approval inbox CSRF token for `actorId` issued within the last 12 hours. */
export const verifyCsrfToken = inbox.verify;
