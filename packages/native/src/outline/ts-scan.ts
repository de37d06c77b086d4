/** Token-level scanning helpers shared by the TS/JS statement and member parsers (mirrors src/parse/ts.rs). */
import { adjacent, type Ctx, isWord, punct, text } from './common.js';
import { T_IDENT, T_NUM, T_PUNCT, T_STR } from './lexer.js';

/** Words that continue an expression or type across a newline. */
const CONTINUE = new Set(['extends', 'instanceof', 'in', 'as', 'satisfies', 'of', 'is', 'implements']);

/** Words that cannot end a statement or member: a newline after them continues it. */
const NO_END = new Set(['extends', 'implements', 'instanceof', 'satisfies', 'keyof', 'typeof']);

/** Whether token i-1 can end a statement: an identifier, literal or closer (not `=>`). */
export function endsItem(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (t.kind[i] === T_IDENT) return !NO_END.has(text(ctx, i));
  if (t.kind[i] !== T_PUNCT) return true;
  const p = punct(ctx, i);
  if (p === 62) return !adjacent(ctx, i - 1, 61, 62);
  // postfix non-null assertion `undefined!`
  if (p === 33) return i > 0 && t.end[i - 1] === t.start[i] && t.kind[i - 1] !== T_PUNCT;
  return p === 41 || p === 93 || p === 125 || p === 59;
}

/** Whether token i can start a new statement/member after a newline. */
export function startsItem(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  const k = t.kind[i];
  if (k === T_IDENT) {
    if (!CONTINUE.has(text(ctx, i))) return true;
    // a member named like a keyword: `extends: …`, `in?: …`
    const n = punct(ctx, i + 1);
    return n === 58 || n === 63;
  }
  if (k === T_NUM) return true;
  if (k === T_STR) return ctx.src.charCodeAt(t.start[i]!) !== 96;
  const p = punct(ctx, i);
  return p === 64 || p === 35;
}

/** Whether a newline before token i ends the current statement (ASI, approximated on tokens). */
export function asiBreak(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (i === 0 || t.line[i] === t.endLine[i - 1]) return false;
  return endsItem(ctx, i - 1) && startsItem(ctx, i);
}

/** Member-level newline break: both sides look like complete items (a computed `[name]` or `*gen` may start one). */
export function memberBreak(ctx: Ctx, i: number): boolean {
  const t = ctx.t;
  if (i === 0 || t.line[i] === t.endLine[i - 1]) return false;
  if (!endsItem(ctx, i - 1)) return false;
  const p = punct(ctx, i);
  return startsItem(ctx, i) || p === 91 || p === 42;
}

/** Index of the token ending a statement that starts at i (the `;`, or the last token before a break). */
export function stmtEnd(ctx: Ctx, i: number, end: number): number {
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
export function typeBrace(ctx: Ctx, i: number): boolean {
  const p = punct(ctx, i - 1);
  if (p === 58 || p === 124 || p === 38 || p === 60 || p === 44 || p === 40 || p === 91 || p === 63 || p === 61) {
    return true;
  }
  if (p === 62 && adjacent(ctx, i - 2, 61, 62)) return true; // =>
  return isWord(ctx, i - 1, 'keyof') || isWord(ctx, i - 1, 'typeof') || isWord(ctx, i - 1, 'is');
}

/** From i, the body `{` of a function/class/interface, or -1 (then `*stop` is where the declaration ends). */
export function findBody(ctx: Ctx, i: number, end: number, member: boolean): { body: number; last: number } {
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
export function skipDecorators(ctx: Ctx, i: number, end: number): number {
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
export function functionInit(ctx: Ctx, i: number, end: number): number {
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
  if (punct(ctx, i) === 40 && ctx.match[i]! > i && ctx.match[i]! < end && !adjacent(ctx, ctx.match[i]! + 1, 61, 62)) {
    // `((x) => {…})`, `(function () {…})`: a parenthesized function is a function
    const close = ctx.match[i]!;
    const after = punct(ctx, close + 1);
    // `(() => {…})()` / `(function () {…}).call(…)`: called, so not a function
    if (after === 40 || after === 46 || after === 91) return -1;
    if (after !== 58) {
      const inner = functionInit(ctx, i + 1, close);
      if (inner >= 0 && ctx.match[inner] === close - 1) return inner;
      if (inner === -2) return -2;
      return -1;
    }
  }
  let k: number;
  if (punct(ctx, i) === 40 && ctx.match[i]! >= 0 && ctx.match[i]! < end) k = ctx.match[i]! + 1;
  else if (t.kind[i] === T_IDENT && i < end) k = i + 1;
  else return -1;
  if (punct(ctx, k) === 58) {
    // return type annotation up to => (commas inside its type arguments do not end it)
    let angle = 0;
    for (let j = k + 1; j < end; j++) {
      if (adjacent(ctx, j, 61, 62)) {
        k = j;
        break;
      }
      const p = punct(ctx, j);
      if (p === 60) angle++;
      else if (p === 62) angle--;
      if (p === 59 || (p === 44 && angle <= 0) || p === 125 || p === 41) return -1;
      if ((p === 40 || p === 91 || p === 123) && ctx.match[j]! >= 0) j = ctx.match[j]!;
    }
  }
  if (!adjacent(ctx, k, 61, 62)) return -1;
  return punct(ctx, k + 2) === 123 ? k + 2 : -2;
}
