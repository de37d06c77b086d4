/**
 * The Rust addon behind the Backend interface. Inputs are validated here (same errors as the js
 * backend); outline/skeleton/workspace results come back as JSON strings, topo as typed arrays.
 */
import { CycleError, NativeError } from '../errors/native-error.js';
import { checkLanguage, wellFormed } from '../outline/outline.js';
import type { Outline, Skeleton, SkeletonOptions, SymbolInfo, SymbolKind } from '../outline/types.js';
import { type CriticalPath, type Edge, indexEdges, weightArray } from '../topo/topo.js';
import { runNativeWorkspace } from '../workspace/parse-workspace.js';
import type { ParseWorkspaceOptions, WorkspaceSnapshot } from '../workspace/types.js';
import type { Backend } from './types.js';

/** The raw exports of weft-native.*.node (see src/napi/mod.rs). */
export interface NativeBinding {
  outline(source: string, language: string, units?: number): string;
  skeleton(source: string, language: string, keepMarked: boolean, units?: number): string;
  topo(n: number, edges: Uint32Array): Uint32Array;
  criticalPath(n: number, edges: Uint32Array, weights: Float64Array): string;
  parseWorkspace(root: string, optionsJson: string, previousTsv: string): string;
  version(): string;
}

/** Kind indices of the compact form; the same list is `KINDS` in src/parse/mod.rs. */
const KINDS: readonly SymbolKind[] = [
  'function',
  'class',
  'method',
  'interface',
  'type',
  'enum',
  'variable',
  'constant',
  'struct',
  'trait',
  'impl',
  'module',
];

/** A compact symbol from the addon: `[name, kindIndex, startLine, endLine, signature, exported, parent?]`. */
export type CompactSymbol = [string, number, number, number, string, 0 | 1, string?];

export function expandSymbols(list: CompactSymbol[]): SymbolInfo[] {
  const out: SymbolInfo[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    const s: SymbolInfo = {
      name: x[0],
      kind: KINDS[x[1]]!,
      startLine: x[2],
      endLine: x[3],
      signature: x[4],
      exported: x[5] === 1,
    };
    if (x.length > 6) s.parent = x[6]!;
    out[i] = s;
  }
  return out;
}

function expandOutline(raw: [CompactSymbol[], [string, number][]]): Outline {
  return { symbols: expandSymbols(raw[0]), imports: raw[1].map(([source, line]) => ({ source, line })) };
}

export function isBinding(x: unknown): x is NativeBinding {
  const b = x as Partial<NativeBinding> | null;
  return (
    !!b &&
    typeof b.outline === 'function' &&
    typeof b.skeleton === 'function' &&
    typeof b.topo === 'function' &&
    typeof b.criticalPath === 'function' &&
    typeof b.parseWorkspace === 'function'
  );
}

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof NativeError) throw err;
    throw new NativeError(
      'NATIVE_FAILURE',
      `The native addon failed: ${(err as Error)?.message ?? String(err)}. Set WEFT_NATIVE=0 to use the js backend.`,
      { cause: err },
    );
  }
}

export function createNativeBackend(b: NativeBinding): Backend {
  return {
    name: 'native',
    outline(source: string, language: string): Outline {
      checkLanguage(source, language);
      return expandOutline(JSON.parse(call(() => b.outline(wellFormed(source), language, source.length))));
    },
    skeleton(source: string, language: string, options: SkeletonOptions = {}): Skeleton {
      checkLanguage(source, language);
      return JSON.parse(
        call(() => b.skeleton(wellFormed(source), language, options.keep === 'marked', source.length)),
      ) as Skeleton;
    },
    parseWorkspace(root: string, options?: ParseWorkspaceOptions): WorkspaceSnapshot {
      return runNativeWorkspace(root, options, (r, o, p) => call(() => b.parseWorkspace(r, o, p)), expandSymbols);
    },
    topoBatches(nodes: readonly string[], edges: readonly Edge[]): string[][] {
      const { names, flat } = indexEdges(nodes, edges);
      const out = call(() => b.topo(names.length, flat));
      if (out[0] === 1) throw new CycleError(Array.from(out.subarray(1), (i) => names[i]!));
      const levels = out[1]!;
      const res: string[][] = new Array(levels);
      let p = 2 + levels;
      for (let l = 0; l < levels; l++) {
        const size = out[2 + l]!;
        const level: string[] = new Array(size);
        for (let k = 0; k < size; k++) level[k] = names[out[p++]!]!;
        res[l] = level;
      }
      return res;
    },
    criticalPath(
      nodes: readonly string[],
      edges: readonly Edge[],
      weights?: Readonly<Record<string, number>>,
    ): CriticalPath {
      const { names, flat } = indexEdges(nodes, edges);
      const w = weightArray(names, weights);
      const r = JSON.parse(call(() => b.criticalPath(names.length, flat, w))) as {
        path?: number[];
        length?: number;
        cycle?: number[];
      };
      if (r.cycle) throw new CycleError(r.cycle.map((i) => names[i]!));
      return { path: r.path!.map((i) => names[i]!), length: r.length! };
    },
  };
}
