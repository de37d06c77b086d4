/**
 * A bounded, deterministic corpus of real code no one here wrote: .ts/.d.ts/.mjs shipped in installed
 * npm packages, the Python standard library, Debian's Rust crate sources and Go's standard library.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CorpusFile {
  language: 'typescript' | 'tsx' | 'javascript' | 'python' | 'rust' | 'go';
  path: string;
}

function walk(dir: string, ext: RegExp, out: string[], maxBytes: number, skip?: RegExp): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (skip?.test(p)) continue;
    if (e.isDirectory()) walk(p, ext, out, maxBytes, skip);
    else if (e.isFile() && ext.test(e.name)) {
      try {
        if (statSync(p).size <= maxBytes) out.push(p);
      } catch {
        // vanished
      }
    }
  }
}

/** Every k-th file so the sample spreads over the whole tree. */
function sample(list: string[], n: number): string[] {
  if (list.length <= n) return list;
  const step = list.length / n;
  return Array.from({ length: n }, (_, i) => list[Math.floor(i * step)]!);
}

export function pythonStdlib(): string | undefined {
  if (existsSync('/usr/lib/python3.11')) return '/usr/lib/python3.11';
  try {
    return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

export function goRoot(): string | undefined {
  for (const d of ['/usr/lib/go/src', '/usr/lib/go-1.19/src', '/usr/local/go/src']) if (existsSync(d)) return d;
  return undefined;
}

export const RUST_REGISTRY = '/usr/share/cargo/registry';

const cache = new Map<string, string[]>();
function files(key: string, make: () => string[]): string[] {
  let v = cache.get(key);
  if (!v) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

export function corpus(opts: { perLanguage: number; maxBytes: number }): CorpusFile[] {
  const out: CorpusFile[] = [];
  const pnpm = join(repo, 'node_modules/.pnpm');
  const ts = files(`ts${opts.maxBytes}`, () => {
    const l: string[] = [];
    walk(pnpm, /\.(d\.)?[mc]?ts$/, l, opts.maxBytes, /node_modules\/\.pnpm\/[^/]+\/node_modules\/[^/]+\/node_modules/);
    return l;
  });
  const js = files(`js${opts.maxBytes}`, () => {
    const l: string[] = [];
    walk(pnpm, /\.m?js$/, l, opts.maxBytes, /node_modules\/\.pnpm\/[^/]+\/node_modules\/[^/]+\/node_modules/);
    return l;
  });
  // .tsx sources shipped by React packages (devDependencies of @weft/native: @radix-ui/themes,
  // @tanstack/react-query, @tanstack/react-router — real components no one here wrote).
  const tsx = files(`tsx${opts.maxBytes}`, () => {
    const l: string[] = [];
    walk(pnpm, /\.tsx$/, l, opts.maxBytes, /node_modules\/\.pnpm\/[^/]+\/node_modules\/[^/]+\/node_modules/);
    return l;
  });
  for (const p of sample(ts, opts.perLanguage)) out.push({ language: 'typescript', path: p });
  for (const p of sample(tsx, opts.perLanguage)) out.push({ language: 'tsx', path: p });
  for (const p of sample(js, opts.perLanguage)) out.push({ language: 'javascript', path: p });
  const py = pythonStdlib();
  if (py) {
    const l = files(`py${opts.maxBytes}`, () => {
      const x: string[] = [];
      walk(py, /\.py$/, x, opts.maxBytes, /site-packages|dist-packages/);
      return x;
    });
    for (const p of sample(l, opts.perLanguage)) out.push({ language: 'python', path: p });
  }
  if (existsSync(RUST_REGISTRY)) {
    const l = files(`rs${opts.maxBytes}`, () => {
      const x: string[] = [];
      walk(RUST_REGISTRY, /\.rs$/, x, opts.maxBytes);
      walk(join(repo, 'packages/native/src'), /\.rs$/, x, opts.maxBytes);
      return x;
    });
    for (const p of sample(l, opts.perLanguage)) out.push({ language: 'rust', path: p });
  }
  const go = goRoot();
  if (go) {
    const l = files(`go${opts.maxBytes}`, () => {
      const x: string[] = [];
      walk(go, /\.go$/, x, opts.maxBytes);
      return x;
    });
    for (const p of sample(l, opts.perLanguage)) out.push({ language: 'go', path: p });
  }
  return out;
}
