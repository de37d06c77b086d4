/**
 * One small lexer for the six languages, configured per family. It produces identifier, number,
 * string and punctuation tokens (comments kept aside) with 1-based lines, never throws and always
 * advances, so unterminated strings/comments, binary data and deep nesting cannot crash or hang it.
 *
 * Portability rule (the Rust port in src/parse/lexer.rs mirrors this file): every code unit
 * >= 0x80 counts as an identifier character. Non-ASCII characters are runs of such units in both
 * UTF-16 and UTF-8, so token boundaries, and therefore every result, agree across the backends.
 */

import { JSX_BEFORE, jsxStart, scanJsx } from './jsx.js';

export const T_IDENT = 1;
export const T_NUM = 2;
export const T_STR = 3;
export const T_PUNCT = 4;
/** Rust lifetime `'a`. */
export const T_LIFETIME = 5;

export const L_TS = 0;
/** TS/JS with JSX (languages 'tsx' and 'javascript'). */
export const L_TSX = 4;
export const L_PY = 1;
export const L_RUST = 2;
export const L_GO = 3;

export interface Tokens {
  n: number;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  /** Line on which the token ends (differs from `line` for multi-line strings). */
  endLine: Int32Array;
  /** Start offset of each line (index 0 = line 1). */
  lineStarts: number[];
  comments: number[]; // flat: start, end, line, endLine
}

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || c >= 128;
}
export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
export function isIdentChar(c: number): boolean {
  return isIdentPart(c);
}

/** Keywords after which `/` starts a regular expression in JS/TS. */
const REGEX_AFTER = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * Token buffers reused across calls (as the addon reuses its token Vec): a fresh set per call costs
 * an allocation and zero-fill of ~17 bytes per 4 source chars. Views of exactly the capacity a
 * fresh set would have are handed out, and the part the previous call wrote is zeroed first, so
 * readers see exactly what fresh arrays would hold.
 */
let spare:
  | { kind: Uint8Array; start: Int32Array; end: Int32Array; line: Int32Array; endLine: Int32Array; dirty: number }
  | undefined;
const SPARE_MAX = 1 << 22;

function buffers(cap: number) {
  const s = spare;
  if (s === undefined || s.kind.length < cap) {
    return {
      kind: new Uint8Array(cap),
      start: new Int32Array(cap),
      end: new Int32Array(cap),
      line: new Int32Array(cap),
      endLine: new Int32Array(cap),
    };
  }
  spare = undefined;
  if (s.dirty > 0) {
    s.kind.fill(0, 0, s.dirty);
    s.start.fill(0, 0, s.dirty);
    s.end.fill(0, 0, s.dirty);
    s.line.fill(0, 0, s.dirty);
    s.endLine.fill(0, 0, s.dirty);
  }
  return {
    kind: s.kind.subarray(0, cap),
    start: s.start.subarray(0, cap),
    end: s.end.subarray(0, cap),
    line: s.line.subarray(0, cap),
    endLine: s.endLine.subarray(0, cap),
  };
}

/** Gives a lexer's buffers back once its tokens are no longer used (see `spare`). */
export function recycleTokens(t: Tokens): void {
  if (t.kind.buffer.byteLength > SPARE_MAX) return;
  spare = {
    kind: new Uint8Array(t.kind.buffer),
    start: new Int32Array(t.start.buffer),
    end: new Int32Array(t.end.buffer),
    line: new Int32Array(t.line.buffer),
    endLine: new Int32Array(t.endLine.buffer),
    dirty: t.n,
  };
}

