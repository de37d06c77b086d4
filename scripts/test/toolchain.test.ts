import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'scripts/toolchain.mjs');

describe('scripts/toolchain.mjs', () => {
  it('does nothing on a machine that already has Node >= 22 and the pinned pnpm', () => {
    // The test itself runs under the provisioned toolchain, so node and pnpm on PATH qualify.
    const stampBefore = existsSync(join(root, '.toolchain/stamp.json'))
      ? statSync(join(root, '.toolchain/stamp.json')).mtimeMs
      : undefined;
    const pnpmDir = dirname(spawnSync('which', ['pnpm'], { encoding: 'utf8' }).stdout.trim());
    const PATH = [dirname(process.execPath), pnpmDir, '/usr/bin', '/bin'].join(':');
    const r = spawnSync(process.execPath, [script, '--print-path'], {
      encoding: 'utf8',
      env: { ...process.env, PATH },
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(PATH);
    expect(r.stderr).not.toContain('installing');
    const stampAfter = existsSync(join(root, '.toolchain/stamp.json'))
      ? statSync(join(root, '.toolchain/stamp.json')).mtimeMs
      : undefined;
    expect(stampAfter).toBe(stampBefore);
  });

  it('runs a command with Node >= 22 first on PATH when started from an older Node', () => {
    // /usr/bin/node is the machine's Node 20: the bootstrap must put the cached Node 24 first.
    if (!existsSync('/usr/bin/node')) return expect(existsSync('/usr/bin/node')).toBe(false);
    const r = spawnSync('/usr/bin/node', [script, 'node', '-p', 'process.versions.node'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' },
      cwd: mkdtempSync(join(tmpdir(), 'weft-tc-')),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.trim().split('.')[0])).toBeGreaterThanOrEqual(22);
    expect(readdirSync(join(root, '.toolchain/node_modules'))).toContain('pnpm');
  });
});
