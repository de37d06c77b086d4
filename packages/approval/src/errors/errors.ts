import { WeftError } from '@weft/workflow';

/**
 * Errors of @weft/approval. Every error has a stable `code`, an optional `cause` and a `toJSON()`
 * that the HTTP handler returns as the response body, so callers branch on `code`, never on text.
 */

/** Base class of every @weft/approval error: a `WeftError` (from `@weft/workflow`) with approval details. */
export class ApprovalError extends WeftError {}

/** No approval request with that id exists (or it was purged). */
export class ApprovalNotFoundError extends ApprovalError {
  constructor(id: string) {
    super(
      'APPROVAL_NOT_FOUND',
      `No approval request "${id}" exists. List pending requests with service.listPending().`,
      {
        details: { approvalId: id },
      },
    );
  }
}

/** The actor may not decide this request; nothing was changed. */
export class ApprovalForbiddenError extends ApprovalError {
  constructor(id: string, actorId: string, reason: string) {
    super(
      'APPROVAL_FORBIDDEN',
      `Actor "${actorId}" may not decide approval "${id}": ${reason}. Nothing was changed; ask one of the configured approvers.`,
      { details: { approvalId: id, actorId, reason } },
    );
  }
}

/** The gate is already closed with a different outcome than the decision now sent. */
export class ApprovalClosedError extends ApprovalError {
  constructor(id: string, outcome: string, attempted: string) {
    super(
      'APPROVAL_CLOSED',
      `Approval "${id}" is already closed as "${outcome}"; the "${attempted}" decision was not applied. Reload the request to see who decided.`,
      { details: { approvalId: id, outcome, attempted } },
    );
  }
}

/** One schema issue of an edited payload, with the path of the field. */
export interface ApprovalFieldIssue {
  /** Path of the field inside the payload, e.g. `['args', 'amount']`; empty for the root. */
  path: (string | number)[];
  /** What is wrong with the field. */
  message: string;
  /** The schema library's issue code (e.g. zod's `too_big`). */
  code?: string;
}

/** An edited payload failed the gate's schema (or was not valid JSON). `issues` are field by field. */
export class ApprovalValidationError extends ApprovalError {
  /** The schema issues, field by field. */
  readonly issues: ApprovalFieldIssue[];

  constructor(id: string, issues: ApprovalFieldIssue[], hint = 'Fix the listed fields and decide again.') {
    const list = issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
    super('APPROVAL_VALIDATION', `The edited payload of approval "${id}" is invalid: ${list}. ${hint}`, {
      details: { approvalId: id, issues },
    });
    this.issues = issues;
  }
}

/**
 * The request is malformed or asks for something the gate does not allow: an edit when `allowEdit`
 * is off, an edit together with `reject`, an unknown decision, a body that is not the expected JSON,
 * a bad `Content-Type`, an upload the client aborted. The HTTP handler answers 400.
 */
export class ApprovalInvalidRequestError extends ApprovalError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('APPROVAL_INVALID_REQUEST', message, { details });
  }
}

/** A signed decision link was forged, expired, replayed, or belongs to another approval. */
export class ApprovalTokenError extends ApprovalError {
  /** Why the token was refused. */
  readonly reason: 'malformed' | 'signature' | 'expired' | 'replayed' | 'mismatch';

  constructor(reason: ApprovalTokenError['reason'], message: string) {
    super('APPROVAL_TOKEN_INVALID', `Decision link rejected (${reason}): ${message}`, { details: { reason } });
    this.reason = reason;
  }
}

/** The request carried no identity (the `authenticate` hook returned nothing) or a bad CSRF token. */
export class ApprovalUnauthenticatedError extends ApprovalError {
  constructor(message: string) {
    super('APPROVAL_UNAUTHENTICATED', message);
  }
}

/** An HTTP request body is larger than the handler's `maxBodyBytes`; nothing was read past the limit (413). */
export class ApprovalPayloadTooLargeError extends ApprovalError {
  /** The configured limit, in bytes. */
  readonly limit: number;

  constructor(limit: number, declared?: number) {
    super(
      'APPROVAL_PAYLOAD_TOO_LARGE',
      `The request body is larger than ${limit} bytes${declared === undefined ? '' : ` (Content-Length ${declared})`}; nothing was applied. Send a smaller body or raise the handler's maxBodyBytes.`,
      { details: { limit, ...(declared === undefined ? {} : { declared }) } },
    );
    this.limit = limit;
  }
}
