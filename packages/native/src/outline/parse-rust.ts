/** Rust outline: items, impl/trait members, inline modules. Mirrors src/parse/rust.rs. */
import { addSym, adjacent, type Ctx, collapse, isWord, lineSig, MAX_NEST, punct, text } from './common.js';
import { T_IDENT, T_LIFETIME, T_STR } from './lexer.js';

type Scope = 'mod' | 'impl' | 'trait';

/** From i, the body `{` of an item at bracket depth 0, or the `;` ending it. */
function bodyOrSemi(ctx: Ctx, i: number, end: number): { body: number; last: number } {
  let k = i;
  let last = i;
  while (k < end) {
    const p = punct(ctx, k);
    if (p === 123) return { body: k, last: k };
    if (p === 59) return { body: -1, last: k };
    if (p === 125) return { body: -1, last };
    last = k;
    if ((p === 40 || p === 91) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return { body: -1, last: Math.min(last, ctx.t.n - 1) };
}

/** End of `const`/`static`/`type`/`use`: the `;` at depth 0 (braces skipped). */
function semiEnd(ctx: Ctx, i: number, end: number): number {
  let k = i;
  let last = i;
  while (k < end) {
    const p = punct(ctx, k);
    if (p === 59) return k;
    if (p === 125) return last;
    last = k;
    if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
      k = ctx.match[k]!;
      last = Math.min(k, ctx.t.n - 1);
    }
    k++;
  }
  return Math.min(last, ctx.t.n - 1);
}

/** Skips a balanced `<…>` starting at i (which is `<`); `->` arrows are not closers. */
function skipAngles(ctx: Ctx, i: number, end: number): number {
  let d = 0;
  for (let k = i; k < end; k++) {
    const p = punct(ctx, k);
    if (p === 60) d++;
    else if (p === 62 && !adjacent(ctx, k - 1, 45, 62)) {
      if (--d === 0) return k + 1;
    } else if (p === 123 || p === 59) return k;
    else if ((p === 40 || p === 91) && ctx.match[k]! >= 0) k = ctx.match[k]!;
  }
  return end;
}

/** The impl's name: last path segment of the self type (through references), else `_`. */
function implName(ctx: Ctx, i: number, body: number): string {
  let k = i;
  if (punct(ctx, k) === 60) k = skipAngles(ctx, k, body);
  // find `for` at angle depth 0
  let d = 0;
  for (let j = k; j < body; j++) {
    const p = punct(ctx, j);
    if (p === 60) d++;
    else if (p === 62 && !adjacent(ctx, j - 1, 45, 62)) d--;
    else if (d === 0 && isWord(ctx, j, 'for')) {
      k = j + 1;
      break;
    } else if (d === 0 && isWord(ctx, j, 'where')) break;
    if ((p === 40 || p === 91) && ctx.match[j]! >= 0) j = ctx.match[j]!;
  }
  while (
    k < body &&
    (punct(ctx, k) === 38 || ctx.t.kind[k] === T_LIFETIME || isWord(ctx, k, 'mut') || punct(ctx, k) === 33)
  )
    k++;
  let name = '_';
  d = 0;
  for (let j = k; j < body; j++) {
    const p = punct(ctx, j);
    if (d === 0 && isWord(ctx, j, 'where')) break;
    if (p === 60) d++;
    else if (p === 62 && !adjacent(ctx, j - 1, 45, 62)) d--;
    else if (d === 0 && ctx.t.kind[j] === T_IDENT) {
      const w = text(ctx, j);
      if (j === k && (w === 'dyn' || w === 'impl' || w === 'fn')) return '_';
      name = w;
    } else if (d === 0 && j === k && p !== 58) return '_';
    if (d === 0 && (p === 40 || p === 91)) return name === '_' || j === k ? '_' : name;
  }
  return name;
}

export function parseRust(ctx: Ctx): void {
  parseItems(ctx, 0, ctx.t.n, undefined, 'mod', false, 0);
  collectUses(ctx);
}

/**
 * Every `use` and `extern crate` item at any depth — modules, function bodies, blocks — in token
 * order; macro invocations and `macro_rules!` bodies are skipped (they are not parsed as items).
 */
function collectUses(ctx: Ctx): void {
  const t = ctx.t;
  let i = 0;
  while (i < t.n) {
    if (t.kind[i] === T_IDENT && punct(ctx, i + 1) === 33) {
      let k = i + 2;
      if (t.kind[k] === T_IDENT && isWord(ctx, i, 'macro_rules')) k++;
      const p = punct(ctx, k);
      if ((p === 40 || p === 91 || p === 123) && ctx.match[k]! >= 0) {
        i = ctx.match[k]! + 1;
        continue;
      }
    }
    const use = isWord(ctx, i, 'use') && punct(ctx, i - 1) !== 43; // not `impl Trait + use<'a>`
    const crate = isWord(ctx, i, 'extern') && isWord(ctx, i + 1, 'crate');
    if (use || crate) {
      // the item starts at its visibility: `pub use`, `pub(crate) use`
      let s = i;
      if (punct(ctx, i - 1) === 41 && ctx.match[i - 1]! >= 0 && isWord(ctx, ctx.match[i - 1]! - 1, 'pub'))
        s = ctx.match[i - 1]! - 1;
      else if (isWord(ctx, i - 1, 'pub')) s = i - 1;
      const e = semiEnd(ctx, crate ? i + 2 : i + 1, t.n);
      if (crate) ctx.imports.push({ source: text(ctx, i + 2), line: t.line[s]! });
      else {
        const last = punct(ctx, e) === 59 ? e - 1 : e;
        if (last >= i + 1)
          ctx.imports.push({ source: collapse(ctx.src, t.start[i + 1]!, t.end[last]!), line: t.line[s]! });
      }
      i = e + 1;
      continue;
    }
    i++;
  }
}

function parseItems(
  ctx: Ctx,
  i: number,
  end: number,
  parent: string | undefined,
  scope: Scope,
  parentPub: boolean,
  nest: number,
): void {
  const t = ctx.t;
  while (i < end) {
    const d0 = i;
    // attributes
    while (punct(ctx, i) === 35) {
      let k = i + 1;
      if (punct(ctx, k) === 33) k++;
      if (punct(ctx, k) === 91 && ctx.match[k]! >= 0) i = ctx.match[k]! + 1;
      else break;
    }
    if (i >= end) return;
    const s = i;
    let pub = scope === 'trait' ? parentPub : false;
    if (isWord(ctx, i, 'pub')) {
      pub = true;
      i++;
      if (punct(ctx, i) === 40 && ctx.match[i]! >= 0) i = ctx.match[i]! + 1;
    }
    // qualifiers
    for (;;) {
      if (isWord(ctx, i, 'default') || isWord(ctx, i, 'async') || isWord(ctx, i, 'unsafe')) {
        if (punct(ctx, i + 1) === 33) break; // default!() macro
        i++;
      } else if (
        isWord(ctx, i, 'const') &&
        (isWord(ctx, i + 1, 'fn') ||
          isWord(ctx, i + 1, 'unsafe') ||
          isWord(ctx, i + 1, 'async') ||
          isWord(ctx, i + 1, 'extern'))
      ) {
        i++;
      } else if (
        isWord(ctx, i, 'extern') &&
        (isWord(ctx, i + 1, 'fn') || (t.kind[i + 1] === T_STR && isWord(ctx, i + 2, 'fn')))
      ) {
        i += t.kind[i + 1] === T_STR ? 2 : 1;
      } else break;
    }
    if (i >= end) return;
    const kw = t.kind[i] === T_IDENT ? text(ctx, i) : '';
    const nameOk = t.kind[i + 1] === T_IDENT;
    if (kw === 'fn' && nameOk) {
      const name = text(ctx, i + 1);
      const f = bodyOrSemi(ctx, i + 2, end);
      const kind = scope === 'mod' ? 'function' : 'method';
      if (f.body >= 0) {
        const close = ctx.match[f.body]!;
        addSym(ctx, name, kind, s, close, collapse(ctx.src, t.start[s]!, t.start[f.body]!), parent, pub, f.body, d0);
        i = close + 1;
      } else {
        addSym(ctx, name, kind, s, f.last, lineSig(ctx, s, f.last), parent, pub, -1, d0);
        i = f.last + 1;
      }
      continue;
    }
    if ((kw === 'struct' || kw === 'union' || kw === 'enum' || kw === 'trait') && nameOk && scope === 'mod') {
      const name = text(ctx, i + 1);
      const f = bodyOrSemi(ctx, i + 2, end);
      const kind = kw === 'union' ? 'struct' : kw;
      if (f.body >= 0) {
        const close = ctx.match[f.body]!;
        addSym(ctx, name, kind, s, close, collapse(ctx.src, t.start[s]!, t.start[f.body]!), parent, pub, -1, d0);
        if (kw === 'trait' && nest < MAX_NEST)
          parseItems(ctx, f.body + 1, Math.min(close, end), name, 'trait', pub, nest + 1);
        i = close + 1;
      } else {
        addSym(ctx, name, kind, s, f.last, lineSig(ctx, s, f.last), parent, pub, -1, d0);
        i = f.last + 1;
      }
      continue;
    }
    if (kw === 'impl' && scope === 'mod') {
      const f = bodyOrSemi(ctx, i + 1, end);
      if (f.body < 0) {
        i = f.last + 1;
        continue;
      }
      const close = ctx.match[f.body]!;
      const name = implName(ctx, i + 1, f.body);
      addSym(ctx, name, 'impl', s, close, collapse(ctx.src, t.start[s]!, t.start[f.body]!), parent, pub, -1, d0);
      if (nest < MAX_NEST) parseItems(ctx, f.body + 1, Math.min(close, end), name, 'impl', false, nest + 1);
      i = close + 1;
      continue;
    }
    if (kw === 'mod' && nameOk && scope === 'mod') {
      const name = text(ctx, i + 1);
      const f = bodyOrSemi(ctx, i + 2, end);
      if (f.body >= 0) {
        const close = ctx.match[f.body]!;
        addSym(ctx, name, 'module', s, close, collapse(ctx.src, t.start[s]!, t.start[f.body]!), parent, pub, -1, d0);
        if (nest < MAX_NEST) parseItems(ctx, f.body + 1, Math.min(close, end), name, 'mod', pub, nest + 1);
        i = close + 1;
      } else {
        addSym(ctx, name, 'module', s, f.last, lineSig(ctx, s, f.last), parent, pub, -1, d0);
        i = f.last + 1;
      }
      continue;
    }
    if ((kw === 'const' || kw === 'static' || kw === 'type') && (nameOk || punct(ctx, i + 1) === 95)) {
      let k = i + 1;
      if (kw === 'static' && isWord(ctx, k, 'mut')) k++;
      const e = semiEnd(ctx, k, end);
      const last = punct(ctx, e) === 59 ? e - 1 : e;
      const name = text(ctx, k);
      if (name !== '_' && !(kw === 'type' && scope === 'mod' && false)) {
        const kind = kw === 'const' ? 'constant' : kw === 'static' ? 'variable' : 'type';
        addSym(ctx, name, kind, s, e, lineSig(ctx, s, last), parent, pub, -1, d0);
      }
      i = e + 1;
      continue;
    }
    if (kw === 'use') {
      // recorded by collectUses (imports at any depth)
      i = semiEnd(ctx, i + 1, end) + 1;
      continue;
    }
    if (kw === 'extern' && isWord(ctx, i + 1, 'crate')) {
      i = semiEnd(ctx, i + 2, end) + 1;
      continue;
    }
    // anything else (macros, extern blocks, stray tokens): skip a group or a token
    const p = punct(ctx, i);
    if ((p === 123 || p === 40 || p === 91) && ctx.match[i]! >= 0) {
      i = ctx.match[i]! + 1;
      continue;
    }
    if (kw === 'extern' || (kw !== '' && punct(ctx, i + 1) === 33)) {
      const f = bodyOrSemi(ctx, i + 1, end);
      i = f.body >= 0 ? ctx.match[f.body]! + 1 : f.last + 1;
      if (punct(ctx, i) === 59) i++;
      continue;
    }
    i = i > d0 ? i : i + 1;
  }
}
