/** Dispatch: source + language → symbols and imports (and the internal records the skeleton uses). */
import { computeMatch, type Ctx, type Sym } from './common.js';
import { L_GO, L_PY, L_RUST, L_TS, L_TSX, lex, recycleTokens } from './lexer.js';
import { parseGo } from './parse-go.js';
import { parsePython } from './parse-py.js';
import { parseRust } from './parse-rust.js';
import { parseStatements } from './parse-ts.js';
import type { ImportInfo, Language, Outline, SymbolInfo } from './types.js';
import { NativeInputError } from '../errors/native-error.js';

export const LANGUAGES: readonly Language[] = ['typescript', 'tsx', 'javascript', 'python', 'rust', 'go'];

function family(language: string): number {
  switch (language) {
    case 'typescript':
      return L_TS;
    case 'tsx':
    case 'javascript':
      return L_TSX;
    case 'python':
      return L_PY;
    case 'rust':
      return L_RUST;
    case 'go':
      return L_GO;
    default:
      throw new NativeInputError(
        `Expected language to be one of ${LANGUAGES.join(', ')}, found ${JSON.stringify(language)}.`,
      );
  }
}

/** Throws NativeInputError unless `source` is a string and `language` a supported language. */
export function checkLanguage(source: unknown, language: unknown): number {
  if (typeof source !== 'string') throw new NativeInputError(`Expected source to be a string, found ${typeof source}.`);
  return family(language as string);
}

/**
 * Lone UTF-16 surrogates become U+FFFD, as Node-API does when it hands a string to the addon, so
 * both backends see the same text.
 */
export function wellFormed(source: string): string {
  const s = source as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  return s.isWellFormed && !s.isWellFormed() ? s.toWellFormed!() : source;
}

export function analyze(source: string, language: string): { syms: Sym[]; imports: ImportInfo[]; ctx: Ctx } {
  const fam = checkLanguage(source, language);
  source = wellFormed(source);
  const t = lex(source, fam);
  const ctx: Ctx = { src: source, t, match: computeMatch(source, t), syms: [], imports: [] };
  if (fam === L_TS || fam === L_TSX) parseStatements(ctx, 0, t.n, undefined, 0);
  else if (fam === L_PY) parsePython(ctx);
  else if (fam === L_RUST) parseRust(ctx);
  else parseGo(ctx);
  return { syms: ctx.syms, imports: ctx.imports, ctx };
}

export function toSymbolInfo(s: Sym): SymbolInfo {
  const out: SymbolInfo = {
    name: s.name,
    kind: s.kind,
    startLine: s.startLine,
    endLine: s.endLine,
    signature: s.signature,
    exported: s.exported,
  };
  if (s.parent !== undefined) out.parent = s.parent;
  return out;
}

export function outline(source: string, language: string): Outline {
  const a = analyze(source, language);
  const out = { symbols: a.syms.map(toSymbolInfo), imports: a.imports };
  recycleTokens(a.ctx.t);
  return out;
}
