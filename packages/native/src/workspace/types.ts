/** Public types of {@link parseWorkspace} and {@link lookupSymbol}. Snapshots are plain JSON. */
import type { Language, SymbolInfo } from '../outline/types.js';

/** Options of {@link parseWorkspace}. Globs: `*`, `?`, `**`, `[abc]`; without a `/` they match a base name at any depth. */
export interface ParseWorkspaceOptions {
  /** Only files matching one of these globs (default: every file of a supported language). */
  include?: string[];
  /** Files and directories to leave out. `.git` is always left out. */
  exclude?: string[];
  /** Honour `.gitignore` files (root and nested). Default true. */
  respectGitignore?: boolean;
  /** Larger files are left out. Default 1 MiB. */
  maxFileBytes?: number;
  /** An earlier snapshot of the same root: unchanged files (size+mtime, then content hash) are not re-parsed. */
  previous?: WorkspaceSnapshot;
}

/** One parsed file. `path` is relative to the root, with `/` separators. */
export interface WorkspaceFile {
  path: string;
  language: Language;
  bytes: number;
  /** Modification time, whole milliseconds since the epoch. */
  mtimeMs: number;
  /** Content hash (16 hex digits). */
  hash: string;
  symbols: SymbolInfo[];
}

/** Result of {@link parseWorkspace}. */
export interface WorkspaceSnapshot {
  version: 1;
  /** Absolute root the paths are relative to. */
  root: string;
  /** Hash over every (path, hash) pair: equal tree hashes mean equal parsed contents. */
  treeHash: string;
  files: WorkspaceFile[];
  /** How many files were parsed and how many were reused from `previous`. */
  stats: { parsed: number; reused: number };
}

/** One place where {@link lookupSymbol} found a symbol. */
export interface SymbolLocation {
  path: string;
  name: string;
  kind: SymbolInfo['kind'];
  startLine: number;
  endLine: number;
  signature: string;
  parent?: string;
}
