/** Class and interface members for the TS/JS outliner (mirrors parse_members in src/parse/ts.rs). */
import { addSym, adjacent, type Ctx, collapse, isWord, lineSig, punct, text } from './common.js';
import { T_IDENT, T_NUM, T_STR } from './lexer.js';
import { findBody, functionInit, memberBreak, skipDecorators } from './ts-scan.js';

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

/** Class or interface body members in [i, end). */
export function parseMembers(
  ctx: Ctx,
  i: number,
  end: number,
  parent: string,
  iface: boolean,
  parentExported: boolean,
): void {
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
    if (iface && isWord(ctx, nameTok, 'new') && (punct(ctx, k) === 40 || punct(ctx, k) === 60)) {
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
    const e = memberEnd(ctx, k, end, iface);
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
function memberEnd(ctx: Ctx, i: number, end: number, iface = true): number {
  let k = i;
  let last = i;
  let angle = 0;
  let seenEq = false;
  while (k < end) {
    if (k > i && memberBreak(ctx, k)) return last;
    const p = punct(ctx, k);
    if (p === 59 || (p === 44 && (seenEq ? iface : angle <= 0))) return k;
    if (!seenEq) {
      if (p === 60) angle++;
      else if (p === 62 && !adjacent(ctx, k - 1, 61, 62)) angle--;
      else if (p === 61 && angle <= 0 && !adjacent(ctx, k, 61, 62)) seenEq = true;
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
