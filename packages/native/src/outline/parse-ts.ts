/** TypeScript / TSX / JavaScript outline over the token stream. Mirrors crate/src/parse/ts.rs. */
import { addSym, adjacent, type Ctx, collapse, isWord, lineSig, MAX_NEST, punct, stringValue, text } from './common.js';
import { T_IDENT, T_NUM, T_PUNCT, T_STR } from './lexer.js';

const MODIFIERS = new Set(['export', 'default', 'declare', 'abstract', 'async']);
const MEMBER_MODS = new Set([
  'static',
  'public',
  'private',
  'protected',
  'readonly',
  'abstract',
  'override',
  'declare',
  'async',
  'accessor',
  'get',
  'set',
]);

/** Words that continue an expression or type across a newline. */
const CONTINUE = new Set(['extends', 'instanceof', 'in', 'as', 'satisfies', 'of', 'is', 'implements']);

/** Whether token i-1 can end a statement: an identifier, literal or closer (not `=>`). */
function endsItem(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (t.kind[i] !== T_PUNCT) return true;
  const p = punct(ctx, i);
  if (p === 62) return !adjacent(ctx, i - 1, 61, 62);
  return p === 41 || p === 93 || p === 125 || p === 59;
}

/** Whether token i can start a new statement/member after a newline. */
function startsItem(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  const k = t.kind[i];
  if (k === T_IDENT) return !CONTINUE.has(text(ctx, i));
  if (k === T_NUM) return true;
  if (k === T_STR) return ctx.src.charCodeAt(t.start[i]!) !== 96;
  const p = punct(ctx, i);
  return p === 64 || p === 35;
}

/** Whether a newline before token i ends the current statement (ASI, approximated on tokens). */
function asiBreak(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (i === 0 || t.line[i] === t.endLine[i - 1]) return false;
  return endsItem(ctx, i - 1) && startsItem(ctx, i);
}

/** Member-level newline break: both sides look like complete items (a computed `[name]` or `*gen` may start one). */
function memberBreak(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (i === 0 || t.line[i] === t.endLine[i - 1]) return false;
  if (!endsItem(ctx, i - 1)) return false;
  const p = punct(ctx, i);
  return startsItem(ctx, i) || p === 91 || p === 42;
}

