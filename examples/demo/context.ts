/**
 * Step 1 of the demo: workspace context with zero LLM tokens.
 *
 * - @weft/native `parseWorkspace` outlines every source file; the snapshot is cached in the store
 *   and handed back as `previous`, so a second run re-parses only files that changed.
 * - The files most relevant to the request (matches in paths and symbol names) are cut down to
 *   skeletons — signatures and doc comments, bodies elided — before any prompt sees them.
 * - Co-change pairs mined from `git log` (files that change in the same commits) point at files
 *   a change to the relevant ones usually touches too. Cached per HEAD commit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { outline, parseWorkspace, skeleton } from '@weft/native';
import type { DemoCache } from './cache.ts';

type Snapshot = ReturnType<typeof parseWorkspace>;
type SnapshotFile = Snapshot['files'][number];

/** A file picked for the prompt, as a skeleton. */
export interface RelevantFile {
  path: string;
  language: string;
  score: number;
  /** Request words found in its path or symbols. */
  matched: string[];
  skeleton: string;
  tokensBefore: number;
  tokensAfter: number;
  /** Its declarations (exported first, request matches first), as the outline gives them. */
  symbols: { name: string; kind: string; signature: string }[];
  /** Workspace files it imports (relative imports resolved against the snapshot). */
  imports: string[];
  /** Workspace files that import it. */
  importedBy: string[];
  /** A test file for it, if the workspace has one (`x.test.ts`, `test_x.py`, …). */
  test?: string;
}

/** Two files that changed together in `commits` commits. */
export interface CoChangePair {
  a: string;
  b: string;
  commits: number;
}

/** Everything step 1 hands to the planner. */
export interface WorkspaceContext {
  root: string;
  treeHash: string;
  files: number;
  symbols: number;
  snapshot: { cached: boolean; reparsed: number; reused: number; ms: number };
  relevant: RelevantFile[];
  coChange: CoChangePair[];
  git: { head?: string; commits: number; cached: boolean; note?: string };
  tokens: { before: number; after: number };
  /** Markdown docs at the root and under docs/ (for a "document it" task). */
  docs: string[];
}

const STOP = new Set(
  'the and for with that this from into then than when what which should would could have make add use using new all any are was were been not but can its our your their them they also each via per'.split(
    ' ',
  ),
);

/** Lower-case words of a request or identifier (camelCase, kebab-case and paths split). */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP.has(w));
}

function rank(
  files: readonly SnapshotFile[],
  request: string,
  limit: number,
): { file: SnapshotFile; score: number; matched: string[] }[] {
  const wanted = new Set(words(request));
  const aboutTests = wanted.has('test') || wanted.has('tests');
  // Words of each file (path and symbol names), and how many files each wanted word appears in:
  // rare words ("retry") weigh more than common ones ("workflow") — a plain IDF.
  const fileWords = files.map((file) => ({
    path: new Set(words(file.path)),
    symbols: new Set(file.symbols.flatMap((s) => words(s.name))),
  }));
  const idf = new Map<string, number>();
  for (const w of wanted) {
    const df = fileWords.filter((f) => f.path.has(w) || f.symbols.has(w)).length;
    idf.set(w, Math.log((1 + files.length) / (1 + df)));
  }
  const scored = files.map((file, i) => {
    const { path, symbols } = fileWords[i] as (typeof fileWords)[number];
    const matched: string[] = [];
    let score = 0;
    for (const w of wanted) {
      const weight = idf.get(w) ?? 0;
      if (path.has(w)) score += 3 * weight;
      if (symbols.has(w)) score += weight;
      if (path.has(w) || symbols.has(w)) matched.push(w);
    }
    // Several matched words beat one word matched many ways.
    score *= matched.length;
    if (!aboutTests && /(\.test\.|\/test\/|\.test-d\.)/.test(file.path)) score *= 0.4;
    return { file, score, matched: matched.sort() };
  });
  const hits = scored
    .filter((s) => s.score > 0)
    .sort((x, y) => y.score - x.score || x.file.path.localeCompare(y.file.path));
  if (hits.length > 0) return hits.slice(0, limit);
  // Nothing matched: fall back to the files that export the most.
  return scored
    .map((s) => ({ ...s, score: s.file.symbols.filter((x) => x.exported).length / 100 }))
    .sort((x, y) => y.score - x.score || x.file.path.localeCompare(y.file.path))
    .slice(0, limit);
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 10_000,
    maxBuffer: 64 << 20,
  });
}

