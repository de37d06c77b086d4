/**
 * Accuracy of the outliner against each language's own parser: the TypeScript compiler API,
 * python3's `ast`, Go's go/parser and Rust's syn. Scores (name, parent, kind, startLine) precision
 * and recall, and endLine accuracy on matched symbols. Used by test/accuracy.test.ts and the bench.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../../src/backend/types.js';
import { addImportScore, addScore, emptyImportScore, emptyScore, type ImportScore, type Score } from './score.js';
import { type RefImport, type RefSymbol, tsImportOracle, tsOracle } from './ts-oracle.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const pkg = join(here, '../..');

export type OracleLanguage = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust';

/** What a language's own parser says a file holds. */
export interface Reference {
  symbols: RefSymbol[];
  imports: RefImport[];
}

function run(cmd: string, args: string[], input: string, cwd?: string, env?: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { input, cwd, env, maxBuffer: 1 << 30, encoding: 'utf8' });
}

/** Why an oracle cannot run here, or undefined when it can. */
export function oracleUnavailable(lang: OracleLanguage): string | undefined {
  const has = (c: string, a: string[]) => {
    const r = spawnSync(c, a, { encoding: 'utf8' });
    return !r.error && r.status === 0;
  };
  if (lang === 'python' && !has('python3', ['--version'])) return 'python3 not found';
  if (lang === 'go' && !has('go', ['version'])) return 'go not found (apt-get install golang-go)';
  if (lang === 'rust') {
    if (!has('cargo', ['--version'])) return 'cargo not found';
    if (
      !existsSync('/usr/share/cargo/registry') ||
      !execFileSync('ls', ['/usr/share/cargo/registry']).toString().includes('syn-1')
    ) {
      return 'syn not in /usr/share/cargo/registry (apt-get install librust-syn-dev)';
    }
  }
  return undefined;
}

let rustOracle: string | undefined;
function buildRustOracle(): string {
  if (rustOracle) return rustOracle;
  const dir = join(pkg, 'tools/rust-oracle');
  execFileSync('cargo', ['build', '--offline', '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  rustOracle = join(dir, 'target/debug/weft-rust-oracle');
  return rustOracle;
}

/** Reference symbols and imports per file (null when the oracle could not parse the file). */
export function oracle(lang: OracleLanguage, files: string[]): Record<string, Reference | null> {
  if (lang === 'typescript' || lang === 'tsx' || lang === 'javascript') {
    const out: Record<string, Reference | null> = {};
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      out[f] = { symbols: tsOracle(src, lang), imports: tsImportOracle(src, lang) };
    }
    return out;
  }
  if (lang === 'python') return JSON.parse(run('python3', [join(here, 'py_oracle.py')], JSON.stringify(files)));
  if (lang === 'go') {
    const env = {
      ...process.env,
      GOCACHE: mkdtempSync(join(tmpdir(), 'weft-gocache-')),
      GOFLAGS: '',
      GO111MODULE: 'off',
    };
    return JSON.parse(run('go', ['run', 'main.go'], JSON.stringify(files), join(here, 'go'), env));
  }
  return JSON.parse(run(buildRustOracle(), [], files.join('\n')));
}

export interface Accuracy extends Score {
  language: OracleLanguage;
  files: number;
  /** Precision / recall of (source, line) of imports. */
  imports: ImportScore;
}

export function accuracy(b: Backend, lang: OracleLanguage, files: string[]): Accuracy {
  const ref = oracle(lang, files);
  const sc = emptyScore();
  const im = emptyImportScore();
  let n = 0;
  // Rust use-trees are compared without whitespace (syn prints `a :: b`, the outline `a::b`).
  const norm = lang === 'rust' ? (s: string) => s.replace(/\s+/g, '') : (s: string) => s;
  for (const f of files) {
    const want = ref[f];
    if (!want) continue; // the language's own parser rejects it (newer syntax than it knows)
    n++;
    const got = b.outline(readFileSync(f, 'utf8'), lang);
    addScore(sc, got.symbols, want.symbols, f);
    addImportScore(
      im,
      got.imports.map((x) => ({ source: norm(x.source), line: x.line })),
      want.imports.map((x) => ({ source: norm(x.source), line: x.line })),
      f,
    );
  }
  return { ...sc, language: lang, files: n, imports: im };
}
