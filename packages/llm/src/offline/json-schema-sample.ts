/**
 * Builds a deterministic value that satisfies a JSON Schema (draft-07 / 2020-12 subset: types, enum,
 * const, anyOf/oneOf/allOf, $ref, object properties, arrays with bounds and tuples, string formats and
 * lengths, number bounds and multipleOf). Used by the offline model for structured output and tool
 * inputs. Strings are drawn from the prompt so outputs look related to the request; arrays of objects
 * with an `id` become a small task list with `dependsOn` pointing at earlier ids.
 */
import type { JSONSchema7, JSONSchema7Definition } from '@ai-sdk/provider';

/** What the sampler derives values from. */
export interface SampleSource {
  /** Clauses of the request (one per sentence / list item); used for titles and task lists. */
  clauses: string[];
  /** Seeded random numbers in [0, 1). */
  rand: () => number;
}

type Schema = JSONSchema7 & {
  prefixItems?: JSONSchema7Definition[];
  $defs?: Record<string, JSONSchema7Definition>;
  nullable?: boolean;
};

interface Ctx extends SampleSource {
  root: Schema;
  depth: number;
  /** Set while sampling element `index` of a list of identified objects. */
  item?: { index: number; ids: string[] };
}

const DEPENDENCY_KEYS = /^(dependsOn|depends_on|dependencies|deps|after|requires|blockedBy|blocked_by)$/i;
const TEXT_KEYS = /(title|name|summary|description|text|task|label|goal|step|content|question|answer|message|reason)/i;

/** Returns a value valid against `schema`. Deterministic for equal `source` seeds. */
export function sampleJsonSchema(schema: JSONSchema7Definition, source: SampleSource): unknown {
  const root = (typeof schema === 'object' ? schema : {}) as Schema;
  return sample(schema, { ...source, root, depth: 0 }, undefined);
}

function resolveRef(ref: string, root: Schema): JSONSchema7Definition {
  if (!ref.startsWith('#')) return {};
  const parts = ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')));
  let node: any = root;
  for (const p of parts) node = node?.[p];
  return (node ?? {}) as JSONSchema7Definition;
}

/** Merges `allOf` members (and `$ref`s) into one schema, shallowly. */
function normalize(def: JSONSchema7Definition, ctx: Ctx, seen = 0): Schema | boolean {
  if (typeof def === 'boolean') return def;
  let s = def as Schema;
  if (s.$ref && seen < 20) {
    const { $ref, ...rest } = s;
    const target = normalize(resolveRef($ref, ctx.root), ctx, seen + 1);
    s = typeof target === 'object' ? { ...target, ...rest } : rest;
  }
  if (s.allOf) {
    const { allOf, ...rest } = s;
    let merged: Schema = { ...rest };
    for (const part of allOf) {
      const n = normalize(part, ctx, seen + 1);
      if (typeof n !== 'object') continue;
      merged = {
        ...n,
        ...merged,
        properties: { ...(n.properties ?? {}), ...(merged.properties ?? {}) },
        required: [...new Set([...(n.required ?? []), ...(merged.required ?? [])])],
      };
    }
    s = merged;
  }
  return s;
}

function sample(def: JSONSchema7Definition, ctx: Ctx, key: string | undefined): unknown {
  const s = normalize(def, ctx);
  if (s === true) return typeof key === 'string' ? text(ctx, key) : null;
  if (s === false) return null;
  if (ctx.depth > 12) return null;
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[Math.floor(ctx.rand() * s.enum.length)];
  const union = s.oneOf ?? s.anyOf;
  if (union && union.length > 0) {
    const { oneOf: _o, anyOf: _a, ...base } = s;
    const nonNull = union.filter(
      (u) =>
        !(
          typeof u === 'object' &&
          (u.type === 'null' || (Array.isArray(u.type) && u.type.length === 1 && u.type[0] === 'null'))
        ),
    );
    const pick = (nonNull[0] ?? union[0]) as JSONSchema7Definition;
    const picked = typeof pick === 'object' ? { ...base, ...pick } : pick;
    return sample(picked, ctx, key);
  }
  const type = pickType(s);
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return sampleNumber(s, type === 'integer', ctx, key);
    case 'string':
      return sampleString(s, ctx, key);
    case 'array':
      return sampleArray(s, inner, key);
    default:
      return sampleObject(s, inner);
  }
}

