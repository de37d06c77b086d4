/**
 * Parity: the js and native backends must give deep-equal results on fixtures, on real code no one
 * here wrote (installed npm packages, the Python stdlib, Debian's Rust crates, Go's stdlib), and on
 * fast-check generated input — and neither may throw.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsBackend, nativeBackend, nativeReason } from './helpers/backends.js';
import { corpus } from './helpers/corpus.js';

const LANGS = ['typescript', 'tsx', 'javascript', 'python', 'rust', 'go'] as const;
const native = nativeBackend!;

describe.skipIf(!nativeBackend)(`parity js vs native (${nativeReason})`, () => {
  it('agrees on the corpus of real code', () => {
    let files = 0;
    for (const { language, path } of corpus({ perLanguage: 80, maxBytes: 200_000 })) {
      const src = readFileSync(path, 'utf8');
      const a = jsBackend.outline(src, language);
      const b = native.outline(src, language);
      if (JSON.stringify(a) !== JSON.stringify(b)) expect({ path, ...b }).toEqual({ path, ...a });
      const sa = jsBackend.skeleton(src, language, { keep: 'marked' });
      const sb = native.skeleton(src, language, { keep: 'marked' });
      if (sa.text !== sb.text || sa.tokensAfter !== sb.tokensAfter) expect({ path, ...sb }).toEqual({ path, ...sa });
      files++;
    }
    expect(files).toBeGreaterThan(100);
  });

  it('agrees on outlines that outgrow the reused result buffer, with non-ASCII text and reflowed signatures', () => {
    // ~9 ints per symbol: 40k symbols (Python) overflow the addon's first 64k-int result buffer
    const ts = Array.from(
      { length: 4000 },
      (_, i) =>
        `/** ñ😀 ${i} */\nexport class Ç${i} {\n  mé${i}(a:   string,\n\tb: number): void { return; }\n  ok${i} = 1;\n}\n`,
    ).join('');
    const py = Array.from(
      { length: 20_000 },
      (_, i) => `class K${i}:\n    def f_é${i}(self,\n   x):  # 😀\n        pass\n`,
    ).join('');
    for (const [src, lang] of [
      [ts, 'typescript'],
      [py, 'python'],
      ['import x from "ü";\nfunction g(){}\n', 'typescript'],
      // lone surrogates: the addon reports them and offsets refer to the well-formed text
      ['// \uD800 lone\nexport function f(a: "\uDC00") {}\nclass C\uD83D { m() {} }\n', 'typescript'],
    ] as const) {
      const a = jsBackend.outline(src, lang);
      expect(a.symbols.length).toBeGreaterThan(src.length < 100 ? 0 : 7000);
      expect(native.outline(src, lang)).toEqual(a);
    }
  });

  const fixtures = ['sample.ts', 'sample.tsx', 'sample.py', 'sample.rs', 'sample.go'].map((f) =>
    readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8'),
  );
  const snippets = [
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    '"',
    "'",
    '`',
    '${',
    '/*',
    '*/',
    '//',
    '#',
    '\n',
    '\r\n',
    '"""',
    'r#"',
    '<',
    '>',
    '=>',
    'def ',
    'class ',
    'fn ',
    'func ',
    'impl ',
    'export ',
    'const ',
    ':',
    ';',
    ',',
    '\\',
    '@',
    '\uFEFF',
    'é',
    '😀',
    '\u0000',
    '<div a="{">',
    '</div>',
    '<>',
    "Don't",
    'return <',
  ];
  const token = fc.oneof(
    fc.constantFrom(...snippets),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  const mutated = fc
    .tuple(
      fc.integer({ min: 0, max: fixtures.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.array(token, { maxLength: 4 })), { maxLength: 6 }),
    )
    .map(([i, edits]) => {
      let s = fixtures[i]!;
      for (const [at, del, ins] of edits) {
        const p = at % (s.length + 1);
        s = s.slice(0, p) + ins.join('') + s.slice(p + del);
      }
      return s;
    });
  const input = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(token, { maxLength: 80 }).map((a) => a.join('')),
    mutated,
  );

  it('agrees on fast-check generated input and never throws', () => {
    fc.assert(
      fc.property(input, fc.constantFrom(...LANGS), (src, lang) => {
        expect(native.outline(src, lang)).toEqual(jsBackend.outline(src, lang));
        expect(native.skeleton(src, lang, { keep: 'marked' })).toEqual(
          jsBackend.skeleton(src, lang, { keep: 'marked' }),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees on random graphs (levels, cycles, critical paths)', () => {
    const graph = fc.integer({ min: 0, max: 40 }).chain((n) =>
      fc.tuple(
        fc.constant(Array.from({ length: n }, (_, i) => `n${(i * 7919) % 101}`)),
        fc.array(fc.tuple(fc.nat({ max: Math.max(0, n - 1) }), fc.nat({ max: Math.max(0, n - 1) }), fc.boolean()), {
          maxLength: n * 2,
        }),
      ),
    );
    fc.assert(
      fc.property(graph, ([nodes, raw]) => {
        if (nodes.length === 0) return;
        // mostly forward edges (a DAG), some backward ones (cycles)
        const edges = raw.map(
          ([a, b, fwd]) =>
            (fwd || a === b ? [nodes[Math.min(a, b)]!, nodes[Math.max(a, b)]!] : [nodes[b]!, nodes[a]!]) as [
              string,
              string,
            ],
        );
        const run = (f: () => unknown) => {
          try {
            return { ok: f() };
          } catch (e) {
            return { err: (e as { cycle?: string[] }).cycle ?? String(e) };
          }
        };
        expect(run(() => native.topoBatches(nodes, edges))).toEqual(run(() => jsBackend.topoBatches(nodes, edges)));
        expect(run(() => native.criticalPath(nodes, edges))).toEqual(run(() => jsBackend.criticalPath(nodes, edges)));
      }),
      { numRuns: 500 },
    );
  });
});

it('the corpus sources exist on this machine (parity and accuracy read them)', () => {
  expect(
    existsSync('/usr/lib/python3.11') || execFileSync('python3', ['-c', 'import sys; print(sys.prefix)']).length > 0,
  ).toBe(true);
});
