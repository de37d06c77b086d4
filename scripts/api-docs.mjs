// The API reference (docs/api/, committed Markdown) from the TSDoc of every package's public entry.
// TypeDoc with typedoc-plugin-markdown, configured by typedoc.json: an undocumented export or a broken
// {@link} is a warning, and warnings fail.
//
// Usage: node scripts/api-docs.mjs           regenerate docs/api/
//        node scripts/api-docs.mjs --check   (CI) generate into a temp folder; fail if docs/api/ differs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const committed = join(root, 'docs/api');
const out = check ? mkdtempSync(join(tmpdir(), 'weft-api-')) : committed;
if (!check) rmSync(committed, { recursive: true, force: true });

const typedoc = join(root, 'examples/node_modules/.bin/typedoc');
const r = spawnSync(typedoc, ['--options', 'typedoc.json', '--logLevel', 'Warn', '--out', out], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);

/** Every file under `dir`, as paths relative to it. */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

if (check) {
  const fresh = files(out);
  const old = new Set(files(committed));
  const stale = [];
  for (const f of fresh) {
    if (!old.has(f)) stale.push(`${f} (missing)`);
    else if (readFileSync(join(out, f), 'utf8') !== readFileSync(join(committed, f), 'utf8')) stale.push(f);
    old.delete(f);
  }
  for (const f of old) stale.push(`${f} (no longer generated)`);
  rmSync(out, { recursive: true, force: true });
  if (stale.length > 0) {
    console.log(`api-docs: docs/api is stale: ${stale.join(', ')}`);
    console.log('  run `node scripts/api-docs.mjs` (after `pnpm install`) and commit docs/api/');
    process.exit(1);
  }
  console.log(`api-docs: docs/api is current (${fresh.length} files)`);
} else {
  console.log(`api-docs: wrote ${files(committed).length} files to ${relative(root, committed)}/`);
}
