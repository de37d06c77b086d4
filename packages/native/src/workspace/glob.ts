/**
 * Glob matching and .gitignore rules, small and self-contained (mirrored by src/workspace.rs).
 * Matching works on code points so both backends agree on non-ASCII names.
 */

/** Matches glob `p` against path `s` (both arrays of code points). */
function matchAt(p: string[], pi: number, s: string[], si: number, budget: { n: number }): boolean {
  while (pi < p.length) {
    if (--budget.n < 0) return false;
    const c = p[pi]!;
    if (c === '*' && p[pi + 1] === '*') {
      // `**/` = zero or more directories; trailing `**` = everything
      let q = pi + 2;
      if (q >= p.length) return true;
      if (p[q] === '/') q++;
      for (let k = si; k <= s.length; k++) {
        if ((k === si || s[k - 1] === '/') && matchAt(p, q, s, k, budget)) return true;
      }
      return false;
    }
    if (c === '*') {
      for (let k = si; k <= s.length; k++) {
        if (matchAt(p, pi + 1, s, k, budget)) return true;
        if (k < s.length && s[k] === '/') return false;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      if (s[si] === '/') return false;
    } else if (c === '[') {
      let q = pi + 1;
      const neg = p[q] === '!' || p[q] === '^';
      if (neg) q++;
      let hit = false;
      let first = true;
      while (q < p.length && (first || p[q] !== ']')) {
        first = false;
        if (p[q + 1] === '-' && q + 2 < p.length && p[q + 2] !== ']') {
          if (s[si]! >= p[q]! && s[si]! <= p[q + 2]!) hit = true;
          q += 3;
        } else {
          if (s[si] === p[q]) hit = true;
          q++;
        }
      }
      if (q >= p.length) {
        // no closing bracket: a literal '['
        if (s[si] !== '[') return false;
      } else {
        if (hit === neg || s[si] === '/') return false;
        pi = q;
      }
    } else if (c === '\\' && pi + 1 < p.length) {
      pi++;
      if (s[si] !== p[pi]) return false;
    } else if (s[si] !== c) {
      return false;
    }
    pi++;
    si++;
  }
  return si === s.length;
}

export interface Pattern {
  glob: string[];
  negate: boolean;
  dirOnly: boolean;
  /** Contains a `/`: matched against the whole relative path, else against the base name. */
  anchored: boolean;
}

export function compilePattern(raw: string): Pattern | null {
  let line = raw;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  while (line.endsWith(' ') && !line.endsWith('\\ ')) line = line.slice(0, -1);
  if (line === '' || line.startsWith('#')) return null;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.slice(0, -1);
  }
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  if (line === '') return null;
  return { glob: Array.from(line), negate, dirOnly, anchored };
}

/** Whether `pattern` matches `rel` (path relative to the pattern's base, `/`-separated). */
export function patternMatches(pt: Pattern, rel: string, isDir: boolean): boolean {
  if (pt.dirOnly && !isDir) return false;
  const target = pt.anchored ? rel : rel.slice(rel.lastIndexOf('/') + 1);
  return matchAt(pt.glob, 0, Array.from(target), 0, { n: 100_000 });
}

/** Glob options (include/exclude): same rules as .gitignore lines without negation. */
export function globMatches(pt: Pattern, rel: string, isDir: boolean): boolean {
  return patternMatches(pt, rel, isDir);
}

/** Patterns of one .gitignore file, relative to `base` ('' for the root). */
export interface IgnoreFile {
  base: string;
  patterns: Pattern[];
}

export function parseGitignore(base: string, text: string): IgnoreFile {
  const patterns: Pattern[] = [];
  for (const line of text.split('\n')) {
    const p = compilePattern(line);
    if (p) patterns.push(p);
  }
  return { base, patterns };
}

/** Last matching rule wins, across the stack from the root down. */
export function isIgnored(stack: readonly IgnoreFile[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const f of stack) {
    let sub = rel;
    if (f.base !== '') {
      if (!rel.startsWith(f.base + '/')) continue;
      sub = rel.slice(f.base.length + 1);
    }
    for (const p of f.patterns) {
      if (patternMatches(p, sub, isDir)) ignored = !p.negate;
    }
  }
  return ignored;
}
