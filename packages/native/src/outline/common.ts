/**
 * State shared by the per-language parsers: tokens, bracket matches, and the symbol list being built.
 * Internal symbol records carry body offsets for the skeleton.
 */
import type { ImportInfo, SymbolKind } from './types.js';
import { T_PUNCT, type Tokens } from './lexer.js';

export interface Sym {
  name: string;
  kind: SymbolKind;
  startLine: number;
  endLine: number;
  signature: string;
  parent: string | undefined;
  exported: boolean;
  /** Body offsets: b0 = offset of the body start, b1 = body end (exclusive); -1 when no body. */
  b0: number;
  b1: number;
  /** Token index where the declaration starts including decorators/attributes. */
  d0: number;
  /** Text that replaces [b0, b1) in a skeleton. */
  repl: string;
}

export interface Ctx {
  src: string;
  t: Tokens;
  /** For an opening bracket token, the index of its closer (t.n when unclosed); else -1. */
  match: Int32Array;
  syms: Sym[];
  imports: ImportInfo[];
}

/** Max nesting of namespaces/modules/classes the parsers descend into (keeps recursion bounded). */
export const MAX_NEST = 48;

export function punct(ctx: Ctx, i: number): number {
  return i < ctx.t.n && ctx.t.kind[i] === T_PUNCT ? ctx.src.charCodeAt(ctx.t.start[i]!) : 0;
}

export function text(ctx: Ctx, i: number): string {
  return i < ctx.t.n ? ctx.src.slice(ctx.t.start[i]!, ctx.t.end[i]!) : '';
}

export function isWord(ctx: Ctx, i: number, w: string): boolean {
  const t = ctx.t;
  if (i >= t.n || t.kind[i] !== 1) return false;
  const s = t.start[i]!;
  if (t.end[i]! - s !== w.length) return false;
  return ctx.src.startsWith(w, s);
}

/** Two puncts adjacent: e.g. `=>`, `::`, `->`. */
export function adjacent(ctx: Ctx, i: number, a: number, b: number): boolean {
  return punct(ctx, i) === a && punct(ctx, i + 1) === b && ctx.t.end[i] === ctx.t.start[i + 1];
}

export function computeMatch(src: string, t: Tokens): Int32Array {
  const m = new Int32Array(t.n).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < t.n; i++) {
    if (t.kind[i] !== T_PUNCT) continue;
    const c = src.charCodeAt(t.start[i]!);
    if (c === 40 || c === 91 || c === 123) {
      stack.push(i);
    } else if (c === 41 || c === 93 || c === 125) {
      const open = c === 41 ? 40 : c === 93 ? 91 : 123;
      // Find the nearest matching opener; openers above it stay unclosed (closed here).
      let k = stack.length - 1;
      while (k >= 0 && src.charCodeAt(t.start[stack[k]!]!) !== open) k--;
      if (k < 0) continue; // stray closer
      while (stack.length > k) m[stack.pop()!] = i;
    }
  }
  while (stack.length > 0) m[stack.pop()!] = t.n;
  return m;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Source text in [s, e) with whitespace runs collapsed to one space, trimmed. */
export function collapse(src: string, s: number, e: number): string {
  let out = '';
  let ws = false;
  let runStart = s;
  for (let k = s; k < e; k++) {
    const c = src.charCodeAt(k);
    if (isWs(c)) {
      if (!ws) {
        out += src.slice(runStart, k);
        ws = true;
      }
    } else if (ws) {
      if (out.length > 0) out += ' ';
      ws = false;
      runStart = k;
    }
  }
  if (!ws) out += src.slice(runStart, e);
  return out;
}

/** Signature for a declaration without a body: its text from token s through token e (inclusive), first line only. */
export function lineSig(ctx: Ctx, s: number, e: number): string {
  const t = ctx.t;
  const l = t.line[s]!;
  let last = s;
  for (let k = s; k <= e && k < t.n; k++) {
    if (t.line[k] !== l) break;
    last = k;
  }
  // A token that starts on the line but spans several (template/string) is cut at the line end.
  let end = t.end[last]!;
  if (t.endLine[last] !== l) {
    const nl = ctx.src.indexOf('\n', t.start[last]!);
    end = nl < 0 ? end : nl;
  }
  return collapse(ctx.src, t.start[s]!, end);
}

export function addSym(
  ctx: Ctx,
  name: string,
  kind: SymbolKind,
  s: number,
  endTok: number,
  signature: string,
  parent: string | undefined,
  exported: boolean,
  body: number,
  d0: number,
): Sym {
  const t = ctx.t;
  const e = Math.min(Math.max(endTok, s), t.n - 1);
  const sym: Sym = {
    name,
    kind,
    startLine: t.line[s]!,
    endLine: t.endLine[e]!,
    signature,
    parent,
    exported,
    b0: body >= 0 ? t.start[body]! : -1,
    b1: body >= 0 ? (ctx.match[body]! < t.n ? t.end[ctx.match[body]!]! : ctx.src.length) : -1,
    d0,
    repl: '{ … }',
  };
  ctx.syms.push(sym);
  return sym;
}

/** `s.slice(1, -1)` of a quoted token, guarded so both backends cut the same characters. */
export function stringValue(s: string): string {
  if (s.length >= 2 && s.charCodeAt(s.length - 1) === s.charCodeAt(0)) return s.slice(1, -1);
  if (s.length >= 1 && s.charCodeAt(0) < 128) return s.slice(1);
  return s;
}
