/** Go outline: funcs, methods, type/const/var specs (grouped too), interface methods. Mirrors src/parse/go.rs. */
import { addSym, type Ctx, collapse, isWord, lineSig, punct, stringValue, text } from './common.js';
import { T_IDENT, T_NUM, T_STR } from './lexer.js';

/** Go's automatic semicolon: a newline before token i ends the line after an ident, literal or closer. */
function asi(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (i === 0 || i >= t.n || t.line[i] === t.endLine[i - 1]) return false;
  const k = t.kind[i - 1];
  if (k === T_IDENT || k === T_NUM || k === T_STR) return true;
  const p = punct(ctx, i - 1);
  if (p === 41 || p === 93 || p === 125) return true;
  // ++ / --
  return (p === 43 || p === 45) && i >= 2 && punct(ctx, i - 2) === p && t.end[i - 2] === t.start[i - 1];
}

/** Last token of the simple statement/spec starting at i (before `;`, a newline ASI, or a closer). */
function lineEnd(ctx: Ctx, i: number, end: number): number {
  let k = i;
  let last = i;
  while (k < end) {
    if (k > i && asi(ctx, k)) return last;
    const p = punct(ctx, k);
    if (p === 59 || p === 41 || p === 125 || p === 93) return last;
    last = k;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return Math.min(last, ctx.t.n - 1);
}

function exportedName(name: string): boolean {
  const c = name.charCodeAt(0);
  return c >= 65 && c <= 90;
}

export function parseGo(ctx: Ctx): void {
  const t = ctx.t;
  let i = 0;
  const end = t.n;
  while (i < end) {
    const kw = t.kind[i] === T_IDENT ? text(ctx, i) : '';
    if (kw === 'func') {
      i = parseFunc(ctx, i, end);
      continue;
    }
    if (kw === 'type' || kw === 'const' || kw === 'var' || kw === 'import') {
      if (punct(ctx, i + 1) === 40) {
        const close = Math.min(ctx.match[i + 1]!, end);
        let k = i + 2;
        while (k < close) {
          if (punct(ctx, k) === 59) {
            k++;
            continue;
          }
          const e = parseSpec(ctx, kw, k, close, k);
          k = e > k ? e : k + 1;
        }
        i = close + 1;
      } else {
        i = parseSpec(ctx, kw, i + 1, end, i);
      }
      continue;
    }
    const p = punct(ctx, i);
    if ((p === 123 || p === 40 || p === 91) && ctx.match[i]! >= 0) {
      i = ctx.match[i]! + 1;
      continue;
    }
    i++;
  }
}

function parseFunc(ctx: Ctx, s: number, end: number): number {
  const t = ctx.t;
  let k = s + 1;
  let parent: string | undefined;
  if (punct(ctx, k) === 40 && ctx.match[k]! >= 0) {
    const close = ctx.match[k]!;
    for (let j = k + 1; j < close; j++) {
      const p = punct(ctx, j);
      if (t.kind[j] === T_IDENT) parent = text(ctx, j);
      else if ((p === 40 || p === 91 || p === 123) && ctx.match[j]! >= 0) j = ctx.match[j]!;
    }
    k = close + 1;
  }
  if (t.kind[k] !== T_IDENT) return lineEnd(ctx, s, end) + 1;
  const name = text(ctx, k);
  // body `{` at depth 0 not following struct/interface; or the signature ends at a newline
  let j = k + 1;
  let last = k;
  while (j < end) {
    if (asi(ctx, j)) break;
    const p = punct(ctx, j);
    if (p === 123 && !isWord(ctx, j - 1, 'struct') && !isWord(ctx, j - 1, 'interface')) {
      const close = ctx.match[j]!;
      addSym(
        ctx,
        name,
        parent !== undefined ? 'method' : 'function',
        s,
        close,
        collapse(ctx.src, t.start[s]!, t.start[j]!),
        parent,
        exportedName(name),
        j,
        s,
      );
      return close + 1;
    }
    if (p === 59 || p === 125 || p === 41 || p === 93) break;
    last = j;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[j]! >= 0) {
      j = ctx.match[j]!;
      last = Math.min(j, t.n - 1);
    }
    j++;
  }
  addSym(
    ctx,
    name,
    parent !== undefined ? 'method' : 'function',
    s,
    last,
    lineSig(ctx, s, last),
    parent,
    exportedName(name),
    -1,
    s,
  );
  return last + 1;
}

/** One spec of a type/const/var/import declaration starting at i; `s` is where its symbols start. */
function parseSpec(ctx: Ctx, kw: string, i: number, end: number, s: number): number {
  const t = ctx.t;
  const e = lineEnd(ctx, i, end);
  if (kw === 'import') {
    for (let k = i; k <= e; k++) {
      if (t.kind[k] === T_STR) {
        const v = text(ctx, k);
        ctx.imports.push({ source: stringValue(v), line: t.line[k]! });
      }
    }
    return e + 1;
  }
  if (kw === 'type') {
    if (t.kind[i] !== T_IDENT) return e + 1;
    const name = text(ctx, i);
    let k = i + 1;
    // type parameters `[T any]` (an array type is `[N]T`)
    if (punct(ctx, k) === 91 && t.kind[k + 1] === T_IDENT && punct(ctx, k + 2) !== 93 && ctx.match[k]! >= 0)
      k = ctx.match[k]! + 1;
    if (punct(ctx, k) === 61) k++;
    const kind = isWord(ctx, k, 'struct') ? 'struct' : isWord(ctx, k, 'interface') ? 'interface' : 'type';
    const body = kind !== 'type' && punct(ctx, k + 1) === 123 ? k + 1 : -1;
    const sig = body >= 0 ? collapse(ctx.src, t.start[s]!, t.start[body]!) : lineSig(ctx, s, e);
    addSym(ctx, name, kind, s, e, sig, undefined, exportedName(name), -1, s);
    if (kind === 'interface' && body >= 0) parseInterface(ctx, body + 1, Math.min(ctx.match[body]!, e), name);
    return e + 1;
  }
  // const / var: names then type/values
  let k = i;
  while (k <= e && t.kind[k] === T_IDENT) {
    const name = text(ctx, k);
    if (name !== '_') {
      addSym(
        ctx,
        name,
        kw === 'const' ? 'constant' : 'variable',
        s,
        e,
        lineSig(ctx, s, e),
        undefined,
        exportedName(name),
        -1,
        s,
      );
    }
    if (punct(ctx, k + 1) !== 44) break;
    k += 2;
  }
  return e + 1;
}

function parseInterface(ctx: Ctx, i: number, end: number, parent: string): void {
  const t = ctx.t;
  while (i < end) {
    if (punct(ctx, i) === 59) {
      i++;
      continue;
    }
    const e = lineEnd(ctx, i, end);
    if (t.kind[i] === T_IDENT && punct(ctx, i + 1) === 40) {
      const name = text(ctx, i);
      addSym(ctx, name, 'method', i, e, lineSig(ctx, i, e), parent, exportedName(name), -1, i);
    }
    i = e + 1;
  }
}
