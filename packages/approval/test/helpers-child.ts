/** Spawns test/fixtures/child.ts in a fresh Node process (sources through the repo's ts hooks). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DbTarget } from './helpers.js';

const hooks = fileURLToPath(new URL('../../../scripts/ts-hooks.mjs', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));

export function runChild<T>(target: DbTarget, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', hooks, child, args[0] as string, target.url, target.schema ?? '-', ...args.slice(1)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => {
      out += c;
    });
    p.stderr.on('data', (c) => {
      err += c;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) return reject(new Error(`child exited ${code}: ${err || out}`));
      resolve(JSON.parse(line) as T);
    });
  });
}
