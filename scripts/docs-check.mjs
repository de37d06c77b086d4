// Docs check (CI): (1) every relative link in README.md, docs/*.md, examples/README.md and
// packages/cli/README.md resolves to a file (and, for `file.md#anchor`, to a heading in it); (2) every
// ```ts code block in those files typechecks against the repo's sources.
//
// Code blocks are written to a temp folder inside the repo (examples/.docs-check/), so `@weft/*` imports
// resolve through tsconfig.base.json paths and `zod`/`ai` through the workspace's node_modules,
// then `tsc --noEmit` runs once over all of them. Each block is its own module (top-level await
// allowed). Every ts block is checked: there is no opt-out. A fragment that needs context (a
// workflow defined earlier on the page, a router) gets it from a hidden prelude, an HTML comment
// right before the fence that GitHub and npm do not render:
//
//   <!-- docs-check prelude
//   import { refund } from '../examples/approval-inbox/refund.js';
//   -->
//   ```ts
//   …the fragment, type-checked against the real API with that context…
//   ```
//
// A prelude may `declare const x: T;` only for things outside Weft (a session store, an Express app).
// A block that later blocks import (`import { refund } from './refund.js'`) is named with
// `<!-- docs-check file: refund.ts -->` before its fence; names are per Markdown file.
//
// Usage: node scripts/docs-check.mjs [--links-only | --code-only] [file.md …]   (default: the files above)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const rel = (p) => relative(root, p);

/** The Markdown files the check covers: the README, docs/, and the examples' and CLI's READMEs. */
function markdownFiles() {
  const files = [join(root, 'README.md')];
  const docs = join(root, 'docs');
  if (existsSync(docs)) {
    for (const f of readdirSync(docs).sort()) if (f.endsWith('.md')) files.push(join(docs, f));
  }
  for (const extra of ['examples/README.md', 'CONTRIBUTING.md']) files.push(join(root, extra));
  const packages = join(root, 'packages');
  for (const p of readdirSync(packages).sort()) files.push(join(packages, p, 'README.md'));
  return files.filter((f) => existsSync(f));
}

/** Lines of the file with fenced code blocks blanked out (links inside code are not links). */
function proseLines(text) {
  let fence = null;
  return text.split('\n').map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1][0];
      else if (m[1][0] === fence) fence = null;
      return '';
    }
    return fence === null ? line.replace(/`[^`]*`/g, '') : '';
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file) {
  const seen = new Map();
  const anchors = new Set();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of readFileSync(file, 'utf8').matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

function checkLinks(files) {
  const problems = [];
  let count = 0;
  for (const file of files) {
    const lines = proseLines(readFileSync(file, 'utf8'));
    lines.forEach((line, i) => {
      const targets = [
        ...[...line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
        ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((m) => m[1]),
        ...[...line.matchAll(/<a\s+[^>]*href="([^"]+)"/g)].map((m) => m[1]),
      ];
      for (const target of targets) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        count++;
        const [pathPart, anchor] = target.split('#');
        const path = decodeURIComponent(pathPart ?? '');
        const dest = path === '' ? file : resolve(dirname(file), path);
        const where = `${rel(file)}:${i + 1}`;
        // A package README is read on npm, where only the package's own files exist.
        const pkg = /^packages\/[^/]+\/README\.md$/.test(rel(file)) ? dirname(file) : undefined;
        if (pkg && relative(pkg, dest).startsWith('..')) {
          problems.push(`${where}: link "${target}" leaves the package (broken on npm): use an absolute GitHub URL`);
          continue;
        }
        if (!existsSync(dest)) {
          problems.push(`${where}: link "${target}" → ${rel(dest)} does not exist`);
          continue;
        }
        if (anchor && dest.endsWith('.md') && statSync(dest).isFile() && !anchorsOf(dest).has(anchor)) {
          problems.push(`${where}: link "${target}" → no heading #${anchor} in ${rel(dest)}`);
        }
      }
    });
  }
  return { problems, count };
}

