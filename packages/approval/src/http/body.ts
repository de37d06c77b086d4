/**
 * Reading request bodies for the inbox handler: a byte limit counted while streaming (a huge body
 * is refused as soon as it passes the limit, never buffered whole), a strict media-type check, and
 * a depth limit on JSON so that a deeply nested document cannot overflow the stack later on.
 * Aborted uploads become an {@link ApprovalInvalidRequestError} (400), never a logged 500.
 */
import { ApprovalInvalidRequestError, ApprovalPayloadTooLargeError } from '../errors/errors.js';

/** Default `maxBodyBytes` of the handler: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Deepest JSON nesting accepted in a decision body (objects and arrays). */
export const MAX_JSON_DEPTH = 64;

/** A parsed `Content-Type`: lower-cased `type/subtype` and parameters (names lower-cased). */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses a `Content-Type` value per RFC 9110 (`type/subtype *( ; name=value )`, values may be
 * quoted). Returns undefined when it is absent or malformed, so `text/plain; x=application/json`
 * is `text/plain`, never "contains application/json".
 */
export function parseMediaType(value: string | null | undefined): MediaType | undefined {
  if (!value) return undefined;
  const [head = '', ...rest] = value.split(';');
  const type = head.trim().toLowerCase();
  const slash = type.indexOf('/');
  if (slash <= 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) return undefined;
  const params: Record<string, string> = {};
  for (const raw of rest) {
    const p = raw.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) return undefined;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!TOKEN.test(name)) return undefined;
    params[name] = v;
  }
  return { type, params };
}

/** JSON bodies are UTF-8 (RFC 8259); a charset parameter, if any, must say so. */
export function isJsonMediaType(m: MediaType | undefined): boolean {
  if (m?.type !== 'application/json') return false;
  const charset = m.params.charset?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii';
}

/**
 * Reads the whole body, refusing it with {@link ApprovalPayloadTooLargeError} once more than
 * `limit` bytes arrived (or at once when `Content-Length` says so). The rest of the stream is
 * cancelled, not read.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get('content-length');
  if (declared !== null) {
    const n = Number(declared);
    if (!/^\d+$/.test(declared.trim()))
      throw new ApprovalInvalidRequestError(
        `Malformed Content-Length header ${JSON.stringify(declared.slice(0, 40))}.`,
      );
    if (n > limit) {
      await req.body?.cancel().catch(() => undefined);
      throw new ApprovalPayloadTooLargeError(limit, n);
    }
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ApprovalPayloadTooLargeError(limit);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ApprovalPayloadTooLargeError) throw err;
    // The client went away mid-upload (node: `Error: aborted`). Nothing to answer; not our failure.
    throw new ApprovalInvalidRequestError('The request body could not be read (the upload was aborted).', {
      reason: 'aborted',
    });
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** True when `value` nests objects/arrays deeper than `max` (checked without recursion). */
export function tooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/** Reads and parses a JSON body (UTF-8, fatal on invalid bytes), within the byte and depth limits. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const bytes = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ApprovalInvalidRequestError(
      'Expected a JSON object body in UTF-8: { decision, comment?, editedPayload? }.',
      { reason: 'json' },
    );
  }
  if (tooDeep(value))
    throw new ApprovalInvalidRequestError(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      reason: 'depth',
    });
  return value;
}

/** Reads a form body (urlencoded or multipart) within the byte limit. */
export async function readFormBody(req: Request, limit: number): Promise<FormData> {
  const bytes = await readBody(req, limit);
  const type = req.headers.get('content-type') ?? 'application/x-www-form-urlencoded';
  try {
    return await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ApprovalInvalidRequestError('Expected a form body (application/x-www-form-urlencoded).', {
      reason: 'form',
    });
  }
}
