/** parseWorkspace / lookupSymbol on real temp trees, for every backend; both must agree exactly. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeInputError } from '../src/errors/native-error.js';
import { lookupSymbol } from '../src/workspace/parse-workspace.js';
import type { WorkspaceSnapshot } from '../src/workspace/types.js';
import { backends, jsBackend, nativeBackend } from './helpers/backends.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-ws-'));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

const FILES = {
  '.gitignore': 'build/\n*.gen.ts\n# comment\n/top-only.py\n!keep.gen.ts\n',
  'src/app.ts': 'export class App {\n  run(): void {}\n}\nexport function main() {}\n',
  'src/keep.gen.ts': 'export const kept = 1;\n',
  'src/skip.gen.ts': 'export const skipped = 1;\n',
  'src/util.py': 'def helper():\n    pass\n\nclass App:\n    def run(self):\n        pass\n',
  'top-only.py': 'X = 1\n',
  'nested/top-only.py': 'Y = 2\n',
  'nested/.gitignore': 'local.rs\n',
  'nested/local.rs': 'fn hidden() {}\n',
  'nested/lib.rs': 'pub struct S;\nimpl S {\n    pub fn new() -> Self { S }\n}\n',
  'cmd/main.go': 'package main\n\nfunc main() {}\n\ntype Server struct{}\n\nfunc (s *Server) Run() {}\n',
  'build/out.js': 'function built() {}\n',
  'docs/readme.md': '# not code\n',
  'bin/blob.ts': Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]),
  'big/huge.ts': `export const big = "${'x'.repeat(5000)}";\n`,
  '.git/hooks/x.ts': 'export const git = 1;\n',
  'uni/ünï.ts': 'export function grüß() {}\n',
};

describe.each(backends.map((b) => [b.name, b] as const))('%s backend', (_n, b) => {
  it('walks with .gitignore (root and nested, negation), skips binary/large/.git, outlines each file', () => {
    const root = tree(FILES);
    const snap = b.parseWorkspace(root, { maxFileBytes: 4096 });
    expect(snap.files.map((f) => f.path)).toEqual([
      'cmd/main.go',
      'nested/lib.rs',
      'nested/top-only.py',
      'src/app.ts',
      'src/keep.gen.ts',
      'src/util.py',
      'uni/ünï.ts',
    ]);
    const app = snap.files.find((f) => f.path === 'src/app.ts')!;
    expect(app.language).toBe('typescript');
    expect(app.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(app.symbols.map((s) => s.name)).toEqual(['App', 'run', 'main']);
    expect(snap.stats).toEqual({ parsed: 7, reused: 0 });
    expect(snap.treeHash).toMatch(/^[0-9a-f]{16}$/);
    // a plain-JSON round trip keeps it usable
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });

  it('respectGitignore: false, include and exclude globs', () => {
    const root = tree(FILES);
    const all = b.parseWorkspace(root, { respectGitignore: false, maxFileBytes: 4096 });
    expect(all.files.map((f) => f.path)).toContain('build/out.js');
    expect(all.files.map((f) => f.path)).toContain('nested/local.rs');
    const some = b.parseWorkspace(root, { include: ['src/**/*.ts', '*.go'], exclude: ['keep*'] });
    expect(some.files.map((f) => f.path)).toEqual(['cmd/main.go', 'src/app.ts']);
  });

  it('incremental: unchanged files are reused, changed ones re-parsed', () => {
    const root = tree(FILES);
    const first = b.parseWorkspace(root);
    const again = b.parseWorkspace(root, { previous: JSON.parse(JSON.stringify(first)) as WorkspaceSnapshot });
    expect(again.stats).toEqual({ parsed: 0, reused: first.files.length });
    expect(again.files).toEqual(first.files);
    expect(again.treeHash).toBe(first.treeHash);
    // same content, new mtime: reused through the content hash
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/util.py'), future, future);
    // new content
    writeFileSync(join(root, 'src/app.ts'), 'export function changed() {}\n');
    const third = b.parseWorkspace(root, { previous: again });
    expect(third.stats).toEqual({ parsed: 1, reused: first.files.length - 1 });
    expect(third.files.find((f) => f.path === 'src/app.ts')!.symbols.map((s) => s.name)).toEqual(['changed']);
    expect(third.treeHash).not.toBe(first.treeHash);
  });

  it('lookupSymbol finds names and Parent.name', () => {
    const snap = b.parseWorkspace(tree(FILES));
    expect(lookupSymbol(snap, 'App').map((l) => `${l.path}:${l.startLine}:${l.kind}`)).toEqual([
      'src/app.ts:1:class',
      'src/util.py:4:class',
    ]);
    expect(lookupSymbol(snap, 'Server.Run')).toEqual([
      {
        path: 'cmd/main.go',
        name: 'Run',
        kind: 'method',
        startLine: 7,
        endLine: 7,
        signature: 'func (s *Server) Run()',
        parent: 'Server',
      },
    ]);
    expect(lookupSymbol(snap, 'nope')).toEqual([]);
  });

  it('rejects a missing root', () => {
    expect(() => b.parseWorkspace(join(tmpdir(), 'weft-does-not-exist-xyz'))).toThrow(NativeInputError);
  });
});

describe.skipIf(!nativeBackend)('parseWorkspace parity on a real tree', () => {
  it('js and native give the same snapshot for this package and for an npm package tree', () => {
    for (const root of [join(__dirname, '..'), join(__dirname, '../../../node_modules/.pnpm/zod@4.6.7')]) {
      const a = jsBackend.parseWorkspace(root, { respectGitignore: true });
      const n = nativeBackend!.parseWorkspace(root, { respectGitignore: true });
      expect(n.files.length).toBe(a.files.length);
      expect(n).toEqual(a);
      const inc = nativeBackend!.parseWorkspace(root, { previous: a });
      expect(inc.stats.parsed).toBe(0);
      expect(inc).toEqual(jsBackend.parseWorkspace(root, { previous: n }));
    }
  });
});
