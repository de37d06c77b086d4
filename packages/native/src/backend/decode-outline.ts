/**
 * Decoder of the addon's compact outline encoding (see src/parse/compact.rs): an Int32Array of
 * kinds, lines and UTF-16 offsets into the source string, plus one `extra` string for text that is
 * not a slice of the source. Builds the same SymbolInfo/ImportInfo objects as the js backend.
 */
import { wellFormed } from '../outline/outline.js';
import type { ImportInfo, Outline, SymbolInfo, SymbolKind } from '../outline/types.js';

/** Kind indices of the compact forms; the same list is `KINDS` in src/parse/mod.rs. */
export const KINDS: readonly SymbolKind[] = [
  'function',
  'class',
  'method',
  'interface',
  'type',
  'enum',
  'variable',
  'constant',
  'struct',
  'trait',
  'impl',
  'module',
];

const SYM_INTS = 9;

/**
 * `source` is the string given to the addon; when the addon reports lone surrogates (flags & 1),
 * offsets refer to its well-formed form (U+FFFD in their place, as the js backend sees it).
 */
export function decodeOutline(source: string, extra: string, a: Int32Array): Outline {
  const ns = a[0]!;
  const ni = a[1]!;
  const src = (a[2]! & 1) !== 0 ? wellFormed(source) : source;
  const symbols: SymbolInfo[] = new Array(ns);
  let p = 3;
  // members share their parent: reuse the string of the previous reference to the same range
  let pa = 0;
  let pb = -1;
  let parent = '';
  for (let i = 0; i < ns; i++, p += SYM_INTS) {
    const f = a[p]!;
    const n0 = a[p + 3]!;
    const s0 = a[p + 5]!;
    const s: SymbolInfo = {
      name: n0 >= 0 ? src.slice(n0, a[p + 4]) : extra.slice(-n0 - 1, a[p + 4]),
      kind: KINDS[f & 15]!,
      startLine: a[p + 1]!,
      endLine: a[p + 2]!,
      signature: s0 >= 0 ? src.slice(s0, a[p + 6]) : extra.slice(-s0 - 1, a[p + 6]),
      exported: (f & 16) !== 0,
    };
    if ((f & 32) !== 0) {
      const x = a[p + 7]!;
      const y = a[p + 8]!;
      if (x !== pa || y !== pb) {
        pa = x;
        pb = y;
        parent = x >= 0 ? src.slice(x, y) : extra.slice(-x - 1, y);
      }
      s.parent = parent;
    }
    symbols[i] = s;
  }
  const imports: ImportInfo[] = new Array(ni);
  for (let i = 0; i < ni; i++, p += 3) {
    const x = a[p + 1]!;
    imports[i] = { source: x >= 0 ? src.slice(x, a[p + 2]) : extra.slice(-x - 1, a[p + 2]), line: a[p]! };
  }
  return { symbols, imports };
}
