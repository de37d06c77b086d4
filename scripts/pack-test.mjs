// Packaging checks for every published package: publint and attw on its build, then a pack test:
// `pnpm pack` each package, install the tarballs into a temp project outside the repo, and load
// each with `import` and with `require` under the running Node (>= 22, so require(esm) works).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(import.meta.dirname, '..');
/** Entries a web app bundles: their built module graph may import only its own relative chunks. */
const BROWSER_SAFE = ['@weft/workflow/client'];
/** Subpaths that need an optional peer dependency the temp project does not install. */
const OPTIONAL_PEER_SUBPATHS = new Set(['@weft/eval/vitest']);

/** Every non-relative import (`node:fs`, `kysely`, …) reachable from `file` through relative imports. */
function foreignImports(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  const bad = [];
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)) {
    const spec = m[1];
    if (spec.startsWith('./') || spec.startsWith('../')) bad.push(...foreignImports(join(dirname(file), spec), seen));
    else bad.push(spec);
  }
  return bad;
}
const pkgs = readdirSync(join(root, 'packages')).sort();
let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(`pack-test: ${msg}`);
};
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

const tmp = mkdtempSync(join(tmpdir(), 'weft-pack-'));
const tarballs = {};
for (const dir of pkgs) {
  const cwd = join(root, 'packages', dir);
  const name = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).name;
  const pub = run('pnpm', ['exec', 'publint', '--strict'], { cwd });
  if (pub.status !== 0) fail(`publint ${name}:\n${pub.stdout}${pub.stderr}`);
  else console.log(`publint ${name}: ok`);
  const packed = run('pnpm', ['pack', '--pack-destination', tmp], { cwd });
  if (packed.status !== 0) {
    fail(`pnpm pack ${name}:\n${packed.stderr}`);
    continue;
  }
  const tgz = readdirSync(tmp).find((f) => f.startsWith(name.replace('@', '').replace('/', '-')) && f.endsWith('.tgz'));
  tarballs[name] = join(tmp, tgz);
  // ESM-only by design (see README "Module format"): attw's node16-CJS view reports that as
  // "ESM (dynamic import only)", which Node >= 22.12's require(esm) makes moot; the esm-only
  // profile checks every other resolution mode. The pack test below proves `require` works.
  const attw = run('pnpm', ['exec', 'attw', '--profile', 'esm-only', '--format', 'table-flipped', tarballs[name]], {
    cwd,
  });
  if (attw.status !== 0) fail(`attw ${name}:\n${attw.stdout}${attw.stderr}`);
  else console.log(`attw ${name}: ok`);
}

const app = join(tmp, 'app');
execFileSync('mkdir', ['-p', app]);
const overrides = Object.fromEntries(Object.entries(tarballs).map(([n, t]) => [n, `file:${t}`]));
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'weft-pack-app', private: true, dependencies: overrides, pnpm: { overrides } }, null, 2),
);
writeFileSync(
  join(app, 'pnpm-workspace.yaml'),
  `allowBuilds:\n  esbuild: true\noverrides:\n${Object.entries(overrides)
    .map(([n, t]) => `  '${n}': '${t}'`)
    .join('\n')}\n`,
);
const inst = run('pnpm', ['install', '--no-frozen-lockfile', '--reporter=append-only'], { cwd: app });
if (inst.status !== 0) fail(`install of tarballs failed:\n${inst.stdout}\n${inst.stderr}`);
else {
  for (const name of Object.keys(tarballs)) {
    const esm = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('${name}'); if (!Object.keys(m).length) throw new Error('no exports'); console.log('import ${name}:', Object.keys(m).length, 'exports');`,
      ],
      { cwd: app },
    );
    if (esm.status !== 0) fail(`import ${name}:\n${esm.stderr}`);
    else process.stdout.write(esm.stdout);
    const cjs = run(
      process.execPath,
      [
        '-e',
        `const m = require('${name}'); if (!Object.keys(m).length) throw new Error('no exports'); console.log('require ${name}:', Object.keys(m).length, 'exports');`,
      ],
      { cwd: app },
    );
    if (cjs.status !== 0) fail(`require ${name}:\n${cjs.stderr}`);
    else process.stdout.write(cjs.stdout);
  }
  // Subpath exports (`@weft/eval/vitest`, `@weft/workflow/client`) load from the tarballs too.
  for (const dir of pkgs) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    for (const sub of Object.keys(manifest.exports ?? {})) {
      if (sub === '.' || sub === './package.json') continue;
      const spec = `${manifest.name}${sub.slice(1)}`;
      if (OPTIONAL_PEER_SUBPATHS.has(spec)) continue;
      const sub1 = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import('${spec}'); console.log('import ${spec}:', Object.keys(m).length, 'exports');`,
        ],
        { cwd: app },
      );
      if (sub1.status !== 0) fail(`import ${spec}:\n${sub1.stderr}`);
      else process.stdout.write(sub1.stdout);
    }
  }
  // Browser-safe entries: their built module graph imports nothing but its own relative chunks.
  for (const spec of BROWSER_SAFE) {
    const where = run(process.execPath, ['--input-type=module', '-e', `console.log(import.meta.resolve('${spec}'))`], {
      cwd: app,
    });
    if (where.status !== 0) {
      fail(`resolve ${spec}:\n${where.stderr}`);
      continue;
    }
    const bad = foreignImports(fileURLToPath(where.stdout.trim()));
    if (bad.length) fail(`${spec} must stay browser-safe, but its build imports ${bad.join(', ')}`);
    else console.log(`browser-safe ${spec}: ok (no node: or package imports)`);
  }
}
if (failures === 0) rmSync(tmp, { recursive: true, force: true });
console.log(failures ? `pack-test: ${failures} failure(s)` : 'pack-test: all packages ok');
process.exit(failures ? 1 : 0);
