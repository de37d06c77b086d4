/**
 * JSX inside the TS/JS lexer (languages 'tsx' and 'javascript'): a whole element becomes one token,
 * so quotes in JSX text (`Don't`) or braces in attributes cannot derail the outline. Mirrors
 * jsx_start / scan_jsx in src/parse/lexer.rs.
 */
import { isIdentPart, isIdentStart } from './lexer.js';

/** `<` at i opens a JSX element: `<>` or `<Name …` (not a generic `<T,>` / `<T extends U>`). */
export function jsxStart(src: string, i: number): boolean {
  const len = src.length;
  if (i + 1 >= len) return false;
  const n = src.charCodeAt(i + 1);
  if (n === 62) return true;
  if (!isIdentStart(n)) return false;
  let j = i + 2;
  while (j < len) {
    const c = src.charCodeAt(j);
    if (isIdentPart(c) || c === 46 || c === 58 || c === 45) j++;
    else break;
  }
  if (j < len && src.charCodeAt(j) === 44) return false;
  while (j < len && (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9)) j++;
  if (src.startsWith('extends', j) && !(j + 7 < len && isIdentPart(src.charCodeAt(j + 7)))) return false;
  return true;
}

/**
 * Scans a JSX element from i (`<`) to its end, as one token. Iterative (explicit stack: -1 = inside
 * a tag, -2 = children, n >= 1 = a `{…}` expression at brace depth n), so nesting cannot overflow.
 */
export function scanJsx(src: string, i: number, newline: (at: number) => void): number {
  const len = src.length;
  const stack: number[] = [-1];
  let prev = 60; // last significant char inside an expression
  i++;
  while (i < len && stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const c = src.charCodeAt(i);
    if (c === 10) newline(i);
    if (top === -1) {
      if (c === 47 && i + 1 < len && src.charCodeAt(i + 1) === 62) {
        i += 2;
        stack.pop();
      } else if (c === 62) {
        i++;
        stack[stack.length - 1] = -2;
      } else if (c === 34 || c === 39) {
        i++;
        while (i < len && src.charCodeAt(i) !== c) {
          if (src.charCodeAt(i) === 10) newline(i);
          i++;
        }
        i++;
      } else if (c === 123) {
        i++;
        stack.push(1);
        prev = 123;
      } else if (c === 47 && i + 1 < len && src.charCodeAt(i + 1) === 47) {
        // a comment between attributes: its quotes are not strings
        while (i < len && src.charCodeAt(i) !== 10) i++;
      } else if (c === 47 && i + 1 < len && src.charCodeAt(i + 1) === 42) {
        i += 2;
        while (i < len && !(src.charCodeAt(i) === 42 && i + 1 < len && src.charCodeAt(i + 1) === 47)) {
          if (src.charCodeAt(i) === 10) newline(i);
          i++;
        }
        i += 2;
      } else i++;
      continue;
    }
    if (top === -2) {
      if (c === 60 && i + 1 < len && src.charCodeAt(i + 1) === 47) {
        i += 2;
        while (i < len && src.charCodeAt(i) !== 62) {
          if (src.charCodeAt(i) === 10) newline(i);
          i++;
        }
        i++;
        stack.pop();
      } else if (c === 60) {
        i++;
        stack.push(-1);
      } else if (c === 123) {
        i++;
        stack.push(1);
        prev = 123;
      } else i++;
      continue;
    }
    // a JS expression inside braces
    if (c === 123) {
      stack[stack.length - 1] = top + 1;
      i++;
    } else if (c === 125) {
      if (top === 1) stack.pop();
      else stack[stack.length - 1] = top - 1;
      i++;
    } else if (c === 34 || c === 39 || c === 96) {
      i++;
      while (i < len) {
        const e = src.charCodeAt(i);
        if (e === 92) {
          if (i + 1 < len && src.charCodeAt(i + 1) === 10) newline(i + 1);
          i += 2;
          continue;
        }
        if (e === 10) {
          if (c !== 96) break;
          newline(i);
        }
        i++;
        if (e === c) break;
      }
    } else if (c === 47 && i + 1 < len && src.charCodeAt(i + 1) === 47) {
      while (i < len && src.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && i + 1 < len && src.charCodeAt(i + 1) === 42) {
      i += 2;
      while (i < len && !(src.charCodeAt(i) === 42 && i + 1 < len && src.charCodeAt(i + 1) === 47)) {
        if (src.charCodeAt(i) === 10) newline(i);
        i++;
      }
      i += 2;
    } else if (c === 60 && JSX_BEFORE.includes(prev) && jsxStart(src, i)) {
      i++;
      stack.push(-1);
    } else {
      i++;
    }
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) prev = c;
  }
  return Math.min(i, len);
}

/** Characters after which `<` inside a JSX expression starts a nested element: ( ? : , { [ = & | > ! */
export const JSX_BEFORE = [40, 63, 58, 44, 123, 91, 61, 38, 124, 62, 33];
