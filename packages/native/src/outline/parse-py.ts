/** Python outline: logical lines from the token stream, blocks by indentation. Mirrors src/parse/py.rs. */
import { addSym, type Ctx, collapse, lineSig, MAX_NEST, punct, text } from './common.js';
import { T_IDENT, T_STR } from './lexer.js';

const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

interface Stmts {
  first: number[];
  last: number[];
  indent: number[];
  /** Index of the first later statement with indent <= this one's. */
  blockEnd: number[];
}

function statements(ctx: Ctx): Stmts {
  const t = ctx.t;
  const first: number[] = [];
  const last: number[] = [];
  const indent: number[] = [];
  let i = 0;
  while (i < t.n) {
    const f = i;
    let k = i;
    // a logical line: until a token that starts on a new physical line, outside brackets and
    // not after a backslash continuation
    for (;;) {
      const p = punct(ctx, k);
      if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) k = Math.min(ctx.match[k]!, t.n - 1);
      if (k + 1 >= t.n) break;
      if (t.line[k + 1] !== t.endLine[k] && punct(ctx, k) !== 92) break;
      k++;
    }
    first.push(f);
    last.push(k);
    // indentation: spaces/tabs/form feeds before the token (a BOM does not count)
    let ind = 0;
    for (let q = t.lineStarts[t.line[f]! - 1]!; q < t.start[f]!; q++) {
      const c = ctx.src.charCodeAt(q);
      if (c === 32 || c === 9 || c === 12) ind++;
    }
    indent.push(ind);
    i = k + 1;
  }
  const n = first.length;
  const blockEnd = new Array<number>(n).fill(n);
  const stack: number[] = [];
  for (let j = 0; j < n; j++) {
    while (stack.length > 0 && indent[stack[stack.length - 1]!]! >= indent[j]!) blockEnd[stack.pop()!] = j;
    stack.push(j);
  }
  return { first, last, indent, blockEnd };
}

function isConstName(name: string): boolean {
  let upper = false;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c >= 65 && c <= 90) upper = true;
    else if (!(c === 95 || (c >= 48 && c <= 57))) return false;
  }
  return upper;
}

export function parsePython(ctx: Ctx): void {
  const st = statements(ctx);
  parseBlock(ctx, st, 0, st.first.length, undefined, 0);
  collectImports(ctx, st);
}

/** Statements that end their header with a `:` (simple statements may follow it on the same line). */
const COMPOUND = new Set([
  'if',
  'elif',
  'else',
  'try',
  'except',
  'finally',
  'while',
  'for',
  'with',
  'def',
  'class',
  'async',
]);

/**
 * Every import statement at any depth — in functions, `try:` / `except` blocks, `if` branches, class
 * bodies — including simple statements after a header colon (`try: import x`) and after `;`.
 */
function collectImports(ctx: Ctx, st: Stmts): void {
  const t = ctx.t;
  for (let j = 0; j < st.first.length; j++) {
    let a = st.first[j]!;
    const l = st.last[j]!;
    if (t.kind[a] === T_IDENT && COMPOUND.has(text(ctx, a))) {
      // the header colon: first `:` at bracket depth 0 that is not a walrus `:=`
      let c = a + 1;
      while (c <= l) {
        const p = punct(ctx, c);
        if (p === 58 && !(punct(ctx, c + 1) === 61 && t.end[c] === t.start[c + 1])) break;
        if ((p === 40 || p === 91 || p === 123) && ctx.match[c]! >= 0) c = ctx.match[c]!;
        c++;
      }
      a = c + 1;
    }
    // simple statements separated by `;`
    while (a <= l) {
      let b = a;
      while (b <= l && punct(ctx, b) !== 59) {
        const p = punct(ctx, b);
        if ((p === 40 || p === 91 || p === 123) && ctx.match[b]! >= 0) b = Math.min(ctx.match[b]!, l);
        b++;
      }
      if (t.kind[a] === T_IDENT) {
        const kw = text(ctx, a);
        if (kw === 'import' || kw === 'from') parseImport(ctx, a, b - 1, kw === 'from');
      }
      a = b + 1;
    }
  }
}

