/** Public result types of {@link outline} and {@link skeleton}. */

/** Languages the outliner understands. */
export type Language = 'typescript' | 'tsx' | 'javascript' | 'python' | 'rust' | 'go';

/** Kinds of symbols reported by {@link outline}. */
export type SymbolKind =
  | 'function'
  | 'class'
  | 'method'
  | 'interface'
  | 'type'
  | 'enum'
  | 'variable'
  | 'constant'
  | 'struct'
  | 'trait'
  | 'impl'
  | 'module';

/** One declaration. Lines are 1-based; `startLine` is the declaration's own line (after doc comments/decorators). */
export interface SymbolInfo {
  name: string;
  kind: SymbolKind;
  startLine: number;
  endLine: number;
  /** Declaration text up to its body, whitespace collapsed. */
  signature: string;
  /** Containing class / interface / impl / trait / module name. */
  parent?: string;
  exported: boolean;
}

/** One import / use statement: the module it names and its line. */
export interface ImportInfo {
  source: string;
  line: number;
}

/** Result of {@link outline}. */
export interface Outline {
  symbols: SymbolInfo[];
  imports: ImportInfo[];
}

/** Options of {@link skeleton}. */
export interface SkeletonOptions {
  /** `'marked'` keeps bodies marked `@core_logic` (decorator or doc tag) or containing a `[HOT]` comment. */
  keep?: 'none' | 'marked';
}

/** Result of {@link skeleton}. Token counts are estimates: ceil(UTF-8 bytes / 4). */
export interface Skeleton {
  text: string;
  tokensBefore: number;
  tokensAfter: number;
}
