/**
 * The js path: without cargo the addon build is skipped cleanly, and the package still works;
 * a missing or broken addon falls back to js with the reason kept; WEFT_NATIVE=0 forces js.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../src/loader.js';
import { nativeBackend, pkgRoot } from './helpers/backends.js';

const repo = join(pkgRoot, '../..');
const hooks = join(repo, 'scripts/ts-hooks.mjs');

/** PATH with every directory that holds a `cargo` removed. */
function pathWithoutCargo(): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter((d) => spawnSync('test', ['-x', join(d, 'cargo')]).status !== 0)
    .join(':');
}

describe('js fallback', () => {
  it('build:addon without cargo prints that it skips and exits 0', () => {
    const r = spawnSync(process.execPath, [join(pkgRoot, 'scripts/build-addon.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: pathWithoutCargo() },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('cargo not found: skipping');
  });

  it('WEFT_NATIVE=0 forces js, and the package works there (child process, no cargo on PATH)', () => {
    const script = `
      import { backend, backendReason, outline, topoBatches, parseWorkspace } from ${JSON.stringify(join(pkgRoot, 'src/index.ts'))};
      const o = outline('def f():\\n    pass\\n', 'python');
      const t = topoBatches(['a', 'b'], [['a', 'b']]);
      const w = parseWorkspace(${JSON.stringify(join(pkgRoot, 'test/fixtures'))});
      console.log(JSON.stringify({ backend, backendReason, names: o.symbols.map((s) => s.name), t, files: w.files.length }));
    `;
    const file = join(mkdtempSync(join(tmpdir(), 'weft-fallback-')), 'child.ts');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', hooks, file], {
      encoding: 'utf8',
      env: { ...process.env, WEFT_NATIVE: '0', PATH: pathWithoutCargo() },
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ backend: 'js', names: ['f'], t: [['a'], ['b']], files: 5 });
    expect(out.backendReason).toContain('WEFT_NATIVE=0');
  });

  it('a missing addon falls back with the reason', () => {
    const l = load({}, join(tmpdir(), 'no-such-dir', 'weft-native.node'));
    expect(l.backend.name).toBe('js');
    expect(l.reason).toMatch(/addon not built/);
  });

  it('a broken addon falls back with the load error', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'weft-bad-')), 'weft-native.node');
    writeFileSync(bad, 'not a shared object');
    const l = load({}, bad);
    expect(l.backend.name).toBe('js');
    expect(l.reason).toMatch(/failed to load/);
  });

  it.skipIf(!nativeBackend)('without WEFT_NATIVE the built addon is used', () => {
    expect(load({}).backend.name).toBe('native');
  });
});