export function lex(src: string, lang: number): Tokens {
  const len = src.length;
  let cap = 64 + (len >> 2);
  const b0 = buffers(cap);
  let kind = b0.kind;
  let start = b0.start;
  let end = b0.end;
  let lineA = b0.line;
  let endLineA = b0.endLine;
  const comments: number[] = [];
  const lineStarts: number[] = [0];
  let n = 0;
  let line = 1;
  let i = 0;
  // Template-literal nesting (JS/TS): brace depth at which each open `${` resumes its template.
  const tmpl: number[] = [];
  let depth = 0;

  const push = (k: number, s: number, e: number, l: number) => {
    if (n === cap) {
      cap *= 2;
      const k2 = new Uint8Array(cap);
      k2.set(kind);
      kind = k2;
      const grow = (a: Int32Array) => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      start = grow(start);
      end = grow(end);
      lineA = grow(lineA);
      endLineA = grow(endLineA);
    }
    kind[n] = k;
    start[n] = s;
    end[n] = e;
    lineA[n] = l;
    endLineA[n] = line;
    n++;
  };
  const newline = (at: number) => {
    line++;
    lineStarts.push(at + 1);
  };
  // Scans a quoted string body from i (just past the opening quote); stops after the closing quote,
  // at a newline when `single` (that language forbids raw newlines there), or at EOF.
  const scanQuoted = (q: number, single: boolean) => {
    while (i < len) {
      const c = src.charCodeAt(i);
      if (c === 92) {
        // backslash: skip the next unit (counting a newline it escapes)
        if (i + 1 < len && src.charCodeAt(i + 1) === 10) newline(i + 1);
        i += 2;
        continue;
      }
      if (c === q) {
        i++;
        return;
      }
      if (c === 10) {
        if (single) return;
        newline(i);
      }
      i++;
    }
    if (i > len) i = len;
  };
  // JS template literal from i (past '`' or past a closing '}' of `${`): returns true when it stopped at `${`.
  const scanTemplate = (): boolean => {
    while (i < len) {
      const c = src.charCodeAt(i);
      if (c === 92) {
        if (i + 1 < len && src.charCodeAt(i + 1) === 10) newline(i + 1);
        i += 2;
        continue;
      }
      if (c === 96) {
        i++;
        return false;
      }
      if (c === 36 && i + 1 < len && src.charCodeAt(i + 1) === 123) {
        i += 2;
        return true;
      }
      if (c === 10) newline(i);
      i++;
    }
    if (i > len) i = len;
    return false;
  };
  // `<` may open JSX after `( , = : ? [ { ! && || =>`, after return/yield/default/case/await, or first
  const jsxAllowed = (): boolean => {
    if (n === 0) return true;
    const k = kind[n - 1]!;
    if (k === T_IDENT) {
      const w = src.slice(start[n - 1]!, end[n - 1]!);
      return w === 'return' || w === 'yield' || w === 'default' || w === 'case' || w === 'await';
    }
    if (k !== T_PUNCT) return false;
    const p = src.charCodeAt(start[n - 1]!);
    if (p === 62)
      return n >= 2 && kind[n - 2] === T_PUNCT && src.charCodeAt(start[n - 2]!) === 61 && end[n - 2] === start[n - 1];
    return JSX_BEFORE.includes(p);
  };
  const regexAllowed = (): boolean => {
    if (n === 0) return true;
    const k = kind[n - 1]!;
    if (k === T_NUM || k === T_STR) return false;
    if (k === T_IDENT) return REGEX_AFTER.has(src.slice(start[n - 1]!, end[n - 1]!));
    const p = src.charCodeAt(start[n - 1]!);
    return p !== 41 && p !== 93 && p !== 125; // ) ] }
  };

  while (i < len) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      newline(i);
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff) {
      i++;
      continue;
    }
    const s = i;
    const l = line;
    // Comments
    if (lang === L_PY) {
      if (c === 35) {
        while (i < len && src.charCodeAt(i) !== 10) i++;
        comments.push(s, i, l, l);
        continue;
      }
    } else if (c === 47 && i + 1 < len) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) {
        while (i < len && src.charCodeAt(i) !== 10) i++;
        comments.push(s, i, l, l);
        continue;
      }
      if (d === 42) {
        i += 2;
        let nest = 1;
        while (i < len) {
          const e = src.charCodeAt(i);
          if (e === 10) newline(i);
          else if (e === 42 && i + 1 < len && src.charCodeAt(i + 1) === 47) {
            i += 2;
            if (--nest === 0 || lang !== L_RUST) break;
            continue;
          } else if (lang === L_RUST && e === 47 && i + 1 < len && src.charCodeAt(i + 1) === 42) {
            nest++;
            i += 2;
            continue;
          }
          i++;
        }
        if (i > len) i = len;
        comments.push(s, i, l, line);
        continue;
      }
    }
    if (isIdentStart(c)) {
      i++;
      while (i < len && isIdentPart(src.charCodeAt(i))) i++;
      // String prefixes: Python r/b/f/u combos, Rust b"…", r"…", r#"…"#, br"…".
      if (i < len) {
        const q = src.charCodeAt(i);
        if (lang === L_PY && (q === 34 || q === 39) && i - s <= 2 && isPyPrefix(src, s, i)) {
          scanPyString(q);
          push(T_STR, s, i, l);
          continue;
        }
        if (lang === L_RUST && i - s <= 2) {
          const w = src.slice(s, i);
          if ((w === 'r' || w === 'br' || w === 'cr') && (q === 34 || q === 35)) {
            let hashes = 0;
            let j = i;
            while (j < len && src.charCodeAt(j) === 35) {
              hashes++;
              j++;
            }
            if (j < len && src.charCodeAt(j) === 34) {
              i = j + 1;
              scanRustRaw(hashes);
              push(T_STR, s, i, l);
              continue;
            }
          } else if ((w === 'b' || w === 'c') && q === 34) {
            i++;
            scanQuoted(34, false);
            push(T_STR, s, i, l);
            continue;
          } else if (w === 'b' && q === 39) {
            i++;
            scanQuoted(39, true);
            push(T_STR, s, i, l);
            continue;
          }
        }
      }
      push(T_IDENT, s, i, l);
      continue;
    }
    if (c >= 48 && c <= 57) {
      i++;
      while (i < len) {
        const e = src.charCodeAt(i);
        if (isIdentPart(e)) i++;
        else if (e === 46 && i + 1 < len && src.charCodeAt(i + 1) >= 48 && src.charCodeAt(i + 1) <= 57) i += 2;
        else break;
      }
      push(T_NUM, s, i, l);
      continue;
    }
    if (c === 34 || c === 39 || c === 96) {
      if (lang === L_PY) {
        scanPyString(c);
        push(T_STR, s, i, l);
        continue;
      }
      if (lang === L_RUST && c === 39) {
        // char literal or lifetime
        let j = i + 1;
        if (j < len && src.charCodeAt(j) === 92) {
          i = j;
          scanQuoted(39, true);
          push(T_STR, s, i, l);
          continue;
        }
        while (j < len && isIdentPart(src.charCodeAt(j))) j++;
        if (j === i + 1 && j < len && src.charCodeAt(j) !== 10) j++; // one non-ident char: '{'
        if (j < len && src.charCodeAt(j) === 39) {
          i = j + 1;
          push(T_STR, s, i, l);
        } else {
          i = j > i + 1 && isIdentPart(src.charCodeAt(i + 1)) ? j : i + 1;
          push(T_LIFETIME, s, i, l);
        }
        continue;
      }
      if (c === 96 && (lang === L_TS || lang === L_TSX)) {
        i++;
        if (scanTemplate()) tmpl.push(depth);
        push(T_STR, s, i, l);
        continue;
      }
      if (c === 96) {
        // Go raw string
        i++;
        while (i < len && src.charCodeAt(i) !== 96) {
          if (src.charCodeAt(i) === 10) newline(i);
          i++;
        }
        if (i < len) i++;
        push(T_STR, s, i, l);
        continue;
      }
      i++;
      scanQuoted(c, lang !== L_RUST);
      push(T_STR, s, i, l);
      continue;
    }
    if (lang === L_TSX && c === 60 && jsxAllowed() && jsxStart(src, i)) {
      i = scanJsx(src, i, newline);
      push(T_STR, s, i, l);
      continue;
    }
    if (lang === L_TS || lang === L_TSX) {
      if (c === 123) depth++;
      else if (c === 125) {
        if (tmpl.length > 0 && tmpl[tmpl.length - 1] === depth) {
          tmpl.pop();
          i++;
          if (scanTemplate()) tmpl.push(depth);
          push(T_STR, s, i, l);
          continue;
        }
        depth--;
      } else if (c === 47 && regexAllowed()) {
        i++;
        let cls = false;
        while (i < len) {
          const e = src.charCodeAt(i);
          if (e === 10) break;
          i++;
          if (e === 92) i++;
          else if (e === 91) cls = true;
          else if (e === 93) cls = false;
          else if (e === 47 && !cls) break;
        }
        if (i > len) i = len;
        while (i < len && isIdentPart(src.charCodeAt(i))) i++;
        push(T_STR, s, i, l);
        continue;
      }
    }
    i++;
    push(T_PUNCT, s, i, l);
  }
  return { n, kind, start, end, line: lineA, endLine: endLineA, lineStarts, comments };

  function scanPyString(q0: number) {
    let q = q0;
    // i points at the opening quote
    q = src.charCodeAt(i);
    if (i + 2 < len && src.charCodeAt(i + 1) === q && src.charCodeAt(i + 2) === q) {
      i += 3;
      while (i < len) {
        const e = src.charCodeAt(i);
        if (e === 92) {
          if (i + 1 < len && src.charCodeAt(i + 1) === 10) newline(i + 1);
          i += 2;
          continue;
        }
        if (e === 10) newline(i);
        else if (e === q && i + 2 < len && src.charCodeAt(i + 1) === q && src.charCodeAt(i + 2) === q) {
          i += 3;
          return;
        }
        i++;
      }
      if (i > len) i = len;
      return;
    }
    i++;
    scanQuoted(q, true);
  }
  function scanRustRaw(hashes: number) {
    while (i < len) {
      const e = src.charCodeAt(i);
      if (e === 10) newline(i);
      else if (e === 34) {
        let k = 0;
        while (k < hashes && i + 1 + k < len && src.charCodeAt(i + 1 + k) === 35) k++;
        if (k === hashes) {
          i += 1 + hashes;
          return;
        }
      }
      i++;
    }
  }
}

function isPyPrefix(src: string, s: number, e: number): boolean {
  for (let k = s; k < e; k++) {
    const c = src.charCodeAt(k) | 32;
    if (c !== 114 && c !== 98 && c !== 102 && c !== 117) return false; // r b f u
  }
  return true;
}
