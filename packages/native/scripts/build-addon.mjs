#!/usr/bin/env node
// Builds the Rust addon when cargo is available (offline: the crate has no external crates) and
// copies it to weft-native.<platform>.node at the package root, where src/loader.ts looks for it.
// Without cargo it says so and exits 0: the package then runs on its TypeScript backend.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const probe = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('[@weft/native] cargo not found: skipping the Rust addon build (the js backend will be used).');
  process.exit(0);
}
const debug = process.argv.includes('--debug');
const args = ['build', '--offline', '--lib', ...(debug ? [] : ['--release'])];
const res = spawnSync('cargo', args, { cwd: root, stdio: 'inherit' });
if (res.status !== 0) {
  console.error(`[@weft/native] cargo ${args.join(' ')} failed (exit ${res.status}).`);
  process.exit(res.status ?? 1);
}
const lib = { linux: 'libweft_native.so', darwin: 'libweft_native.dylib', win32: 'weft_native.dll' }[process.platform];
const built = join(root, 'target', debug ? 'debug' : 'release', lib ?? 'libweft_native.so');
if (!existsSync(built)) {
  console.error(`[@weft/native] expected ${built} after the build, found nothing.`);
  process.exit(1);
}
// Same naming as src/loader.ts platformTriple() (and @napi-rs/cli): linux-x64-gnu, darwin-arm64…
function platformTriple() {
  const { platform, arch } = process;
  if (platform === 'linux')
    return `linux-${arch}-${process.report?.getReport()?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}
const dest = join(root, `weft-native.${platformTriple()}.node`);
// copy then rename: a process loading the old file never sees a half-written one
copyFileSync(built, `${dest}.${process.pid}.tmp`);
renameSync(`${dest}.${process.pid}.tmp`, dest);
console.log(`[@weft/native] built ${dest}`);
