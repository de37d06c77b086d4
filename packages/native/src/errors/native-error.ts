/**
 * Base class of every error @weft/native throws. `code` is stable; `toJSON()` gives a plain object
 * that survives JSON (workflow stores keep errors as data).
 */
export class NativeError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeError';
    this.code = code;
  }

  /** Plain-data form: `{ name, code, message, cause? }`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.cause !== undefined) out.cause = this.cause instanceof Error ? String(this.cause) : this.cause;
    return out;
  }
}

/**
 * Thrown by {@link topoBatches} and {@link criticalPath} when the graph has a cycle. `cycle` is one
 * real cycle of the input, first node repeated at the end (`['a', 'b', 'a']`; a self-loop is
 * `['a', 'a']`): every consecutive pair is an edge you passed, no node repeats except the closing
 * one, and it starts at its node listed first in `nodes`.
 */
export class CycleError extends NativeError {
  /** One cycle, as a path of input edges that starts and ends at the same node. */
  readonly cycle: string[];

  constructor(cycle: string[]) {
    super(
      'CYCLE',
      `Expected an acyclic graph, found a cycle: ${cycle.join(' -> ')}. Remove one of these edges so the nodes can be ordered.`,
    );
    this.name = 'CycleError';
    this.cycle = cycle;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), cycle: this.cycle };
  }
}

/** Thrown when an argument does not have the expected shape (unknown node in an edge, bad weight…). */
export class NativeInputError extends NativeError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'NativeInputError';
  }
}
