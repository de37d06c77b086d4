/** Response helpers with Studio's security headers on every answer. */
import { StudioError } from '../errors/errors.js';
import type { SafeHtml } from '../views/html.js';
import { SECURITY_HEADERS } from './security.js';

/** An HTML page. */
export function htmlResponse(body: SafeHtml | string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(String(body), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers },
  });
}

/** A JSON answer. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
  });
}

/** A 303 redirect (after a form POST). */
export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, ...SECURITY_HEADERS, ...headers } });
}

/** A static asset (cacheable: the content is part of the installed package). */
export function asset(body: string, type: string): Response {
  return new Response(body, {
    headers: { 'content-type': type, ...SECURITY_HEADERS, 'cache-control': 'public, max-age=300' },
  });
}

/** HTTP status of an error. */
export function statusOf(err: unknown): number {
  if (err instanceof StudioError) return err.status;
  const code = (err as { code?: string })?.code ?? '';
  if (code === 'WEFT_RUN_NOT_FOUND' || code === 'APPROVAL_NOT_FOUND') return 404;
  if (code === 'APPROVAL_FORBIDDEN') return 403;
  if (
    code === 'APPROVAL_CLOSED' ||
    code === 'WEFT_RUN_NOT_SUSPENDED' ||
    code === 'WEFT_DEFINITION_CHANGED' ||
    code === 'WEFT_RUN_NOT_RESTARTABLE'
  )
    return 409;
  if (code === 'APPROVAL_VALIDATION' || code === 'WEFT_RESUME_VALIDATION') return 422;
  return 500;
}
