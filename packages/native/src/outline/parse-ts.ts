/** TypeScript / TSX / JavaScript outline over the token stream. Mirrors src/parse/ts.rs. */
import { addSym, adjacent, type Ctx, collapse, isWord, lineSig, MAX_NEST, punct, stringValue, text } from './common.js';
import { T_IDENT, T_STR } from './lexer.js';
import { parseMembers } from './parse-ts-members.js';
import { asiBreak, findBody, functionInit, skipDecorators, stmtEnd } from './ts-scan.js';

const MODIFIERS = new Set(['export', 'default', 'declare', 'abstract', 'async']);

function parseImport(ctx: Ctx, s: number, i: number, end: number): number {
  const e = stmtEnd(ctx, i, end);
  let src = -1;
  for (let k = i; k <= e && k < end; k++) {
    if (ctx.t.kind[k] === T_STR && (isWord(ctx, k - 1, 'from') || src < 0)) {
      src = k;
      if (isWord(ctx, k - 1, 'from')) break;
    }
  }
  if (src >= 0) ctx.imports.push({ source: stringValue(text(ctx, src)), line: ctx.t.line[s]! });
  return e + 1;
}

/** Parses statements in tokens [i, end) with the given parent; records declarations. */
export function parseStatements(ctx: Ctx, i: number, end: number, parent: string | undefined, nest: number): void {
  while (i < end) {
    const next = parseStatement(ctx, i, end, parent, nest);
    i = next > i ? next : i + 1;
  }
}

function parseStatement(ctx: Ctx, i: number, end: number, parent: string | undefined, nest: number): number {
  const t = ctx.t;
  const d0 = i;
  i = skipDecorators(ctx, i, end);
  const s = i;
  let exported = false;
  let dflt = false;
  while (i < end && t.kind[i] === T_IDENT) {
    const w = text(ctx, i);
    if (!MODIFIERS.has(w)) break;
    // `async` / `default` used as a plain identifier
    if (w === 'default' && !exported) break;
    if (w === 'async' && !isWord(ctx, i + 1, 'function')) break;
    if (w === 'export') exported = true;
    if (w === 'default') dflt = true;
    i++;
  }
  if (i >= end) return end;
  const kw = t.kind[i] === T_IDENT ? text(ctx, i) : '';
  if (kw === 'import' && punct(ctx, i + 1) !== 40 && punct(ctx, i + 1) !== 46) return parseImport(ctx, s, i, end);
  const reexport = punct(ctx, i) === 123 || punct(ctx, i) === 42;
  const typeReexport = kw === 'type' && (punct(ctx, i + 1) === 123 || punct(ctx, i + 1) === 42);
  if (exported && (reexport || typeReexport)) {
    const e = stmtEnd(ctx, i, end);
    for (let k = i; k <= e; k++) {
      if (isWord(ctx, k, 'from') && t.kind[k + 1] === T_STR) {
        ctx.imports.push({ source: stringValue(text(ctx, k + 1)), line: t.line[s]! });
        break;
      }
    }
    return e + 1;
  }
  if (kw === 'function') {
    let k = i + 1;
    if (punct(ctx, k) === 42) k++;
    let name = dflt ? 'default' : '';
    if (t.kind[k] === T_IDENT && punct(ctx, k) !== 40) {
      name = text(ctx, k);
      k++;
    }
    const f = findBody(ctx, k, end, false);
    if (name === '') return f.body >= 0 ? ctx.match[f.body]! + 1 : f.last + 1;
    if (f.body >= 0) {
      addSym(
        ctx,
        name,
        'function',
        s,
        ctx.match[f.body]!,
        collapse(ctx.src, t.start[s]!, t.start[f.body]!),
        parent,
        exported,
        f.body,
        d0,
      );
      return ctx.match[f.body]! + 1;
    }
    addSym(ctx, name, 'function', s, f.last, sigTo(ctx, s, f.last), parent, exported, -1, d0);
    return f.last + 1;
  }
  if (kw === 'class' || (kw === 'interface' && t.kind[i + 1] === T_IDENT)) {
    let k = i + 1;
    let name = dflt ? 'default' : '';
    if (t.kind[k] === T_IDENT && !isWord(ctx, k, 'extends') && !isWord(ctx, k, 'implements')) {
      name = text(ctx, k);
      k++;
    }
    const f = findBody(ctx, k, end, false);
    if (f.body < 0) {
      if (name !== '' && kw === 'class')
        addSym(ctx, name, 'class', s, f.last, sigTo(ctx, s, f.last), parent, exported, -1, d0);
      return f.last + 1;
    }
    const close = ctx.match[f.body]!;
    if (name === '') return close + 1;
    addSym(ctx, name, kw, s, close, collapse(ctx.src, t.start[s]!, t.start[f.body]!), parent, exported, -1, d0);
    if (nest < MAX_NEST) parseMembers(ctx, f.body + 1, Math.min(close, end), name, kw === 'interface', exported);
    return close + 1;
  }
  if (kw === 'type' && t.kind[i + 1] === T_IDENT && (punct(ctx, i + 2) === 61 || punct(ctx, i + 2) === 60)) {
    const e = stmtEnd(ctx, i, end);
    addSym(
      ctx,
      text(ctx, i + 1),
      'type',
      s,
      stmtLast(ctx, e),
      lineSig(ctx, s, stmtLast(ctx, e)),
      parent,
      exported,
      -1,
      d0,
    );
    return e + 1;
  }
  if ((kw === 'enum' && t.kind[i + 1] === T_IDENT) || (kw === 'const' && isWord(ctx, i + 1, 'enum'))) {
    const k = kw === 'const' ? i + 2 : i + 1;
    const f = findBody(ctx, k + 1, end, false);
    const close = f.body >= 0 ? ctx.match[f.body]! : f.last;
    addSym(
      ctx,
      text(ctx, k),
      'enum',
      s,
      close,
      f.body >= 0 ? collapse(ctx.src, t.start[s]!, t.start[f.body]!) : sigTo(ctx, s, close),
      parent,
      exported,
      -1,
      d0,
    );
    return close + 1;
  }
  if (
    (kw === 'namespace' || kw === 'module' || kw === 'global') &&
    (t.kind[i + 1] === T_IDENT || t.kind[i + 1] === T_STR || (kw === 'global' && punct(ctx, i + 1) === 123)) &&
    t.line[i + 1] === t.line[i]
  ) {
    let k = i + 1;
    let name: string;
    if (kw === 'global') {
      name = 'global';
    } else if (t.kind[k] === T_STR) {
      name = stringValue(text(ctx, k));
      k++;
    } else {
      name = text(ctx, k);
      k++;
      while (punct(ctx, k) === 46 && t.kind[k + 1] === T_IDENT) {
        name += '.' + text(ctx, k + 1);
        k += 2;
      }
    }
    if (punct(ctx, k) === 123) {
      const close = ctx.match[k]!;
      addSym(ctx, name, 'module', s, close, collapse(ctx.src, t.start[s]!, t.start[k]!), parent, exported, -1, d0);
      if (nest < MAX_NEST) parseStatements(ctx, k + 1, Math.min(close, end), name, nest + 1);
      return close + 1;
    }
    const e = stmtEnd(ctx, i, end);
    addSym(ctx, name, 'module', s, stmtLast(ctx, e), sigTo(ctx, s, stmtLast(ctx, e)), parent, exported, -1, d0);
    return e + 1;
  }
  if (
    (kw === 'const' || kw === 'let' || kw === 'var') &&
    (t.kind[i + 1] === T_IDENT || punct(ctx, i + 1) === 123 || punct(ctx, i + 1) === 91)
  ) {
    return parseVariables(ctx, s, i + 1, end, kw === 'const' ? 'constant' : 'variable', parent, exported, d0);
  }
  return stmtEnd(ctx, s, end) + 1;
}

