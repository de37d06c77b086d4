/**
 * parseWorkspace: walk a tree (gitignore, include/exclude, size limit), parse each supported file,
 * reuse unchanged files from a previous snapshot. The js backend does it all here; the native
 * backend walks and parses in Rust on all cores (src/workspace.rs) and this file only frames it.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NativeInputError } from '../errors/native-error.js';
import { outline } from '../outline/outline.js';
import type { Language, SymbolInfo } from '../outline/types.js';
import { compilePattern, type IgnoreFile, isIgnored, type Pattern, parseGitignore, patternMatches } from './glob.js';
import { hashBytes } from './hash.js';
import type { ParseWorkspaceOptions, SymbolLocation, WorkspaceFile, WorkspaceSnapshot } from './types.js';

/** Compact symbol form the addon returns (see backend/native.ts). */
type CompactSymbol = [string, number, number, number, string, 0 | 1, string?];

export const DEFAULT_MAX_FILE_BYTES = 1 << 20;

const EXT: Record<string, Language> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  rs: 'rust',
  go: 'go',
};

export function languageOf(name: string): Language | undefined {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? EXT[name.slice(dot + 1)] : undefined;
}

interface Resolved {
  root: string;
  include: Pattern[];
  exclude: Pattern[];
  respectGitignore: boolean;
  maxFileBytes: number;
  previous: Map<string, WorkspaceFile>;
}

function resolveOptions(root: string, o: ParseWorkspaceOptions = {}): Resolved {
  if (typeof root !== 'string' || root === '')
    throw new NativeInputError(`Expected root to be a directory path, found ${JSON.stringify(root)}.`);
  const abs = resolve(root);
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(abs);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory())
    throw new NativeInputError(`Expected root ${abs} to be a directory, found ${st ? 'something else' : 'nothing'}.`);
  const globs = (name: string, list: unknown): Pattern[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw new NativeInputError(`Expected ${name} to be an array of glob strings.`);
    }
    return (list as string[]).map(compilePattern).filter((p): p is Pattern => p !== null);
  };
  const max = o.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (typeof max !== 'number' || !(max >= 0))
    throw new NativeInputError(`Expected maxFileBytes to be a number >= 0, found ${String(max)}.`);
  const previous = new Map<string, WorkspaceFile>();
  if (o.previous) {
    if (!Array.isArray(o.previous.files))
      throw new NativeInputError('Expected previous to be a snapshot from parseWorkspace (with a files array).');
    for (const f of o.previous.files) if (!/[\t\n]/.test(f.path)) previous.set(f.path, f);
  }
  return {
    root: abs,
    include: globs('include', o.include),
    exclude: globs('exclude', o.exclude),
    respectGitignore: o.respectGitignore ?? true,
    maxFileBytes: max,
    previous,
  };
}

interface Candidate {
  path: string;
  abs: string;
  language: Language;
  bytes: number;
  mtimeMs: number;
}

/** Sequential walk; entries sorted by name; symlinks not followed; `.git` skipped. */
function walk(r: Resolved): Candidate[] {
  const out: Candidate[] = [];
  const stack: IgnoreFile[] = [];
  const visit = (dirAbs: string, rel: string) => {
    let pushed = false;
    if (r.respectGitignore) {
      try {
        const text = readFileSync(join(dirAbs, '.gitignore'), 'utf8');
        stack.push(parseGitignore(rel, text));
        pushed = true;
      } catch {
        // no .gitignore here
      }
    }
    let names: string[];
    try {
      names = readdirSync(dirAbs);
    } catch {
      names = [];
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const abs = join(dirAbs, name);
      const childRel = rel === '' ? name : rel + '/' + name;
      let st: import('node:fs').BigIntStats;
      try {
        st = lstatSync(abs, { bigint: true });
      } catch {
        continue;
      }
      const isDir = st.isDirectory();
      if (!isDir && !st.isFile()) continue;
      if (isDir && name === '.git') continue;
      if (r.respectGitignore && isIgnored(stack, childRel, isDir)) continue;
      if (r.exclude.some((p) => patternMatches(p, childRel, isDir))) continue;
      if (isDir) {
        visit(abs, childRel);
        continue;
      }
      const language = languageOf(name);
      if (!language) continue;
      if (r.include.length > 0 && !r.include.some((p) => patternMatches(p, childRel, false))) continue;
      const bytes = Number(st.size);
      if (bytes > r.maxFileBytes) continue;
      out.push({ path: childRel, abs, language, bytes, mtimeMs: Number(st.mtimeNs / 1000000n) });
    }
    if (pushed) stack.pop();
  };
  visit(r.root, '');
  return out;
}

