/**
 * @weft/native — source outlines, skeletons, workspace snapshots and topological batching, in a
 * Rust Node-API addon when it is built, else in an identical TypeScript implementation.
 *
 * @packageDocumentation
 */
import { load } from './loader.js';
import type { CriticalPath, Edge } from './topo/topo.js';

const loaded = load();

/** Which implementation serves the calls: `'native'` (the Rust addon) or `'js'` (the TypeScript fallback). */
export const backend: 'native' | 'js' = loaded.backend.name;
/** Why {@link backend} is what it is (e.g. the addon's load error, or `WEFT_NATIVE=0`). */
export const backendReason: string = loaded.reason;

/**
 * Groups nodes into levels that can run in parallel (Kahn's algorithm). An edge `[a, b]` means `b`
 * depends on `a` (`a` runs first). Inside a level, nodes keep the order of `nodes`.
 *
 * @throws {@link CycleError} when the graph has a cycle; `err.cycle` is one cycle's path.
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
 * @throws {@link CycleError} when the graph has a cycle.
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
export type { CriticalPath, Edge } from './topo/topo.js';