/** Whether the function whose body closes at `close` is called or accessed (`}()`, `}.call`) before `last`. */
function calledAfter(ctx: Ctx, close: number, last: number): boolean {
  if (close < 0 || close >= last) return false;
  const p = punct(ctx, close + 1);
  return p === 40 || p === 46 || p === 91;
}

/** The last token of a statement ending at e, excluding a trailing `;`. */
function stmtLast(ctx: Ctx, e: number): number {
  return punct(ctx, e) === 59 && e > 0 ? e - 1 : e;
}

function sigTo(ctx: Ctx, s: number, e: number): string {
  return lineSig(ctx, s, stmtLast(ctx, e));
}

/** `const a = 1, b = () => {…};` — one symbol per simple declarator. */
function parseVariables(
  ctx: Ctx,
  s: number,
  i: number,
  end: number,
  kind: 'constant' | 'variable',
  parent: string | undefined,
  exported: boolean,
  d0: number,
): number {
  const t = ctx.t;
  let first = true;
  while (i < end) {
    const nameTok = i;
    const simple = t.kind[i] === T_IDENT;
    // scan the declarator: angle depth counts only before `=`
    let k = i;
    let angle = 0;
    let seenEq = -1;
    let last = i;
    let stop = -1; // index of ',' or ';' ending it, or -1 at a break/end
    while (k < end) {
      if (k > i && asiBreak(ctx, k)) break;
      const p = punct(ctx, k);
      if (p === 59) {
        stop = k;
        break;
      }
      if (p === 125 || p === 41 || p === 93) break;
      if (p === 44 && angle <= 0) {
        stop = k;
        break;
      }
      if (seenEq < 0) {
        if (p === 60) angle++;
        else if (p === 62 && !adjacent(ctx, k - 1, 61, 62)) angle--;
        else if (p === 61 && angle <= 0 && !adjacent(ctx, k, 61, 62) && punct(ctx, k + 1) !== 61) {
          seenEq = k;
          angle = 0;
        }
      } else if (p === 60 && ((t.kind[k - 1] === T_IDENT && t.end[k - 1] === t.start[k]) || k === seenEq + 1)) {
        angle++; // call type arguments `f<A, B>(…)`, or a generic arrow's `= <A, B>(…) =>`
      } else if (p === 62 && angle > 0 && !adjacent(ctx, k - 1, 61, 62)) {
        angle--;
      }
      last = k;
      if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
        k = ctx.match[k]!;
        last = Math.min(k, t.n - 1);
      }
      k++;
    }
    if (simple) {
      const from = first ? s : nameTok;
      const fb = seenEq >= 0 ? functionInit(ctx, seenEq + 1, end) : -1;
      if (fb >= 0 && fb <= last && !calledAfter(ctx, ctx.match[fb]!, last)) {
        addSym(
          ctx,
          text(ctx, nameTok),
          'function',
          from,
          last,
          collapse(ctx.src, t.start[from]!, t.start[fb]!),
          parent,
          exported,
          fb,
          first ? d0 : nameTok,
        );
      } else {
        addSym(
          ctx,
          text(ctx, nameTok),
          fb === -2 ? 'function' : kind,
          from,
          last,
          lineSig(ctx, from, last),
          parent,
          exported,
          -1,
          first ? d0 : nameTok,
        );
      }
    }
    first = false;
    if (stop >= 0 && punct(ctx, stop) === 44) {
      i = stop + 1;
      continue;
    }
    return stop >= 0 ? stop + 1 : last + 1;
  }
  return i;
}