/** Index of the token ending a statement that starts at i (the `;`, or the last token before a break). */
function stmtEnd(ctx: Ctx, i: number, end: number): number {
  let k = i;
  let last = i;
  while (k < end) {
    if (k > i && asiBreak(ctx, k)) return last;
    const p = punct(ctx, k);
    if (p === 59) return k;
    if (p === 125 || p === 41 || p === 93) return last; // closes an enclosing block
    last = k;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return Math.min(last, ctx.t.n - 1);
}

/** True when a `{` at token i opens a type literal (not a body): judged by the previous token. */
function typeBrace(ctx: Ctx, i: number): boolean {
  const p = punct(ctx, i - 1);
  if (p === 58 || p === 124 || p === 38 || p === 60 || p === 44 || p === 40 || p === 91 || p === 63 || p === 61) {
    return true;
  }
  if (p === 62 && adjacent(ctx, i - 2, 61, 62)) return true; // =>
  return isWord(ctx, i - 1, 'keyof') || isWord(ctx, i - 1, 'typeof') || isWord(ctx, i - 1, 'is');
}

/** From i, the body `{` of a function/class/interface, or -1 (then `*stop` is where the declaration ends). */
function findBody(ctx: Ctx, i: number, end: number, member: boolean): { body: number; last: number } {
  let k = i;
  let last = i - 1;
  let angle = 0;
  while (k < end) {
    if (k > i && angle <= 0 && (member ? memberBreak(ctx, k) : asiBreak(ctx, k))) return { body: -1, last };
    const p = punct(ctx, k);
    if (p === 59) return { body: -1, last: k };
    if (p === 125 || p === 41 || p === 93) return { body: -1, last };
    if (p === 123 && angle <= 0 && !typeBrace(ctx, k)) return { body: k, last: k };
    if (p === 60) angle++;
    else if (p === 62 && !adjacent(ctx, k - 1, 61, 62)) angle--;
    else if (member && angle <= 0 && (p === 44 || (p === 61 && !adjacent(ctx, k, 61, 62)))) return { body: -1, last };
    last = k;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return { body: -1, last: Math.min(last, ctx.t.n - 1) };
}

/** Skips decorators from i; returns the first token after them. */
function skipDecorators(ctx: Ctx, i: number, end: number): number {
  while (i < end && punct(ctx, i) === 64 && i + 1 < end && ctx.t.kind[i + 1] === T_IDENT) {
    i += 2;
    while (i + 1 < end && punct(ctx, i) === 46 && ctx.t.kind[i + 1] === T_IDENT) i += 2;
    if (punct(ctx, i) === 40 && ctx.match[i]! >= 0) i = ctx.match[i]! + 1;
  }
  return i;
}

/**
 * If the tokens from i (just after `=`) are a function expression or arrow function, returns its body
 * brace (or -2 for an expression-bodied arrow); else -1.
 */
function functionInit(ctx: Ctx, i: number, end: number): number {
  const t = ctx.t;
  if (isWord(ctx, i, 'async') && i + 1 < end && t.line[i + 1] === t.line[i]) i++;
  if (isWord(ctx, i, 'function')) {
    const f = findBody(ctx, i + 1, end, false);
    return f.body >= 0 ? f.body : -1;
  }
  if (punct(ctx, i) === 60) {
    // generic arrow: <T>(…) — skip a balanced angle group
    let d = 0;
    let k = i;
    for (; k < end; k++) {
      const p = punct(ctx, k);
      if (p === 60) d++;
      else if (p === 62 && !adjacent(ctx, k - 1, 61, 62)) {
        if (--d === 0) break;
      } else if (p === 59 || p === 123) return -1;
    }
    i = k + 1;
  }
  let k: number;
  if (punct(ctx, i) === 40 && ctx.match[i]! >= 0 && ctx.match[i]! < end) k = ctx.match[i]! + 1;
  else if (t.kind[i] === T_IDENT && i < end) k = i + 1;
  else return -1;
  if (punct(ctx, k) === 58) {
    // return type annotation up to =>
    for (let j = k + 1; j < end; j++) {
      if (adjacent(ctx, j, 61, 62)) {
        k = j;
        break;
      }
      const p = punct(ctx, j);
      if (p === 59 || p === 44 || p === 125 || p === 41) return -1;
      if ((p === 40 || p === 91 || p === 123) && ctx.match[j]! >= 0) j = ctx.match[j]!;
    }
  }
  if (!adjacent(ctx, k, 61, 62)) return -1;
  return punct(ctx, k + 2) === 123 ? k + 2 : -2;
}

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
  if (exported && (punct(ctx, i) === 123 || punct(ctx, i) === 42)) {
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
        else if (p === 61 && !adjacent(ctx, k, 61, 62) && punct(ctx, k + 1) !== 61) {
          seenEq = k;
          angle = 0;
        }
      } else if (p === 60 && t.kind[k - 1] === T_IDENT && t.end[k - 1] === t.start[k]) {
        angle++; // call type arguments: f<A, B>(…)
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
      if (fb >= 0 && fb <= last) {
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

/** Class or interface body members in [i, end). */
function parseMembers(ctx: Ctx, i: number, end: number, parent: string, iface: boolean, parentExported: boolean): void {
  const t = ctx.t;
  while (i < end) {
    const d0 = i;
    i = skipDecorators(ctx, i, end);
    if (i >= end) return;
    const p0 = punct(ctx, i);
    if (p0 === 59 || p0 === 44) {
      i++;
      continue;
    }
    const s = i;
    let hidden = false;
    // modifiers, unless the word is itself the member name
    while (i < end && t.kind[i] === T_IDENT && MEMBER_MODS.has(text(ctx, i))) {
      const np = punct(ctx, i + 1);
      if (
        np === 40 ||
        np === 61 ||
        np === 59 ||
        np === 58 ||
        np === 63 ||
        np === 33 ||
        np === 60 ||
        np === 125 ||
        np === 44
      )
        break;
      if (i + 1 < end && t.line[i + 1] !== t.line[i] && t.kind[i + 1] !== T_IDENT) break;
      const w = text(ctx, i);
      if (w === 'private' || w === 'protected') hidden = true;
      i++;
    }
    if (isWord(ctx, s, 'static') && i === s + 1 && punct(ctx, i) === 123) {
      // static initialization block
      i = ctx.match[i]! + 1;
      continue;
    }
    if (punct(ctx, i) === 42) i++;
    let nameTok = i;
    let name: string;
    let k: number;
    const k0 = t.kind[i];
    if (punct(ctx, i) === 35 && t.kind[i + 1] === T_IDENT && t.end[i] === t.start[i + 1]) {
      name = '#' + text(ctx, i + 1);
      hidden = true;
      k = i + 2;
    } else if (k0 === T_IDENT || k0 === T_STR || k0 === T_NUM) {
      name = text(ctx, i);
      k = i + 1;
    } else if (punct(ctx, i) === 91 && ctx.match[i]! < end) {
      if (t.kind[i + 1] === T_IDENT && punct(ctx, i + 2) === 58) {
        // index signature: skip it
        i = memberEnd(ctx, i, end) + 1;
        continue;
      }
      name = ctx.src.slice(t.start[i]!, t.end[ctx.match[i]!]!);
      k = ctx.match[i]! + 1;
    } else {
      // call/construct signature or junk: skip the member
      i = memberEnd(ctx, i, end) + 1;
      continue;
    }
    if (iface && isWord(ctx, nameTok, 'new') && punct(ctx, k) === 40) {
      i = memberEnd(ctx, i, end) + 1;
      continue;
    }
    if (punct(ctx, k) === 63 || punct(ctx, k) === 33) k++;
    const exported = parentExported && !hidden;
    const pk = punct(ctx, k);
    if (pk === 40 || pk === 60) {
      if (iface) {
        const e = memberEnd(ctx, k, end);
        addSym(
          ctx,
          name,
          'method',
          s,
          memberLast(ctx, e),
          lineSig(ctx, s, memberLast(ctx, e)),
          parent,
          exported,
          -1,
          d0,
        );
        i = e + 1;
        continue;
      }
      const f = findBody(ctx, k, end, true);
      if (f.body >= 0) {
        const close = ctx.match[f.body]!;
        addSym(
          ctx,
          name,
          'method',
          s,
          close,
          collapse(ctx.src, t.start[s]!, t.start[f.body]!),
          parent,
          exported,
          f.body,
          d0,
        );
        i = close + 1;
      } else {
        addSym(
          ctx,
          name,
          'method',
          s,
          memberLast(ctx, f.last),
          lineSig(ctx, s, memberLast(ctx, f.last)),
          parent,
          exported,
          -1,
          d0,
        );
        i = f.last + 1;
      }
      continue;
    }
    // property
    const e = memberEnd(ctx, k, end);
    const last = memberLast(ctx, e);
    let eq = -1;
    for (let j = k; j <= last; j++) {
      const p = punct(ctx, j);
      if (p === 61 && !adjacent(ctx, j, 61, 62)) {
        eq = j;
        break;
      }
      if ((p === 40 || p === 91 || p === 123) && ctx.match[j]! >= 0) j = ctx.match[j]!;
    }
    const fb = eq >= 0 && !iface ? functionInit(ctx, eq + 1, end) : -1;
    if (fb >= 0 && fb <= last) {
      addSym(ctx, name, 'method', s, last, collapse(ctx.src, t.start[s]!, t.start[fb]!), parent, exported, fb, d0);
    } else {
      addSym(ctx, name, fb === -2 ? 'method' : 'variable', s, last, lineSig(ctx, s, last), parent, exported, -1, d0);
    }
    nameTok = e;
    i = e + 1;
  }
}

function memberLast(ctx: Ctx, e: number): number {
  const p = punct(ctx, e);
  return (p === 59 || p === 44) && e > 0 ? e - 1 : e;
}

/** End token of a class/interface member starting at i: its `;`/`,`, or the last token before a break. */
function memberEnd(ctx: Ctx, i: number, end: number): number {
  let k = i;
  let last = i;
  let angle = 0;
  let seenEq = false;
  while (k < end) {
    if (k > i && memberBreak(ctx, k)) return last;
    const p = punct(ctx, k);
    if (p === 59 || (p === 44 && (angle <= 0 || seenEq))) return k;
    if (!seenEq) {
      if (p === 60) angle++;
      else if (p === 62 && !adjacent(ctx, k - 1, 61, 62)) angle--;
      else if (p === 61 && !adjacent(ctx, k, 61, 62)) seenEq = true;
    }
    if (p === 125 || p === 41 || p === 93) return last;
    last = k;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return Math.min(last, ctx.t.n - 1);
}
