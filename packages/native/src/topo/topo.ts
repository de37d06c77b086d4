/**
 * Topological batching (Kahn levels) and critical path, pure TypeScript. The Rust addon implements
 * the same algorithm (src/topo.rs) and must give identical results, including which cycle is reported.
 */
import { CycleError, NativeInputError } from '../errors/native-error.js';

/** An edge `[from, to]`: `to` depends on `from`, so `from` runs first. */
export type Edge = readonly [from: string, to: string];

/** Result of {@link criticalPath}. */
export interface CriticalPath {
  /** Nodes of the longest (heaviest) path, in run order. Empty for an empty graph. */
  path: string[];
  /** Sum of the weights along `path` (each node weighs 1 unless `weights` says otherwise). */
  length: number;
}

interface Graph {
  ids: Map<string, number>;
  succ: number[][];
  indeg: number[];
}

/** Validated node ids and a flat `[from0, to0, from1, to1, …]` index array (shared with the native backend). */
export function indexEdges(
  nodes: readonly string[],
  edges: readonly Edge[],
): { ids: Map<string, number>; names: string[]; flat: Uint32Array } {
  if (!Array.isArray(nodes))
    throw new NativeInputError(`Expected nodes to be an array of strings, found ${typeof nodes}.`);
  if (!Array.isArray(edges))
    throw new NativeInputError(`Expected edges to be an array of [from, to] pairs, found ${typeof edges}.`);
  const ids = new Map<string, number>();
  const names: string[] = [];
  for (const n of nodes) {
    if (typeof n !== 'string') throw new NativeInputError(`Expected every node to be a string, found ${typeof n}.`);
    if (!ids.has(n)) {
      ids.set(n, names.length);
      names.push(n);
    }
  }
  const flat = new Uint32Array(edges.length * 2);
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    const a = ids.get(e[0]);
    const b = ids.get(e[1]);
    if (a === undefined || b === undefined) {
      const missing = a === undefined ? e[0] : e[1];
      throw new NativeInputError(
        `Expected edge ${i} ([${JSON.stringify(e[0])}, ${JSON.stringify(e[1])}]) to join listed nodes, found unknown node ${JSON.stringify(missing)}. Add it to \`nodes\`.`,
      );
    }
    flat[2 * i] = a;
    flat[2 * i + 1] = b;
  }
  return { ids, names, flat };
}

/** Validated weights per node index (default 1). */
export function weightArray(names: readonly string[], weights?: Readonly<Record<string, number>>): Float64Array {
  const w = new Float64Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const x = weights?.[names[i]!];
    if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x))) {
      throw new NativeInputError(`Expected weight of ${JSON.stringify(names[i])} to be a finite number, found ${x}.`);
    }
    w[i] = x ?? 1;
  }
  return w;
}

function build(nodes: readonly string[], edges: readonly Edge[]): Graph & { names: string[] } {
  const { ids, names, flat } = indexEdges(nodes, edges);
  const succ: number[][] = Array.from({ length: names.length }, () => []);
  const indeg = new Array<number>(names.length).fill(0);
  for (let i = 0; i < flat.length; i += 2) {
    succ[flat[i]!]!.push(flat[i + 1]!);
    indeg[flat[i + 1]!]!++;
  }
  return { ids, succ, indeg, names };
}

/** Levels as index arrays; null when a cycle remains. */
function levels(g: Graph): number[][] | null {
  const n = g.indeg.length;
  const indeg = g.indeg.slice();
  const out: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) cur.push(i);
  let seen = 0;
  while (cur.length > 0) {
    out.push(cur);
    seen += cur.length;
    const next: number[] = [];
    for (const u of cur) {
      for (const v of g.succ[u]!) {
        if (--indeg[v]! === 0) next.push(v);
      }
    }
    // Stable order inside a level = order of `nodes`.
    next.sort((x, y) => x - y);
    cur = next;
  }
  return seen === n ? out : null;
}

/**
 * Finds one real cycle. Kahn's pass removes every node that is not on a cycle and not downstream of
 * one; each node left keeps a predecessor that is also left (its in-degree counts only those), so
 * walking backwards along "the lowest-index remaining predecessor" from the lowest-index remaining
 * node must revisit a node, and the stretch between the two visits is a cycle whose every hop is an
 * input edge. The cycle is turned forwards and rotated to start at its lowest-index node, then that
 * node is repeated at the end. src/topo.rs does exactly the same, so both backends name the same cycle.
 */
