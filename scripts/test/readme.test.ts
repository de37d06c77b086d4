import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The ```ts block that follows the `readme-example` marker in README.md. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /<!-- readme-example[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no ```ts block after the readme-example marker');
  return match[1];
}

describe('README', () => {
  it('its code example runs and prints what its comment says', () => {
    // Inside examples/ so that zod and the @weft packages resolve as they do for a user's app.
    const dir = join(root, 'examples/.readme-tmp');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'readme-example.ts');
    writeFileSync(file, readmeExample());
    try {
      const r = spawnSync(process.execPath, ['--import', join(root, 'scripts/ts-hooks.mjs'), file], {
        encoding: 'utf8',
        cwd: dir,
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe('high');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
