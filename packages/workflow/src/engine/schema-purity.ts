/**
 * Whether parsing a value that a zod schema already produced yields the same value — true unless
 * the schema transforms (transform / pipe / preprocess / codec), rewrites (`overwrite` checks such
 * as `.trim()`), or is lazy (unknown until run time). The engine uses it to validate a value once
 * when one step's output schema is the next step's input schema (the common "shared schema" case).
 */

const cache = new WeakMap<object, boolean>();
const IMPURE_TYPES = new Set(['pipe', 'transform', 'lazy', 'promise', 'function']);

interface ZodLike {
  _zod: { def: Record<string, unknown> & { type?: string; checks?: { _zod?: { def?: { check?: string } } }[] } };
}

const isSchema = (v: unknown): v is ZodLike => typeof v === 'object' && v !== null && '_zod' in v;

/** True when re-parsing the schema's own output is the identity (cached per schema). */
export function isReparseIdentity(schema: object): boolean {
  let known = cache.get(schema);
  if (known === undefined) {
    known = visit(schema, new Set());
    cache.set(schema, known);
  }
  return known;
}

function visit(node: unknown, seen: Set<object>): boolean {
  if (!isSchema(node)) return true;
  if (seen.has(node)) return true;
  seen.add(node);
  const def = node._zod.def;
  if (IMPURE_TYPES.has(def.type ?? '')) return false;
  for (const c of def.checks ?? []) if (c?._zod?.def?.check === 'overwrite') return false;
  for (const key of Object.keys(def)) {
    if (key === 'checks' || key === 'type') continue;
    let value: unknown;
    try {
      value = def[key];
    } catch {
      return false;
    }
    if (!visitValue(value, seen)) return false;
  }
  return true;
}

function visitValue(value: unknown, seen: Set<object>): boolean {
  if (isSchema(value)) return visit(value, seen);
  if (Array.isArray(value)) return value.every((v) => visitValue(v, seen));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // An object shape: its values are schemas (default values and metadata are plain data).
    return Object.values(value).every((v) => !isSchema(v) || visit(v, seen));
  }
  return true;
}
