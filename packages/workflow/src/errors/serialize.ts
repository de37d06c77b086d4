/** Converting errors to and from the JSON shape the store keeps ({@link SerializedError}). */
import type { SerializedError } from '../store/store.js';
import { WeftError } from './weft-error.js';

/**
 * Turns anything thrown into a JSON-serializable {@link SerializedError}, keeping the cause chain
 * (up to 8 levels) and typed errors' details.
 *
 * @example
 * ```ts
 * await store.updateRun(id, { status: 'failed', error: serializeError(err) });
 * ```
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (error instanceof Error) {
    const out: SerializedError = { name: error.name, message: error.message };
    if (error.stack) out.stack = error.stack;
    if (error instanceof WeftError) {
      out.code = error.code;
      const details = error.details();
      if (Object.keys(details).length) out.details = details;
    } else if (typeof (error as unknown as { code?: unknown }).code === 'string') {
      out.code = (error as unknown as { code: string }).code;
    }
    if (error.cause !== undefined && depth < 8) out.cause = serializeError(error.cause, depth + 1);
    return out;
  }
  return { name: 'NonError', message: typeof error === 'string' ? error : safeJson(error) };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A plain Error rebuilt from a stored {@link SerializedError} (for runs loaded from the store). */
export class RestoredError extends WeftError {
  readonly serialized: SerializedError;
  constructor(serialized: SerializedError) {
    super(
      serialized.code ?? 'WEFT_RESTORED',
      serialized.message,
      serialized.cause ? { cause: new RestoredError(serialized.cause) } : undefined,
    );
    this.name = serialized.name;
    this.serialized = serialized;
    // The original's fields (stepPath, timeoutMs, …) read as they did before it was stored.
    for (const [k, v] of Object.entries(serialized.details ?? {})) if (!(k in this)) Object.assign(this, { [k]: v });
  }
  override details(): Record<string, unknown> {
    return this.serialized.details ?? {};
  }
}
