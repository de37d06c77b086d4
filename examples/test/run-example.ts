/**
 * Test helpers: discover the examples and run one as a real child process.
 *
 * Under Node the examples run from their TypeScript sources: `--import scripts/ts-hooks.mjs` maps
 * `@weft/<pkg>` to `packages/<pkg>/src/index.ts` (and `./x.js` to `./x.ts`), so this test never
 * depends on a build. The Bun example runs under Bun against the built `dist/` of each package,
 * exactly as a user's Bun app would import it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');
export const examplesDir = join(repo, 'examples');
export const hooks = join(repo, 'scripts/ts-hooks.mjs');
export const bunBin = join(examplesDir, 'node_modules/.bin/bun');

/** Folders and files under examples/ that are not examples. */
const NOT_EXAMPLES = new Set(['node_modules', 'test', 'demo', 'package.json', 'tsconfig.json', 'README.md']);

/** One runnable example: a folder with main.ts, or a single .ts file. */
export interface Example {
  name: string;
  entry: string;
}

/** Every example under examples/ (the demo has its own test, examples/test/demo.test.ts). */
export function discoverExamples(): Example[] {
  const found: Example[] = [];
  for (const name of readdirSync(examplesDir).sort()) {
    if (NOT_EXAMPLES.has(name) || name.startsWith('.')) continue;
    const path = join(examplesDir, name);
    if (statSync(path).isDirectory()) {
      const entry = join(path, 'main.ts');
      if (existsSync(entry)) found.push({ name, entry });
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      found.push({ name: name.replace(/\.ts$/, ''), entry: path });
    }
  }
  return found;
}

/** What a finished child process left behind. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Options of {@link runProcess}. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** A fresh temporary working directory, so examples write their `.weft/` files there, not in the repo. */
export function tempDir(prefix = 'weft-example-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Spawns `command args` and collects its output; kills it (SIGKILL) after `timeoutMs`. */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const t0 = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? repo,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/** Runs a TypeScript file under this Node with the repo's source-mapping hooks. */
export function runNodeTs(file: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', hooks, file, ...args], opts);
}

/** The packages whose built `dist/index.js` is missing (Bun runs against the build). */
export function missingBuilds(pkgs: readonly string[]): string[] {
  return pkgs.filter((p) => !existsSync(join(repo, 'packages', p, 'dist/index.js')));
}

/** Shown when a child process failed: its exit and both streams, for the test's failure message. */
export function describeResult(r: ProcessResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''} after ${r.ms} ms\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
