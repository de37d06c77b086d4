/** One suite, run against every available backend (js always, native when the addon is built). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CycleError, NativeInputError } from '../src/errors/native-error.js';
import type { Outline } from '../src/outline/types.js';
import { backends } from './helpers/backends.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const summary = (o: Outline) =>
  o.symbols.map((s) => `${s.kind} ${s.parent ? `${s.parent}.` : ''}${s.name} ${s.startLine}-${s.endLine}`);

const EXPECTED: Record<string, { language: string; symbols: string[]; imports: string[] }> = {
  'sample.ts': {
    language: 'typescript',
    symbols: [
      'function add 9-12',
      'constant re 14-14',
      'constant other 14-14',
      'class Widget 17-33',
      'variable Widget.count 18-18',
      'variable Widget.#secret 19-19',
      'variable Widget.name 20-20',
      'method Widget.constructor 21-24',
      'method Widget.label 26-28',
      'method Widget.handle 29-31',
      'method Widget.run 32-32',
      'interface Shape 35-39',
      'variable Shape.area 36-36',
      'method Shape.scale 37-37',
      'type Pair 41-41',
      'type Multi 43-45',
      'enum Color 47-50',
      'module NS.Inner 52-55',
      'function NS.Inner.helper 53-53',
      'constant NS.Inner.version 54-54',
      'variable counter 57-57',
      'function arrow 58-59',
      'function overloaded 60-60',
      'function overloaded 61-61',
      'function overloaded 62-64',
    ],
    imports: ['node:fs/promises', './foo.js', './re-export.js'],
  },
  'sample.tsx': {
    language: 'tsx',
    symbols: [
      'function App 3-5',
      'function Item 7-9',
      'function Notice 12-20',
      'function identity 22-22',
      'function constrained 23-23',
      'class Panel 25-29',
      'method Panel.render 26-28',
    ],
    imports: ['react'],
  },
  'sample.py': {
    language: 'python',
    symbols: [
      'constant MAX_SIZE 5-5',
      'variable _private 6-6',
      'class Service 10-30',
      'variable Service.retries 13-13',
      'method Service.__init__ 15-16',
      'method Service.run 19-24',
      'method Service.fetch 26-26',
      'class Service.Inner 28-30',
      'method Inner.deep 29-30',
      'function top 33-38',
    ],
    imports: ['os', 'sys', '.pkg'],
  },
  'sample.rs': {
    language: 'rust',
    symbols: [
      'struct Point 8-11',
      'enum Shape 13-16',
      'trait Area 18-25',
      'constant Area.SIDES 19-19',
      'type Area.Output 20-20',
      'method Area.area 21-21',
      'method Area.describe 22-24',
      'impl Point 27-33',
      'method Point.fmt 28-32',
      'impl Shape 35-43',
      'method Shape.unit 36-38',
      'method Shape.weird 40-42',
      'module inner 45-49',
      'variable inner.GLOBAL 46-46',
      'type inner.Alias 47-47',
      'function inner.private_fn 48-48',
      'module external 51-51',
      'constant LIMIT 57-57',
    ],
    imports: ['std::collections::HashMap', 'std::{fmt, io::Write}', 'alloc'],
  },
  'sample.go': {
    language: 'go',
    symbols: [
      'constant A 12-12',
      'constant B 13-13',
      'constant C 15-15',
      'constant D 15-15',
      'variable single 18-18',
      'struct Point 21-23',
      'type ID 24-24',
      'interface Reader 27-30',
      'method Reader.Read 28-28',
      'struct List 32-34',
      'method List.Push 36-38',
      'function New 41-45',
      'function anon 47-49',
      'function asm 51-51',
    ],
    imports: ['fmt', 'strings', 'os'],
  },
};

describe.each(backends.map((b) => [b.name, b] as const))('%s backend', (_name, b) => {
  describe('outline', () => {
    for (const [file, want] of Object.entries(EXPECTED)) {
      it(`outlines ${file}`, () => {
        const o = b.outline(fixture(file), want.language);
        expect(summary(o)).toEqual(want.symbols);
        expect(o.imports.map((i) => i.source)).toEqual(want.imports);
      });
    }

    it('gives signatures up to the body, exported flags and parents', () => {
      const o = b.outline(fixture('sample.ts'), 'typescript');
      const add = o.symbols.find((s) => s.name === 'add')!;
      expect(add).toEqual({
        name: 'add',
        kind: 'function',
        startLine: 9,
        endLine: 12,
        signature: 'export function add(a: number, b: number): number',
        exported: true,
      });
      const ctor = o.symbols.find((s) => s.name === 'constructor')!;
      expect(ctor.signature).toBe('constructor(name: string)');
      expect(ctor.parent).toBe('Widget');
      const py = b.outline(fixture('sample.py'), 'python');
      expect(py.symbols.find((s) => s.name === 'top')!.signature).toBe(`def top(a, b=(1, 2), c: "str" = ')') -> None`);
      expect(py.symbols.find((s) => s.name === '_private')!.exported).toBe(false);
      const rs = b.outline(fixture('sample.rs'), 'rust');
      expect(rs.symbols.find((s) => s.name === 'fmt')!.signature).toBe(
        "fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result",
      );
      expect(rs.symbols.find((s) => s.name === 'Shape' && s.kind === 'enum')!.exported).toBe(true);
      const go = b.outline(fixture('sample.go'), 'go');
      expect(go.symbols.find((s) => s.name === 'Push')!.signature).toBe('func (l *List[T]) Push(v T)');
    });

    it('rejects an unknown language with a NativeInputError', () => {
      expect(() => b.outline('x', 'cobol')).toThrow(NativeInputError);
      expect(() => b.outline('x', 'cobol')).toThrow(/one of typescript, tsx, javascript, python, rust, go/);
      expect(() => b.outline(42 as unknown as string, 'go')).toThrow(NativeInputError);
    });
  });

  describe('skeleton', () => {
    it('elides bodies and keeps marked ones', () => {
      const src = fixture('sample.ts');
      const none = b.skeleton(src, 'typescript');
      expect(none.text).toContain('export function add(a: number, b: number): number { … }');
      expect(none.text).toContain('get label(): string { … }');
      expect(none.text).toContain('handle = async (e: Event): Promise<void> => { … };');
      expect(none.text).toContain('/**\n * Adds numbers.');
      expect(none.tokensAfter).toBeLessThan(none.tokensBefore);
      expect(none.tokensBefore).toBe(Math.ceil(Buffer.byteLength(src) / 4));
      const marked = b.skeleton(src, 'typescript', { keep: 'marked' });
      expect(marked.text).toContain('return a + b;'); // JSDoc @core_logic
      expect(marked.text).toContain('return this.name; // [HOT]');
      expect(marked.text).toContain('constructor(name: string) { … }');
    });

    it('keeps python docstrings and elides with ...', () => {
      const src = 'def f(x):\n    """Doc."""\n    return x\n\nclass A:\n    def g(self): return 1\n';
      expect(b.skeleton(src, 'python').text).toBe(
        'def f(x):\n    """Doc."""\n    ...\n\nclass A:\n    def g(self): ...\n',
      );
      const marked = b.skeleton(fixture('sample.py'), 'python', { keep: 'marked' }).text;
      expect(marked).toContain('return {"text": text}'); // @core_logic decorator
      expect(marked).toContain('x = [i for i in range(3)]'); // [HOT]
      expect(marked).toContain('def __init__(self, name):\n        ...');
    });

    it('elides rust and go function bodies', () => {
      expect(b.skeleton(fixture('sample.rs'), 'rust').text).toContain('pub const fn unit() -> Self { … }');
      expect(b.skeleton(fixture('sample.go'), 'go').text).toContain('func New(x, y int) *Point { … }');
    });
  });

  describe('robustness', () => {
    const nasty: [string, string][] = [
      ['unterminated string', 'const a = "abc\nfunction f() {}\n'],
      ['unterminated template', 'const t = `abc ${ x \n'],
      ['unterminated comment', 'function f() {} /* never closed'],
      ['unterminated python triple quote', 'def f():\n    """never closed\n'],
      ['unterminated rust raw string', 'fn f() { let s = r##"abc"# ; }'],
      ['binary', '\u0000\u0001\u0002\uFFFD\u0000ELF\u0007'],
      ['very long line', `const x = [${'1,'.repeat(200_000)}];`],
      ['CRLF', 'function a() {\r\n  return 1;\r\n}\r\nclass B {\r\n  m() {}\r\n}\r\n'],
      ['BOM', '\uFEFFexport const x = 1;\ndef f():\n    pass\n'],
      ['unicode identifiers', 'export function 变量(ä: number) { return ä }\nclass Ωmega { método() {} }\n'],
      ['deep nesting', `${'{'.repeat(50_000)}${'}'.repeat(50_000)}`],
      ['deep brackets unclosed', '(['.repeat(30_000)],
      ['only closers', ')]}'.repeat(10_000)],
      ['emoji', 'const s = "😀"; fn 😀() {}'],
    ];
    for (const [name, src] of nasty) {
      it(`survives ${name} in every language`, () => {
        for (const lang of ['typescript', 'tsx', 'javascript', 'python', 'rust', 'go']) {
          const o = b.outline(src, lang);
          expect(Array.isArray(o.symbols)).toBe(true);
          for (const s of o.symbols) expect(s.endLine).toBeGreaterThanOrEqual(s.startLine);
          expect(typeof b.skeleton(src, lang, { keep: 'marked' }).text).toBe('string');
        }
      });
    }

    it('counts lines the same with CRLF and a BOM', () => {
      expect(summaryOf(b.outline('\uFEFFfunction a() {\r\n}\r\nfunction b() {}\r\n', 'typescript'))).toEqual([
        'function a 1-2',
        'function b 3-3',
      ]);
      expect(summaryOf(b.outline('\uFEFFdef a():\r\n    pass\r\ndef b(): pass\r\n', 'python'))).toEqual([
        'function a 1-2',
        'function b 3-3',
      ]);
    });
  });

  describe('topoBatches / criticalPath', () => {
    it('levels with stable order inside a level', () => {
      expect(
        b.topoBatches(
          ['ship', 'build', 'lint', 'test'],
          [
            ['build', 'test'],
            ['lint', 'ship'],
            ['test', 'ship'],
          ],
        ),
      ).toEqual([['build', 'lint'], ['test'], ['ship']]);
      expect(b.topoBatches([], [])).toEqual([]);
      expect(
        b.topoBatches(
          ['a', 'a', 'b'],
          [
            ['a', 'b'],
            ['a', 'b'],
          ],
        ),
      ).toEqual([['a'], ['b']]);
    });

    it('throws CycleError carrying one cycle', () => {
      const run = () =>
        b.topoBatches(
          ['x', 'a', 'b', 'c'],
          [
            ['x', 'a'],
            ['a', 'b'],
            ['b', 'c'],
            ['c', 'a'],
          ],
        );
      expect(run).toThrow(CycleError);
      try {
        run();
      } catch (e) {
        const err = e as CycleError;
        expect(err.code).toBe('CYCLE');
        expect(err.cycle).toEqual(['a', 'b', 'c', 'a']);
        expect(err.message).toContain('a -> b -> c -> a');
        expect(err.toJSON()).toMatchObject({ code: 'CYCLE', cycle: ['a', 'b', 'c', 'a'] });
      }
      expect(() => b.topoBatches(['a'], [['a', 'a']])).toThrow(/a -> a/);
    });

    it('rejects edges to unknown nodes', () => {
      expect(() => b.topoBatches(['a'], [['a', 'zz']])).toThrow(NativeInputError);
      expect(() => b.topoBatches(['a'], [['a', 'zz']])).toThrow(/unknown node "zz"/);
    });

    it('criticalPath weighs nodes', () => {
      expect(
        b.criticalPath(
          ['a', 'b', 'c', 'd'],
          [
            ['a', 'b'],
            ['a', 'c'],
            ['b', 'd'],
            ['c', 'd'],
          ],
          { c: 5, d: 0.5 },
        ),
      ).toEqual({ path: ['a', 'c', 'd'], length: 6.5 });
      expect(b.criticalPath([], [])).toEqual({ path: [], length: 0 });
      expect(() =>
        b.criticalPath(
          ['a', 'b'],
          [
            ['a', 'b'],
            ['b', 'a'],
          ],
        ),
      ).toThrow(CycleError);
      expect(() => b.criticalPath(['a'], [], { a: Number.NaN })).toThrow(NativeInputError);
    });
  });
});

function summaryOf(o: Outline): string[] {
  return summary(o);
}
