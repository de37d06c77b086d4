/**
 * @weft/native — source outlines, skeletons, workspace snapshots and topological batching, in a
 * Rust Node-API addon when it is built, else in an identical TypeScript implementation.
 *
 * @packageDocumentation
 */
import { load } from './loader.js';
import type { Outline, Skeleton, SkeletonOptions } from './outline/types.js';
import type { CriticalPath, Edge } from './topo/topo.js';
import type { ParseWorkspaceOptions, WorkspaceSnapshot } from './workspace/types.js';

const loaded = load();

/** Which implementation serves the calls: `'native'` (the Rust addon) or `'js'` (the TypeScript fallback). */
export const backend: 'native' | 'js' = loaded.backend.name;
/** Why {@link backend} is what it is (the addon's path, its load error, or `WEFT_NATIVE=0`). */
export const backendReason: string = loaded.reason;

/**
 * Symbols (functions, classes, methods, interfaces, types, enums, variables, constants, structs,
 * traits, impls, modules) and imports of one source file. Never throws on malformed code.
 *
 * @param language `'typescript' | 'tsx' | 'javascript' | 'python' | 'rust' | 'go'`
 * @throws {@link NativeInputError} for an unknown language or a non-string source.
 * @example
 * ```ts
 * const { symbols } = outline('export function add(a: number, b: number) { return a + b; }', 'typescript');
 * // [{ name: 'add', kind: 'function', startLine: 1, endLine: 1, signature: 'export function add(a: number, b: number)', exported: true }]
 * ```
 */
export function outline(source: string, language: Language): Outline {
  return loaded.backend.outline(source, language);
}

/**
 * The source with function/method bodies elided (`{ … }` / `...`), keeping signatures, class
 * structure, comments and docstrings; with `keep: 'marked'`, bodies marked `@core_logic`
 * (decorator, attribute or doc tag) or containing a `[HOT]` comment stay whole.
 *
 * @example
 * ```ts
 * skeleton('def f(x):\n    """Doc."""\n    return x\n', 'python').text; // 'def f(x):\n    """Doc."""\n    ...\n'
 * ```
 */
export function skeleton(source: string, language: Language, options?: SkeletonOptions): Skeleton {
  return loaded.backend.skeleton(source, language, options);
}

/**
 * Outlines every supported file under `root` (honouring .gitignore, include/exclude globs and a
 * size limit) — in parallel on all cores with the native backend. Pass the previous snapshot as
 * `previous` to skip unchanged files. The snapshot is plain JSON: cache it anywhere.
 *
 * @example
 * ```ts
 * const snap = parseWorkspace('.', { exclude: ['dist'] });
 * const again = parseWorkspace('.', { exclude: ['dist'], previous: snap }); // again.stats.reused === snap.files.length
 * ```
 */
export function parseWorkspace(root: string, options?: ParseWorkspaceOptions): WorkspaceSnapshot {
  return loaded.backend.parseWorkspace(root, options);
}

/**
 * Groups nodes into levels that can run in parallel (Kahn's algorithm). An edge `[a, b]` means `b`
 * depends on `a` (`a` runs first). Inside a level, nodes keep the order of `nodes`. A name listed
 * twice in `nodes` is one node; a duplicate edge changes nothing; a self-loop `[a, a]` is a cycle.
 *
 * @throws {@link CycleError} when the graph has a cycle; `err.cycle` is a real cycle of the input:
 * every hop is an edge, no node appears twice except the first, which is repeated at the end, and it
 * starts at its node listed first in `nodes` (a self-loop is `['a', 'a']`). Both backends name the
 * same cycle.
 * @example
 * ```ts
 * topoBatches(['build', 'lint', 'test'], [['build', 'test'], ['lint', 'test']]);
 * // [['build', 'lint'], ['test']]
 * ```
 */
export function topoBatches(nodes: readonly string[], edges: readonly Edge[]): string[][] {
  return loaded.backend.topoBatches(nodes, edges);
}

/**
 * The longest path through the DAG, each node weighing `weights[node]` (default 1).
 *
 * @throws {@link CycleError} when the graph has a cycle (the same `cycle` {@link topoBatches} reports).
 * @example
 * ```ts
 * criticalPath(['a', 'b', 'c'], [['a', 'b'], ['a', 'c']], { c: 5 }); // { path: ['a', 'c'], length: 6 }
 * ```
 */
export function criticalPath(
  nodes: readonly string[],
  edges: readonly Edge[],
  weights?: Readonly<Record<string, number>>,
): CriticalPath {
  return loaded.backend.criticalPath(nodes, edges, weights);
}

export { CycleError, NativeError, NativeInputError } from './errors/native-error.js';
export type {
  ImportInfo,
  Language,
  Outline,
  Skeleton,
  SkeletonOptions,
  SymbolInfo,
  SymbolKind,
} from './outline/types.js';
export type { CriticalPath, Edge } from './topo/topo.js';
export { lookupSymbol } from './workspace/parse-workspace.js';
export type {
  ParseWorkspaceOptions,
  SymbolLocation,
  WorkspaceFile,
  WorkspaceSnapshot,
} from './workspace/types.js';
import type { Language } from './outline/types.js';