function pickType(s: Schema): string {
  const t = s.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') ?? 'null';
  if (t) return t;
  if (s.properties || s.required || s.additionalProperties) return 'object';
  if (s.items || s.prefixItems) return 'array';
  if (s.minimum !== undefined || s.maximum !== undefined) return 'number';
  return 'string';
}

function sampleObject(s: Schema, ctx: Ctx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = s.properties ?? {};
  for (const [k, v] of Object.entries(props)) out[k] = sample(v, ctx, k);
  for (const k of s.required ?? [])
    if (!(k in out))
      out[k] = typeof s.additionalProperties === 'object' ? sample(s.additionalProperties, ctx, k) : text(ctx, k);
  const min = s.minProperties ?? 0;
  for (let i = Object.keys(out).length; i < min; i++) {
    const k = `key${i + 1}`;
    out[k] = typeof s.additionalProperties === 'object' ? sample(s.additionalProperties, ctx, k) : text(ctx, k);
  }
  return out;
}

function isIdentifiedObject(def: JSONSchema7Definition | undefined, ctx: Ctx): boolean {
  if (!def) return false;
  const n = normalize(def, ctx);
  return typeof n === 'object' && !!n.properties && 'id' in n.properties;
}

function sampleArray(s: Schema, ctx: Ctx, key: string | undefined): unknown[] {
  const tuple = s.prefixItems ?? (Array.isArray(s.items) ? s.items : undefined);
  const min = s.minItems ?? 0;
  const max = s.maxItems ?? Number.POSITIVE_INFINITY;
  if (tuple) {
    const out = tuple.map((d, i) => sample(d, ctx, `${key ?? 'item'}${i}`));
    const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
    for (let i = out.length; i < min; i++) out.push(rest && typeof rest === 'object' ? sample(rest, ctx, key) : null);
    return out;
  }
  const itemDef = (s.items as JSONSchema7Definition | undefined) ?? {};
  // A dependency list inside a task item points at earlier items.
  if (key && DEPENDENCY_KEYS.test(key) && ctx.item) {
    const { index, ids } = ctx.item;
    const deps = index > 0 ? [ids[index - 1] as string] : [];
    while (deps.length < min && deps.length < index) deps.unshift(ids[index - 1 - deps.length] as string);
    const fitted = deps.slice(0, Math.min(max, deps.length));
    if (fitted.length >= min) return fitted;
  }
  if (isIdentifiedObject(itemDef, ctx)) {
    const count = clamp(Math.min(Math.max(ctx.clauses.length, 2), 5), min, max);
    const ids = Array.from({ length: count }, (_, i) => `t${i + 1}`);
    return ids.map((_, index) => sample(itemDef, { ...ctx, item: { index, ids } }, key));
  }
  const count = clamp(2, min, max);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    let v = sample(itemDef, { ...ctx, item: undefined }, key);
    if (s.uniqueItems) {
      let tries = 0;
      while (out.some((o) => JSON.stringify(o) === JSON.stringify(v)) && tries++ < 5) {
        v =
          typeof v === 'string' ? `${v} ${i + 1}` : typeof v === 'number' ? v + i : sample(itemDef, ctx, `${key}${i}`);
      }
      if (out.some((o) => JSON.stringify(o) === JSON.stringify(v))) break;
    }
    out.push(v);
  }
  return out;
}

function clamp(n: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, n));
}

