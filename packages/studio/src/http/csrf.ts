/**
 * Stateless CSRF tokens for Studio's action forms (the approval inbox's scheme):
 * `<issuedAt>.<HMAC-SHA256(secret, actorId.issuedAt)>`, bound to the actor, valid 12 hours.
 * The handler also refuses state-changing requests the browser marks cross-site.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_AGE_MS = 12 * 3_600_000;

function mac(secret: string, actorId: string, issuedAt: string): string {
  return createHmac('sha256', secret).update(`studio-csrf.${actorId}.${issuedAt}`).digest('base64url');
}

/** Issues a CSRF token for `actorId`. */
export function issueCsrfToken(secret: string, actorId: string, now: number): string {
  const issuedAt = String(now);
  return `${issuedAt}.${mac(secret, actorId, issuedAt)}`;
}

/** True when `token` was issued for `actorId` with this secret within the last 12 hours. */
export function verifyCsrfToken(
  secret: string,
  actorId: string,
  token: string | null | undefined,
  now: number,
): boolean {
  if (!token) return false;
  const [issuedAt, sig] = token.split('.');
  if (!issuedAt || !sig || !/^\d+$/.test(issuedAt)) return false;
  const age = now - Number(issuedAt);
  if (age < -60_000 || age > MAX_AGE_MS) return false;
  const expected = Buffer.from(mac(secret, actorId, issuedAt));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
