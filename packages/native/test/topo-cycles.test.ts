/**
 * CycleError.cycle names a real cycle (every hop an input edge, first node = last node) in every
 * backend, on random graphs with self-loops, duplicate edges and duplicate node names, on the cases
 * that used to report a non-cycle, and on the real dependency graph of this repository's lockfile;
 * and the backends report the very same cycle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CycleError } from '../src/errors/native-error.js';
import type { Backend } from '../src/backend/types.js';
import type { Edge } from '../src/topo/topo.js';
import { backends, jsBackend, nativeBackend, pkgRoot } from './helpers/backends.js';

type Outcome = { levels: string[][] } | { path: string[]; length: number } | { cycle: string[] };

function outcome(f: () => string[][] | { path: string[]; length: number }): Outcome {
  try {
    const r = f();
    return Array.isArray(r) ? { levels: r } : r;
  } catch (e) {
    if (e instanceof CycleError) return { cycle: e.cycle };
    throw e;
  }
}

/** Throws (via expect) unless `cycle` is a cycle of the input. */
function expectRealCycle(cycle: string[], nodes: readonly string[], edges: readonly Edge[]): void {
  const edgeSet = new Set(edges.map(([a, b]) => `${a}\u0000${b}`));
  expect(cycle.length).toBeGreaterThanOrEqual(2);
  expect(cycle[0]).toBe(cycle.at(-1));
  // a simple cycle: no node twice except the closing one
  expect(new Set(cycle.slice(0, -1)).size).toBe(cycle.length - 1);
  for (let i = 0; i + 1 < cycle.length; i++) {
    if (!edgeSet.has(`${cycle[i]}\u0000${cycle[i + 1]}`))
      expect.fail(`hop ${cycle[i]} -> ${cycle[i + 1]} of ${cycle.join(' -> ')} is not an edge`);
    expect(nodes).toContain(cycle[i]);
  }
}

/** Throws unless `levels` orders every distinct node once with each edge going to a later level. */
function expectValidLevels(levels: string[][], nodes: readonly string[], edges: readonly Edge[]): void {
  const at = new Map<string, number>();
  levels.forEach((l, i) => {
    for (const n of l) {
      expect(at.has(n)).toBe(false);
      at.set(n, i);
    }
  });
  expect(at.size).toBe(new Set(nodes).size);
  for (const [a, b] of edges) expect(at.get(a)!).toBeLessThan(at.get(b)!);
}

function check(b: Backend, nodes: readonly string[], edges: readonly Edge[]): [Outcome, Outcome] {
  const t = outcome(() => b.topoBatches(nodes, edges));
  const c = outcome(() => b.criticalPath(nodes, edges));
  if ('cycle' in t) {
    expectRealCycle(t.cycle, nodes, edges);
    // criticalPath reports the same cycle
    expect(c).toEqual(t);
  } else {
    expectValidLevels((t as { levels: string[][] }).levels, nodes, edges);
    expect('cycle' in c).toBe(false);
  }
  return [t, c];
}

// Random graphs: up to 12 names drawn from a small pool (so names repeat), up to 30 edges drawn
// uniformly (so self-loops, duplicate edges and cycles of every length are common).
const graph = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 12 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids.map((i) => `n${i}`)),
      fc.array(fc.tuple(fc.nat({ max: ids.length - 1 }), fc.nat({ max: ids.length - 1 })), { maxLength: 30 }),
    ),
  )
  .map(([nodes, raw]) => [nodes, raw.map(([a, b]) => [nodes[a]!, nodes[b]!] as const)] as const);