function parseBlock(ctx: Ctx, st: Stmts, j: number, end: number, parent: string | undefined, nest: number): void {
  const t = ctx.t;
  const base = j < end ? st.indent[j]! : 0;
  let deco = -1;
  while (j < end) {
    if (st.indent[j] !== base) {
      j++;
      continue;
    }
    const f = st.first[j]!;
    const l = st.last[j]!;
    if (punct(ctx, f) === 64) {
      if (deco < 0) deco = f;
      j++;
      continue;
    }
    const d0 = deco >= 0 ? deco : f;
    deco = -1;
    let k = f;
    if (text(ctx, k) === 'async' && text(ctx, k + 1) === 'def') k++;
    const kw = t.kind[k] === T_IDENT ? text(ctx, k) : '';
    if ((kw === 'def' || kw === 'class') && t.kind[k + 1] === T_IDENT) {
      const name = text(ctx, k + 1);
      // header colon: first ':' at bracket depth 0 after the name
      let c = k + 2;
      while (c <= l) {
        const p = punct(ctx, c);
        if (p === 58) break;
        if ((p === 40 || p === 91 || p === 123) && ctx.match[c]! >= 0) c = ctx.match[c]!;
        c++;
      }
      const be = st.blockEnd[j]!;
      const lastTok = be - 1 > j ? st.last[be - 1]! : l;
      const kind = kw === 'class' ? 'class' : parent !== undefined ? 'method' : 'function';
      const sig = collapse(ctx.src, t.start[f]!, c <= l ? t.start[c]! : t.end[l]!);
      const sym = addSym(ctx, name, kind, f, lastTok, sig, parent, !name.startsWith('_'), -1, d0);
      if (c < l || be - 1 > j) {
        // body: after the colon (and after a docstring), replaced by `...`
        if (c < l) {
          sym.b0 = t.end[c]!;
          sym.repl = ' ...';
        } else {
          const bf = st.first[j + 1]!;
          const ind = ctx.src.slice(t.lineStarts[t.line[bf]! - 1]!, t.start[bf]!);
          sym.b0 = t.end[c]!;
          if (t.kind[bf] === T_STR && st.last[j + 1] === bf) {
            sym.b0 = t.end[bf]!;
          }
          sym.repl = '\n' + ind + '...';
        }
        sym.b1 = t.end[lastTok]!;
      }
      if (kw === 'class' && be - 1 > j && nest < MAX_NEST) parseBlock(ctx, st, j + 1, be, name, nest + 1);
      j = be;
      continue;
    }
    if (t.kind[f] === T_IDENT && !KEYWORDS.has(text(ctx, f))) {
      // NAME = … [= …], or NAME: annotation [= …]
      if (punct(ctx, f + 1) === 58 && f + 1 <= l) {
        const name = text(ctx, f);
        addSym(
          ctx,
          name,
          isConstName(name) ? 'constant' : 'variable',
          f,
          l,
          lineSig(ctx, f, l),
          parent,
          !name.startsWith('_'),
          -1,
          d0,
        );
      } else {
        let q = f;
        while (q + 1 <= l && t.kind[q] === T_IDENT && isAssign(ctx, q + 1) && !KEYWORDS.has(text(ctx, q))) {
          const name = text(ctx, q);
          addSym(
            ctx,
            name,
            isConstName(name) ? 'constant' : 'variable',
            f,
            l,
            lineSig(ctx, f, l),
            parent,
            !name.startsWith('_'),
            -1,
            d0,
          );
          q += 2;
        }
      }
    }
    j++;
  }
}

/** `=` that is an assignment (not `==`, `<=`, `+=`…). */
function isAssign(ctx: Ctx, i: number): boolean {
  if (punct(ctx, i) !== 61) return false;
  const t = ctx.t;
  if (i + 1 < t.n && punct(ctx, i + 1) === 61 && t.end[i] === t.start[i + 1]) return false;
  return true;
}

function parseImport(ctx: Ctx, f: number, l: number, from: boolean): void {
  const t = ctx.t;
  const line = t.line[f]!;
  if (from) {
    // from .a.b import c
    let k = f + 1;
    let src = '';
    while (k <= l && !(t.kind[k] === T_IDENT && text(ctx, k) === 'import')) {
      src += text(ctx, k);
      k++;
    }
    ctx.imports.push({ source: src, line });
    return;
  }
  let k = f + 1;
  let cur = '';
  let skip = false;
  while (k <= l) {
    const p = punct(ctx, k);
    if (p === 44) {
      if (cur !== '') ctx.imports.push({ source: cur, line });
      cur = '';
      skip = false;
    } else if (t.kind[k] === T_IDENT && text(ctx, k) === 'as') {
      skip = true;
    } else if (!skip && p !== 40 && p !== 41 && p !== 92) {
      cur += text(ctx, k);
    }
    k++;
  }
  if (cur !== '') ctx.imports.push({ source: cur, line });
}