function findCycle(g: Graph, names: string[]): string[] {
  const n = g.indeg.length;
  const indeg = g.indeg.slice();
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  const removed = new Uint8Array(n);
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    removed[u] = 1;
    for (const v of g.succ[u]!) if (--indeg[v]! === 0) queue.push(v);
  }
  // pick[v] = the lowest-index remaining node with an edge into v (a self-loop counts).
  const pick = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    if (removed[u]) continue;
    for (const v of g.succ[u]!) if (!removed[v] && pick[v] === -1) pick[v] = u;
  }
  let start = 0;
  while (start < n && removed[start]) start++;
  if (start >= n) return [];
  const pos = new Int32Array(n).fill(-1);
  const back: number[] = [];
  let u = start;
  while (pos[u] === -1) {
    pos[u] = back.length;
    back.push(u);
    u = pick[u]!;
  }
  const cyc = back.slice(pos[u]!).reverse();
  let low = 0;
  for (let i = 1; i < cyc.length; i++) if (cyc[i]! < cyc[low]!) low = i;
  const rotated = [...cyc.slice(low), ...cyc.slice(0, low)];
  rotated.push(rotated[0]!);
  return rotated.map((i) => names[i]!);
}

/**
 * Groups nodes into levels that can run in parallel (Kahn's algorithm). An edge `[a, b]` means
 * `b` depends on `a`: `a` lands in an earlier level. Inside a level, nodes keep the order of
 * `nodes`. A node name listed twice is one node (its first position counts); a duplicate edge is
 * the same dependency again (allowed, no effect on the result); a self-loop `[a, a]` is a cycle.
 *
 * @throws CycleError when the graph has a cycle: `err.cycle` is a real cycle of the input (every
 * hop is an edge, no node twice but the first, which is repeated at the end; it starts at its node
 * listed first in `nodes`); a self-loop is reported as `['a', 'a']`.
 * @example
 * ```ts
 * topoBatches(['build', 'lint', 'test', 'ship'], [['build', 'test'], ['lint', 'ship'], ['test', 'ship']]);
 * // [['build', 'lint'], ['test'], ['ship']]
 * ```
 */
export function topoBatches(nodes: readonly string[], edges: readonly Edge[]): string[][] {
  const g = build(nodes, edges);
  const names = g.names;
  const lv = levels(g);
  if (lv === null) throw new CycleError(findCycle(g, names));
  return lv.map((l) => l.map((i) => names[i]!));
}

/**
 * The longest path through the DAG, weighing each node by `weights[node]` (default 1). Ties go to
 * the path found first in `nodes` order.
 *
 * @throws CycleError when the graph has a cycle (the same `cycle` {@link topoBatches} reports).
 * @example
 * ```ts
 * criticalPath(['a', 'b', 'c'], [['a', 'b'], ['a', 'c']], { c: 5 });
 * // { path: ['a', 'c'], length: 6 }
 * ```
 */
export function criticalPath(
  nodes: readonly string[],
  edges: readonly Edge[],
  weights?: Readonly<Record<string, number>>,
): CriticalPath {
  const g = build(nodes, edges);
  const names = g.names;
  const lv = levels(g);
  if (lv === null) throw new CycleError(findCycle(g, names));
  const n = names.length;
  const w = weightArray(names, weights);
  const best = new Float64Array(n);
  const prev = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) best[i] = w[i]!;
  for (const level of lv) {
    for (const u of level) {
      for (const v of g.succ[u]!) {
        const cand = best[u]! + w[v]!;
        // Strictly greater: on ties the first predecessor reached (level order, then node order) wins.
        if (cand > best[v]!) {
          best[v] = cand;
          prev[v] = u;
        }
      }
    }
  }
  let end = -1;
  for (let i = 0; i < n; i++) if (end === -1 || best[i]! > best[end]!) end = i;
  if (end === -1) return { path: [], length: 0 };
  const path: number[] = [];
  for (let u = end; u !== -1; u = prev[u]!) path.push(u);
  path.reverse();
  return { path: path.map((i) => names[i]!), length: best[end]! };
}