describe('CycleError.cycle is a real cycle', () => {
  it.each(backends.map((b) => [b.name, b] as const))('%s: on random graphs (self-loops, duplicates)', (_, b) => {
    let cyclic = 0;
    fc.assert(
      fc.property(graph, ([nodes, edges]) => {
        if ('cycle' in check(b, nodes, edges)[0]) cyclic++;
      }),
      { numRuns: 1500 },
    );
    // the generator does produce cycles (about half the graphs): the property is not vacuous
    expect(cyclic).toBeGreaterThan(300);
  });

  it.skipIf(!nativeBackend)('native and js report the same cycle (and the same levels and paths)', () => {
    fc.assert(
      fc.property(graph, ([nodes, edges]) => {
        expect(check(nativeBackend!, nodes, edges)).toEqual(check(jsBackend, nodes, edges));
      }),
      { numRuns: 1500 },
    );
  });

  it.each(backends.map((b) => [b.name, b] as const))('%s: the cases that used to name a non-cycle', (_, b) => {
    const cases: [string[], Edge[], string[]][] = [
      [
        ['x', 'a', 'b'],
        [
          ['a', 'b'],
          ['b', 'a'],
          ['a', 'x'],
        ],
        ['a', 'b', 'a'],
      ],
      [
        ['a', 'b'],
        [
          ['a', 'b'],
          ['a', 'a'],
        ],
        ['a', 'a'],
      ],
      [
        ['a', 'b'],
        [
          ['a', 'a'],
          ['a', 'b'],
        ],
        ['a', 'a'],
      ],
      // duplicate node names are one node; a duplicate edge changes nothing
      [
        ['b', 'a', 'b'],
        [
          ['a', 'b'],
          ['a', 'b'],
          ['b', 'a'],
        ],
        ['b', 'a', 'b'],
      ],
      // the first node that cannot be ordered (c) lies downstream of a <-> b: that cycle is named, not d <-> e
      [
        ['c', 'e', 'd', 'a', 'b'],
        [
          ['a', 'b'],
          ['b', 'a'],
          ['b', 'c'],
          ['d', 'e'],
          ['e', 'd'],
        ],
        ['a', 'b', 'a'],
      ],
    ];
    for (const [nodes, edges, cycle] of cases) {
      expect(outcome(() => b.topoBatches(nodes, edges))).toEqual({ cycle });
      expect(outcome(() => b.criticalPath(nodes, edges))).toEqual({ cycle });
    }
  });

  it.each(backends.map((b) => [b.name, b] as const))('%s: on the real dependency graph of pnpm-lock.yaml', (_, b) => {
    const { nodes, edges } = lockfileGraph(join(pkgRoot, '../../pnpm-lock.yaml'));
    expect(nodes.length).toBeGreaterThan(200);
    const t = outcome(() => b.topoBatches(nodes, edges));
    // today: mlly@1.8.2 -> pkg-types@1.3.1 -> mlly@1.8.2 (it used to name tsup -> tsup, not an edge)
    if ('cycle' in t) expectRealCycle(t.cycle, nodes, edges);
    else expectValidLevels((t as { levels: string[][] }).levels, nodes, edges);
    const c = outcome(() => b.criticalPath(nodes, edges));
    if ('cycle' in t) expect(c).toEqual(t);
    else expect(c).toHaveProperty('path');
  });
});

/** Package snapshots of a pnpm lockfile as nodes; an edge `[dependency, dependent]` per dependency. */
function lockfileGraph(path: string): { nodes: string[]; edges: Edge[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const from = lines.indexOf('snapshots:');
  const deps = new Map<string, string[]>();
  let cur: string | undefined;
  let inDeps = false;
  for (const line of lines.slice(from + 1)) {
    const pkg = /^ {2}'?([^' ].*?)'?:\s*(\{\})?$/.exec(line);
    if (pkg) {
      cur = pkg[1]!;
      deps.set(cur, []);
      inDeps = false;
    } else if (/^ {4}\S/.test(line)) {
      inDeps = /^ {4}(dependencies|optionalDependencies):$/.test(line);
    } else if (inDeps && cur) {
      const d = /^ {6}'?([^']+?)'?: '?([^']+?)'?$/.exec(line);
      if (d) deps.get(cur)!.push(`${d[1]}@${d[2]}`);
    }
  }
  const nodes = [...deps.keys()];
  const edges: Edge[] = [];
  for (const [pkg, ds] of deps) for (const d of ds) if (deps.has(d)) edges.push([d, pkg]);
  return { nodes, edges };
}