function sampleNumber(s: Schema, integer: boolean, ctx: Ctx, key: string | undefined): number {
  let lo = s.minimum ?? Number.NEGATIVE_INFINITY;
  let hi = s.maximum ?? Number.POSITIVE_INFINITY;
  const step = s.multipleOf;
  const exMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  const eps = integer ? 1 : (step ?? 1e-6);
  if (exMin !== undefined) lo = Math.max(lo, exMin + (integer ? 0 : eps));
  if (exMax !== undefined) hi = Math.min(hi, exMax - (integer ? 0 : eps));
  const strictLo = exMin !== undefined ? exMin : undefined;
  const strictHi = exMax !== undefined ? exMax : undefined;
  let v: number;
  if (ctx.item && key === 'id') v = ctx.item.index + 1;
  else if (Number.isFinite(lo) && Number.isFinite(hi)) v = lo + (hi - lo) * (0.25 + ctx.rand() * 0.5);
  else if (Number.isFinite(lo)) v = lo + 1 + Math.floor(ctx.rand() * 10);
  else if (Number.isFinite(hi)) v = Math.min(hi - 1, 1 + Math.floor(ctx.rand() * 10));
  else v = 1 + Math.floor(ctx.rand() * 10);
  if (integer) v = Math.round(v);
  if (step) v = Math.round(v / step) * step;
  const ok = (x: number) =>
    x >= lo &&
    x <= hi &&
    (strictLo === undefined || x > strictLo) &&
    (strictHi === undefined || x < strictHi) &&
    (!integer || Number.isInteger(x));
  if (!ok(v)) {
    // Walk from the lower bound to the first admissible value.
    const unit = step ?? (integer ? 1 : eps);
    let x = Number.isFinite(lo) ? Math.ceil(lo / unit) * unit : Math.floor(hi / unit) * unit;
    for (let i = 0; i < 1000 && !ok(x); i++) x += Number.isFinite(lo) ? unit : -unit;
    v = x;
  }
  return Number(v.toFixed(10));
}

function words(ctx: Ctx): string[] {
  return ctx.clauses.join(' ').split(/\s+/).filter(Boolean);
}

function text(ctx: Ctx, key: string | undefined): string {
  if (ctx.item && key === 'id') return ctx.item.ids[ctx.item.index] as string;
  if (ctx.item && key && TEXT_KEYS.test(key)) {
    const clause = ctx.clauses[ctx.item.index];
    if (clause) return clause;
    return `Step ${ctx.item.index + 1}`;
  }
  if (key && TEXT_KEYS.test(key) && ctx.clauses[0]) return ctx.clauses[0];
  const w = words(ctx);
  if (w.length === 0) return key ?? 'value';
  const start = Math.floor(ctx.rand() * w.length);
  return w.slice(start, start + 3).join(' ');
}

const FORMATS: Record<string, (ctx: Ctx) => string> = {
  email: () => 'user@example.com',
  'idn-email': () => 'user@example.com',
  uri: () => 'https://example.com/offline',
  url: () => 'https://example.com/offline',
  'uri-reference': () => 'https://example.com/offline',
  iri: () => 'https://example.com/offline',
  'date-time': () => '2025-01-01T00:00:00.000Z',
  date: () => '2025-01-01',
  time: () => '00:00:00',
  duration: () => 'P1D',
  uuid: (ctx) => uuid(ctx),
  guid: (ctx) => uuid(ctx),
  ipv4: () => '192.0.2.1',
  ipv6: () => '2001:db8::1',
  hostname: () => 'example.com',
  'idn-hostname': () => 'example.com',
  cidrv4: () => '192.0.2.0/24',
  cidrv6: () => '2001:db8::/32',
  base64: () => 'b2ZmbGluZQ==',
  base64url: () => 'b2ZmbGluZQ',
  emoji: () => '🙂',
  cuid: () => 'cjld2cjxh0000qzrmn831i7rn',
  cuid2: () => 'tz4a98xxat96iws9zmbrgj3a',
  ulid: () => '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  nanoid: () => 'V1StGXR8_Z5jdHi6B-myT',
  'json-pointer': () => '/offline',
  regex: () => '^offline$',
};

function uuid(ctx: Ctx): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(ctx.rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sampleString(s: Schema, ctx: Ctx, key: string | undefined): string {
  const format = s.format ? FORMATS[s.format] : undefined;
  let v = format ? format(ctx) : text(ctx, key);
  const pattern = safeRegExp(s.pattern);
  if (pattern && !pattern.test(v)) {
    const candidate = [
      v.replace(/[^A-Za-z0-9]/g, ''),
      'a',
      'abc',
      'A',
      'ABC',
      '0',
      '1',
      '123',
      'a1',
      'offline',
      '',
    ].find((c) => pattern.test(c));
    if (candidate !== undefined) v = candidate;
  }
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Number.POSITIVE_INFINITY;
  if ([...v].length > max) v = [...v].slice(0, max).join('').trimEnd().padEnd(Math.min(max, min), 'x');
  if ([...v].length < min) v = v + ' '.repeat(v ? 1 : 0) + 'x'.repeat(min);
  if ([...v].length > max) v = [...v].slice(0, max).join('');
  return v;
}

function safeRegExp(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}