/** NUL in the first 8000 bytes: a binary file, left out. */
export function isBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8000);
  for (let i = 0; i < n; i++) if (b[i] === 0) return true;
  return false;
}

function finish(root: string, files: WorkspaceFile[], parsed: number, reused: number): WorkspaceSnapshot {
  let acc = '';
  for (const f of files) acc += f.path + '\0' + f.hash + '\n';
  return { version: 1, root, treeHash: hashBytes(Buffer.from(acc, 'utf8')), files, stats: { parsed, reused } };
}

export function parseWorkspaceJs(root: string, options?: ParseWorkspaceOptions): WorkspaceSnapshot {
  const r = resolveOptions(root, options);
  const files: WorkspaceFile[] = [];
  let parsed = 0;
  let reused = 0;
  for (const c of walk(r)) {
    const prev = r.previous.get(c.path);
    if (prev && prev.bytes === c.bytes && prev.mtimeMs === c.mtimeMs && prev.language === c.language) {
      files.push({ ...prev });
      reused++;
      continue;
    }
    let buf: Buffer;
    try {
      buf = readFileSync(c.abs);
    } catch {
      continue;
    }
    if (isBinary(buf)) continue;
    const hash = hashBytes(buf);
    const base = { path: c.path, language: c.language, bytes: buf.length, mtimeMs: c.mtimeMs, hash };
    if (prev && prev.hash === hash && prev.language === c.language) {
      files.push({ ...base, symbols: prev.symbols });
      reused++;
      continue;
    }
    files.push({ ...base, symbols: outline(buf.toString('utf8'), c.language).symbols });
    parsed++;
  }
  return finish(r.root, files, parsed, reused);
}

/**
 * Frames a native parseWorkspace call: options as lines, previous files as TSV rows; native
 * returns files in walk order, with `symbols: null` for reused ones, which are filled in here.
 */
export function runNativeWorkspace(
  root: string,
  options: ParseWorkspaceOptions | undefined,
  run: (root: string, opts: string, prev: string) => string,
  expand: (symbols: CompactSymbol[]) => SymbolInfo[],
): WorkspaceSnapshot {
  const r = resolveOptions(root, options);
  const o = options ?? {};
  let opts = `${r.respectGitignore ? 1 : 0}\n${r.maxFileBytes}\n`;
  for (const p of o.include ?? []) if (!p.includes('\n')) opts += `I\t${p}\n`;
  for (const p of o.exclude ?? []) if (!p.includes('\n')) opts += `E\t${p}\n`;
  let prev = '';
  for (const f of r.previous.values()) prev += `${f.path}\t${f.bytes}\t${f.mtimeMs}\t${f.hash}\t${f.language}\n`;
  const res = JSON.parse(run(r.root, opts, prev)) as {
    files: (Omit<WorkspaceFile, 'symbols'> & { symbols: CompactSymbol[] | null })[];
    treeHash: string;
    parsed: number;
    reused: number;
  };
  const files = res.files.map(
    (f): WorkspaceFile => ({ ...f, symbols: f.symbols === null ? r.previous.get(f.path)!.symbols : expand(f.symbols) }),
  );
  return { version: 1, root: r.root, treeHash: res.treeHash, files, stats: { parsed: res.parsed, reused: res.reused } };
}

/** Finds a symbol by name (`name` or `Parent.name`) in a snapshot. */
export function lookupSymbol(snapshot: WorkspaceSnapshot, name: string): SymbolLocation[] {
  const dot = name.lastIndexOf('.');
  const parent = dot > 0 ? name.slice(0, dot) : undefined;
  const bare = dot > 0 ? name.slice(dot + 1) : name;
  const out: SymbolLocation[] = [];
  for (const f of snapshot.files) {
    for (const s of f.symbols) {
      const hit = s.name === name || (parent !== undefined && s.name === bare && s.parent === parent);
      if (!hit) continue;
      const loc: SymbolLocation = {
        path: f.path,
        name: s.name,
        kind: s.kind,
        startLine: s.startLine,
        endLine: s.endLine,
        signature: s.signature,
      };
      if (s.parent !== undefined) loc.parent = s.parent;
      out.push(loc);
    }
  }
  return out;
}
