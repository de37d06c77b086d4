// Release dry run (CI): what `changeset version` + `pnpm publish -r` would do, on a copy of the
// repository, without publishing anything or touching this checkout.
//
// 1. Copies the tracked files (and each package's built dist/) to a temp folder.
// 2. Runs `changeset version` there: the pending changesets bump every @weft/* package to one new
//    version (they are `fixed`) and write each package's CHANGELOG.md.
// 3. Checks the result: one version for all, a CHANGELOG entry for it in every package, no
//    changeset left behind.
// 4. `pnpm publish -r --dry-run` there, then `pnpm pack` each package and reads the packed
//    package.json: `workspace:*` ranges must have become the new version, and the tarball must hold
//    dist/, README.md and CHANGELOG.md.
//
// With no pending changeset it says so and checks the publish step alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'weft-release-'));
const copy = join(tmp, 'repo');
const problems = [];
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
};

try {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(root, f), join(copy, f));
  }
  const packages = readdirSync(join(root, 'packages')).sort();
  for (const p of packages) {
    const dist = join(root, 'packages', p, 'dist');
    if (!existsSync(dist)) throw new Error(`packages/${p}/dist is missing: build first (pnpm build)`);
    cpSync(dist, join(copy, 'packages', p, 'dist'), { recursive: true });
  }
  const manifest = (p) => JSON.parse(readFileSync(join(copy, 'packages', p, 'package.json'), 'utf8'));
  const before = Object.fromEntries(packages.map((p) => [manifest(p).name, manifest(p).version]));
  const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');

  const changeset = join(root, 'node_modules/@changesets/cli/bin.js');
  if (pending.length > 0) {
    run(process.execPath, [changeset, 'version'], copy);
    const after = Object.fromEntries(packages.map((p) => [manifest(p).name, manifest(p).version]));
    const versions = new Set(Object.values(after));
    if (versions.size !== 1) problems.push(`packages got different versions: ${JSON.stringify(after)}`);
    const [version] = versions;
    for (const p of packages) {
      const { name } = manifest(p);
      if (after[name] === before[name]) problems.push(`${name} was not bumped (still ${before[name]})`);
      const log = join(copy, 'packages', p, 'CHANGELOG.md');
      if (!existsSync(log) || !readFileSync(log, 'utf8').includes(`## ${version}`))
        problems.push(`${name}: CHANGELOG.md has no entry for ${version}`);
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    if (left.length > 0) problems.push(`changesets left after versioning: ${left.join(', ')}`);
    console.log(
      `release-dry-run: ${pending.length} changeset(s) → ${Object.entries(before)
        .map(([n, v]) => `${n} ${v} → ${after[n]}`)
        .join(', ')}`,
    );
  } else {
    console.log('release-dry-run: no pending changesets (nothing would be versioned)');
  }

  run('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks', '--access', 'public'], copy);
  const packed = join(tmp, 'packed');
  for (const p of packages) {
    const cwd = join(copy, 'packages', p);
    const { name, version } = manifest(p);
    run('pnpm', ['pack', '--pack-destination', packed], cwd);
    const tgz = readdirSync(packed).find((f) => f.startsWith(`${name.slice(1).replace('/', '-')}-${version}`));
    if (!tgz) {
      problems.push(`${name}: no tarball`);
      continue;
    }
    const listing = run('tar', ['-tzf', join(packed, tgz)], tmp).split('\n');
    for (const must of ['package/package.json', 'package/README.md', 'package/CHANGELOG.md'])
      if (!listing.includes(must)) problems.push(`${name}: the tarball lacks ${must.slice('package/'.length)}`);
    if (!listing.some((f) => f.startsWith('package/dist/'))) problems.push(`${name}: the tarball lacks dist/`);
    const packedManifest = JSON.parse(run('tar', ['-xzOf', join(packed, tgz), 'package/package.json'], tmp));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(packedManifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) problems.push(`${name}: ${field}.${dep} is still ${range}`);
      }
    }
    const repoUrl = String(packedManifest.repository?.url ?? '').replace(/^git\+/, '');
    if (!/^https:\/\//.test(repoUrl) || /\.invalid\b|example\./.test(repoUrl))
      problems.push(`${name}: repository.url is not a public https URL (${packedManifest.repository?.url})`);
  }
} catch (err) {
  problems.push(err.message);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (problems.length > 0) {
  for (const p of problems) console.log(`release-dry-run: ${p}`);
  process.exit(1);
}
console.log('release-dry-run: ok (versioned, changelogs written, publish dry run and tarballs checked)');
