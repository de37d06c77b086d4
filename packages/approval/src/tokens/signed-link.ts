/**
 * Signed decision links: `<payload>.<signature>`, both base64url. The payload binds the approval
 * id, the actor, the decision and an expiry, plus a random nonce; the signature is HMAC-SHA256 over
 * the payload with the service's secret, compared in constant time on its canonical (unpadded)
 * base64url text, so there is exactly one accepted spelling of each token. Single use is enforced by the
 * service, which records the nonce in a table with a primary key before applying the decision.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApprovalTokenError } from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision } from '../policy/quorum.js';

/** The signed claims of a decision link. */
export interface DecisionTokenClaims {
  /** Approval id. */
  a: string;
  /** Actor id and groups. */
  u: string;
  g?: string[];
  /** Decision. */
  d: ApprovalDecision;
  /** Expiry, epoch ms. */
  e: number;
  /** Random nonce (the single-use key). */
  n: string;
}

function sign(secret: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function assertSecret(secret: string | Uint8Array | undefined): asserts secret is string | Uint8Array {
  if (!secret || secret.length < 16) {
    throw new TypeError(
      'Expected a link secret of at least 16 characters/bytes (service option `linkSecret`), found none or a shorter one',
    );
  }
}

/** Creates a decision token for one approval, actor and decision, valid until `expiresAt`. */
export function createDecisionToken(
  secret: string | Uint8Array | undefined,
  input: { approvalId: string; actor: ApprovalActor; decision: ApprovalDecision; expiresAt: number },
): string {
  assertSecret(secret);
  const claims: DecisionTokenClaims = {
    a: input.approvalId,
    u: input.actor.id,
    ...(input.actor.groups?.length ? { g: [...input.actor.groups] } : {}),
    d: input.decision,
    e: input.expiresAt,
    n: randomBytes(16).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/**
 * Verifies signature, expiry and (when given) that the token belongs to `approvalId`. Does NOT
 * consume it: single use needs the store (see the service's `decideWithToken`).
 */
export function verifyDecisionToken(
  secret: string | Uint8Array | undefined,
  token: string,
  options: { now: number; approvalId?: string },
): DecisionTokenClaims {
  assertSecret(secret);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new ApprovalTokenError('malformed', 'expected "<payload>.<signature>"');
  const [body, sig] = parts as [string, string];
  // Compare the canonical text, not decoded bytes: Node's base64url decoder skips invalid
  // characters, '=' padding and the unused low bits of the last character, so decoding would accept
  // many spellings of one signature (and defeat exact-token blocklists). Constant time either way.
  const expected = Buffer.from(sign(secret, body).toString('base64url'), 'ascii');
  const given = Buffer.from(sig, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApprovalTokenError(
      'signature',
      'the signature does not match; the link was altered or signed with another secret',
    );
  }
  let claims: DecisionTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as DecisionTokenClaims;
  } catch {
    throw new ApprovalTokenError('malformed', 'the payload is not JSON');
  }
  if (
    typeof claims.a !== 'string' ||
    typeof claims.u !== 'string' ||
    typeof claims.n !== 'string' ||
    typeof claims.e !== 'number'
  ) {
    throw new ApprovalTokenError('malformed', 'missing claims');
  }
  if (!['approve', 'reject', 'request_changes'].includes(claims.d))
    throw new ApprovalTokenError('malformed', 'unknown decision');
  if (claims.e <= options.now) {
    throw new ApprovalTokenError(
      'expired',
      `the link expired at ${new Date(claims.e).toISOString()}; ask for a new one`,
    );
  }
  if (options.approvalId !== undefined && claims.a !== options.approvalId) {
    throw new ApprovalTokenError('mismatch', `the link was issued for another approval, not "${options.approvalId}"`);
  }
  return claims;
}