/** The files of each commit in `git log --name-only --pretty=format:%x00` output (huge commits — > 40 files — skipped). */
export function commitsOf(log: string): string[][] {
  return log
    .split('\u0000')
    .map((commit) =>
      [
        ...new Set(
          commit
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      ].sort(),
    )
    .filter((files) => files.length >= 2 && files.length <= 40);
}

/** Pairs of files changed in the same commits where one of them is in `focus`, most frequent first. */
export function coChangePairs(commits: readonly string[][], focus: ReadonlySet<string>, max = 8): CoChangePair[] {
  const counts = new Map<string, number>();
  for (const files of commits) {
    for (const a of files) {
      if (!focus.has(a)) continue;
      for (const b of files) {
        if (a === b || (focus.has(b) && b < a)) continue; // count each pair once
        const key = a < b ? `${a}\u0001${b}` : `${b}\u0001${a}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return [...counts]
    .map(([key, commits]) => {
      const [a = '', b = ''] = key.split('\u0001');
      return { a, b, commits };
    })
    .sort((x, y) => y.commits - x.commits || x.a.localeCompare(y.a) || x.b.localeCompare(y.b))
    .slice(0, max);
}

async function commitHistory(
  root: string,
  cache: DemoCache,
): Promise<{ commits: string[][]; git: WorkspaceContext['git'] }> {
  let head: string;
  try {
    head = git(root, ['rev-parse', 'HEAD']).trim();
  } catch {
    return { commits: [], git: { commits: 0, cached: false, note: 'not a git repository: no co-change pairs' } };
  }
  // The parsed log is cached per HEAD commit: a new commit means a new log.
  const key = `cochange:${root}`;
  // (older entries with another shape are simply recomputed)
  const hit = await cache.get<{ head: string; total: number; commits: string[][] }>(key);
  if (hit && hit.value.head === head && Array.isArray(hit.value.commits))
    return { commits: hit.value.commits, git: { head, commits: hit.value.total, cached: true } };
  const log = git(root, ['log', '--no-merges', '-n', '500', '--name-only', '--pretty=format:%x00']);
  const total = log.split('\u0000').filter((c) => c.trim()).length;
  const commits = commitsOf(log);
  await cache.set(key, { head, total, commits });
  return { commits, git: { head, commits: total, cached: false } };
}

const SOURCE_EXT = ['.ts', '.tsx', '.js', '.mjs', '.py', '.rs', '.go'];

/** The workspace file a relative import names (`./retry.js` → `src/retry.ts`), if there is one. */
export function resolveImport(from: string, source: string, paths: ReadonlySet<string>): string | undefined {
  if (!source.startsWith('.')) return undefined;
  const base = normalize(join(dirname(from), source)).replace(/\\/g, '/');
  const stem = base.replace(/\.(m?js|jsx?|tsx?)$/, '');
  for (const candidate of [base, ...SOURCE_EXT.map((e) => stem + e), ...SOURCE_EXT.map((e) => `${stem}/index${e}`)])
    if (paths.has(candidate)) return candidate;
  return undefined;
}

/** The test file of `path` in the workspace, by the usual naming conventions. */
export function testFileOf(path: string, paths: ReadonlySet<string>): string | undefined {
  const m = /^(.*\/)?([^/]+?)(\.[^./]+)$/.exec(path);
  if (!m) return undefined;
  const [, dir = '', name, ext] = m;
  const candidates = [
    `${dir}${name}.test${ext}`,
    `${dir}${name}.spec${ext}`,
    `${dir}test_${name}${ext}`,
    `${dir}${name}_test${ext}`,
    `test/${name}.test${ext}`,
    `${dir.replace(/^src\//, 'test/')}${name}.test${ext}`,
  ];
  return candidates.find((c) => c !== path && paths.has(c));
}

/** Loads the workspace context for `request`: snapshot (cached), relevant skeletons, co-change pairs. */
export async function loadWorkspaceContext(options: {
  root: string;
  request: string;
  cache: DemoCache;
  limit?: number;
}): Promise<WorkspaceContext> {
  const { root, request, cache } = options;
  const key = `snapshot:${root}`;
  const previous = (await cache.get<Snapshot>(key))?.value;
  const t0 = performance.now();
  const snapshot = parseWorkspace(root, {
    ...(previous ? { previous } : {}),
    exclude: ['node_modules', 'dist', '.weft', '.toolchain', 'target', 'fixtures', 'bench/results'],
    maxFileBytes: 512 * 1024,
  });
  const ms = performance.now() - t0;
  if (!previous || previous.treeHash !== snapshot.treeHash) await cache.set(key, snapshot);

  const paths = new Set(snapshot.files.map((f) => f.path));
  const wanted = new Set(words(request));
  const relevant: RelevantFile[] = [];
  for (const { file, score, matched } of rank(snapshot.files, request, options.limit ?? 5)) {
    let source: string;
    try {
      source = readFileSync(join(root, file.path), 'utf8');
    } catch {
      continue;
    }
    const s = skeleton(source, file.language, { keep: 'marked' });
    const imports = outline(source, file.language)
      .imports.map((i) => resolveImport(file.path, i.source, paths))
      .filter((p): p is string => p !== undefined);
    const hits = (name: string) => words(name).filter((w) => wanted.has(w)).length;
    // Request matches first, then top-level declarations before members (a plan names functions
    // and types, not fields), exported first.
    const symbols = file.symbols
      .filter((x) => !x.parent || x.exported)
      .sort(
        (a, b) =>
          hits(b.name) - hits(a.name) ||
          Number(a.parent !== undefined) - Number(b.parent !== undefined) ||
          Number(b.exported) - Number(a.exported) ||
          a.startLine - b.startLine,
      )
      .slice(0, 6)
      .map((x) => ({ name: x.name, kind: x.kind, signature: x.signature.slice(0, 160) }));
    const test = testFileOf(file.path, paths);
    relevant.push({
      path: file.path,
      language: file.language,
      score: Math.round(score * 10) / 10,
      matched,
      skeleton: s.text,
      tokensBefore: s.tokensBefore,
      tokensAfter: s.tokensAfter,
      symbols,
      imports: [...new Set(imports)],
      importedBy: [],
      ...(test ? { test } : {}),
    });
  }
  // Who imports each relevant file, among the relevant ones (the planner orders tasks by it).
  for (const r of relevant)
    r.importedBy = relevant.filter((o) => o !== r && o.imports.includes(r.path)).map((o) => o.path);
  const docs = ['README.md', 'CHANGELOG.md', ...readdirSafe(join(root, 'docs')).map((f) => `docs/${f}`)].filter(
    (f) => f.endsWith('.md') && existsSync(join(root, f)),
  );

  const { commits, git: gitInfo } = await commitHistory(root, cache);
  const coChange = coChangePairs(commits, new Set(relevant.map((r) => r.path)));

  return {
    root,
    treeHash: snapshot.treeHash,
    files: snapshot.files.length,
    symbols: snapshot.files.reduce((n, f) => n + f.symbols.length, 0),
    snapshot: {
      cached: previous !== undefined,
      reparsed: snapshot.stats.parsed,
      reused: snapshot.stats.reused,
      ms: Math.round(ms),
    },
    relevant,
    coChange,
    git: gitInfo,
    tokens: {
      before: relevant.reduce((n, r) => n + r.tokensBefore, 0),
      after: relevant.reduce((n, r) => n + r.tokensAfter, 0),
    },
    docs,
  };
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