/** Every ```ts / ```typescript block, with the line it starts on and its hidden prelude, if any. */
function codeBlocks(file) {
  const blocks = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  let current = null;
  let prelude = null; // { lines, open } while reading an HTML-comment prelude, then until the next fence
  lines.forEach((line, i) => {
    if (current === null) {
      if (prelude?.open) {
        if (line.trim() === '-->') prelude.open = false;
        else prelude.lines.push(line);
        return;
      }
      if (/^\s*<!--\s*docs-check prelude\s*$/.test(line)) {
        prelude = { lines: [], open: true, name: prelude?.name };
        return;
      }
      const named = /^\s*<!--\s*docs-check file:\s*([\w.-]+\.ts)\s*-->\s*$/.exec(line);
      if (named) {
        prelude = { lines: prelude?.lines ?? [], open: false, name: named[1] };
        return;
      }
      const m = /^(\s*)(`{3,})\s*(ts|typescript|tsx)\b(.*)$/.exec(line);
      if (m) {
        if (/\bnocheck\b/.test(m[4]))
          blocks.push({
            file,
            start: i + 1,
            error: 'a ```ts block may not opt out with nocheck: give it a docs-check prelude',
          });
        current = {
          fence: m[2],
          indent: m[1].length,
          start: i + 2,
          body: [],
          prelude: prelude?.lines ?? [],
          name: prelude?.name,
          // A refused opt-out is reported once, not compiled as well.
          skip: /\bnocheck\b/.test(m[4]),
        };
        prelude = null;
      } else if (/^\s*`{3,}/.test(line)) current = { fence: /`{3,}/.exec(line)[0], skip: true, body: [] };
      else if (line.trim() !== '') prelude = null; // a prelude belongs to the fence right after it
      return;
    }
    if (line.trim().startsWith(current.fence) && line.trim().replace(/`/g, '') === '') {
      if (!current.skip)
        blocks.push({
          file,
          start: current.start,
          code: current.body.join('\n'),
          prelude: current.prelude,
          name: current.name,
        });
      current = null;
      return;
    }
    current.body.push(
      current.indent ? line.slice(Math.min(current.indent, line.length - line.trimStart().length)) : line,
    );
  });
  return blocks;
}

function checkCode(files) {
  const all = files.flatMap(codeBlocks);
  const refused = all.filter((b) => b.error).map((b) => `${rel(b.file)}:${b.start}: ${b.error}`);
  const blocks = all.filter((b) => !b.error);
  if (blocks.length === 0) return { problems: refused, count: 0 };
  // Inside examples/ so that `zod`, `ai` and the @weft packages resolve from examples/node_modules.
  const dir = join(root, 'examples/.docs-check');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const byName = new Map();
  blocks.forEach((b, n) => {
    // One folder per Markdown file, so `./refund.js` finds the block named refund.ts on that page.
    const folder = rel(b.file).replace(/[^a-zA-Z0-9]+/g, '-');
    mkdirSync(join(dir, folder), { recursive: true });
    const name = `${folder}/${b.name ?? `block-${String(n).padStart(3, '0')}.ts`}`;
    // `export {}` makes every block a module, so top-level await works and names don't collide.
    // The prelude's lines come first; their count is subtracted when an error is mapped back.
    b.offset = b.prelude.length;
    writeFileSync(join(dir, name), `${[...b.prelude, b.code].join('\n')}\nexport {};\n`);
    byName.set(name, b);
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: '../../tsconfig.base.json',
        compilerOptions: { noEmit: true, allowImportingTsExtensions: true, noUnusedLocals: false, types: ['node'] },
        include: ['*/*.ts'],
      },
      null,
      2,
    ),
  );
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
    cwd: root,
  });
  const problems = [];
  const other = [];
  for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(?:.*[\\/])?examples[\\/]\.docs-check[\\/]([^(]+)\((\d+),(\d+)\):\s*(.*)$/.exec(
      line.replace(/\\/g, '/'),
    );
    const block = m && byName.get(m[1]);
    if (m && block) {
      const line = Number(m[2]) - block.offset;
      const where = line >= 1 ? `${block.start + line - 1}` : `${block.start - 1} (prelude line ${Number(m[2])})`;
      problems.push(`${rel(block.file)}:${where}:${m[3]}: ${m[4]}`);
    } else if (/error TS/.test(line)) other.push(line);
    else if (problems.length > 0 && /^\s/.test(line)) problems[problems.length - 1] += `\n    ${line.trim()}`;
  }
  if (r.status !== 0 && problems.length === 0) problems.push(`tsc failed:\n${other.join('\n') || r.stdout + r.stderr}`);
  else problems.push(...other);
  if (!process.env.WEFT_DOCS_CHECK_KEEP) rmSync(dir, { recursive: true, force: true });
  return { problems: [...refused, ...problems], count: blocks.length };
}

const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = given.length > 0 ? given.map((f) => resolve(f)) : markdownFiles();
let failed = false;
if (!args.has('--code-only')) {
  const { problems, count } = checkLinks(files);
  console.log(`docs-check: ${count} relative links in ${files.length} files, ${problems.length} broken`);
  for (const p of problems) console.log(`  ${p}`);
  failed ||= problems.length > 0;
}
if (!args.has('--links-only')) {
  const { problems, count } = checkCode(files);
  console.log(`docs-check: ${count} ts code blocks typechecked, ${problems.length} errors`);
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length)
    console.log('  (a fragment that needs context gets a <!-- docs-check prelude … --> comment before its fence)');
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
