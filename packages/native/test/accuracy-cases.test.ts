/**
 * The cases the accuracy check against each language's own parser found, as small fixtures run on
 * every backend (js always, native when built): each failed before the fix it names.
 */
import { describe, expect, it } from 'vitest';
import type { Outline } from '../src/outline/types.js';
import { backends } from './helpers/backends.js';

const syms = (o: Outline) =>
  o.symbols.map((s) => `${s.kind} ${s.parent ? `${s.parent}.` : ''}${s.name}@${s.startLine}`);
const imps = (o: Outline) => o.imports.map((i) => `${i.source}@${i.line}`);

describe.each(backends.map((b) => [b.name, b] as const))('%s backend', (_name, b) => {
  describe('python imports at any depth', () => {
    it('reports imports inside functions, try/except, if branches, class bodies and after a header colon', () => {
      const src = [
        'import os',
        'try:',
        '    import ujson as json',
        'except ImportError:',
        '    import json',
        'def load():',
        '    from .cache import get',
        '    if True:',
        '        import a.b, c',
        'class C:',
        '    from typing import Any',
        'try: import fast',
        'except Exception: fast = None',
        'import x; import y',
        'while chunk := read(): import z',
      ].join('\n');
      expect(imps(b.outline(src, 'python'))).toEqual([
        'os@1',
        'ujson@3',
        'json@5',
        '.cache@7',
        'a.b@9',
        'c@9',
        'typing@11',
        'fast@12',
        'x@14',
        'y@14',
        'z@15',
      ]);
    });
  });

  describe('rust imports at any depth', () => {
    it('reports use inside function bodies and inline modules, not inside macros', () => {
      const src = [
        'use std::fmt;',
        'pub(crate) use crate::a::{b, c};',
        'fn f() {',
        '    use std::mem::needs_drop;',
        '    let x = 1;',
        '}',
        'macro_rules! m { () => { use $crate::x; } }',
        'm! { use not::an_import; }',
        'mod inner { pub use super::f; }',
        'extern crate alloc;',
      ].join('\n');
      expect(imps(b.outline(src, 'rust'))).toEqual([
        'std::fmt@1',
        'crate::a::{b, c}@2',
        'std::mem::needs_drop@4',
        'super::f@9',
        'alloc@10',
      ]);
    });
  });

  describe('typescript', () => {
    it('export type { … } from and export type * from are imports', () => {
      const src = "export type { A } from './a';\nexport type * from './b';\nexport { c } from './c';\n";
      expect(imps(b.outline(src, 'typescript'))).toEqual(['./a@1', './b@2', './c@3']);
    });
    it('type parameters with defaults are not constants', () => {
      const src = [
        'export declare const f: <A = unknown, B = A, C extends string = string>(a: A) => B;',
        'export const g = <',
        '  T,',
        '  U extends object,',
        '>(t: T, u: U) => t;',
      ].join('\n');
      expect(syms(b.outline(src, 'typescript'))).toEqual(['constant f@1', 'function g@2']);
    });
    it('an immediately invoked function is a constant, a parenthesized one is a function', () => {
      const src = [
        'const a = function () { return 1; }();',
        'let b = /* @__PURE__ */ function (b) { return b; }({});',
        'const c = (() => { return 3; })();',
        'const d = ((x) => { return x; });',
        'const e = function () {}.call(null);',
      ].join('\n');
      expect(syms(b.outline(src, 'javascript'))).toEqual([
        'constant a@1',
        'variable b@2',
        'constant c@3',
        'function d@4',
        'constant e@5',
      ]);
    });
    it('class properties with generic initializers and multi-line return types', () => {
      const src = [
        'class T {',
        '  private readonly active = new Map<string, Request>();',
        '  useNavigate = (): Result<',
        '    Types<TRouter, TId>["path"]',
        '  > => {',
        '    return go();',
        '  }',
        '  #current: Q<A, B> = undefined!',
        '  #next?: Q<A, B>',
        '}',
      ].join('\n');
      expect(syms(b.outline(src, 'typescript'))).toEqual([
        'class T@1',
        'variable T.active@2',
        'method T.useNavigate@3',
        'variable T.#current@8',
        'variable T.#next@9',
      ]);
    });
    it('interface call and construct signatures with type parameters are not members; keyword-named members are', () => {
      const src = [
        'interface L {',
        '  defaultFrom: string;',
        '  <',
        '    R extends Any = Registered,',
        '    const To extends string = "",',
        '  >(props: P<R, To>): Element;',
        '  new <T>(x: T): L;',
        '  extends?: string',
        '  in: number',
        '}',
      ].join('\n');
      expect(syms(b.outline(src, 'typescript'))).toEqual([
        'interface L@1',
        'variable L.defaultFrom@2',
        'variable L.extends@8',
        'variable L.in@9',
      ]);
    });
    it('a heritage clause across lines does not end the declaration', () => {
      const src = ['interface Props', '  extends', '    Own,', '    Other {', '  a: string;', '}'].join('\n');
      expect(syms(b.outline(src, 'typescript'))).toEqual(['interface Props@1', 'variable Props.a@5']);
    });
  });

  describe('tsx', () => {
    it('an apostrophe in a comment between JSX attributes does not hide later components', () => {
      const src = [
        'export function Matches() {',
        '  return (',
        '    <Transitioner',
        "      // the router's store",
        '      t={React.useState<AnyRouter>()[1]}',
        '    />',
        '  )',
        '}',
        'function MatchesInner() {',
        "  return <div>{/* it's fine */}</div>",
        '}',
        'export const Later = () => <span />',
      ].join('\n');
      expect(syms(b.outline(src, 'tsx'))).toEqual([
        'function Matches@1',
        'function MatchesInner@9',
        'function Later@12',
      ]);
    });
  });
});
