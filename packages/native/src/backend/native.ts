/**
 * The Rust addon behind the Backend interface. Inputs are validated here (same errors as the js
 * backend); outline comes back as a compact Int32Array (decode-outline.ts), skeleton/workspace
 * results as JSON strings, topo as typed arrays.
 */
import { CycleError, NativeError } from '../errors/native-error.js';
import { checkLanguage, wellFormed } from '../outline/outline.js';
import type { Outline, Skeleton, SkeletonOptions, SymbolInfo } from '../outline/types.js';
import { type CriticalPath, type Edge, indexEdges, weightArray } from '../topo/topo.js';
import { runNativeWorkspace } from '../workspace/parse-workspace.js';
import type { ParseWorkspaceOptions, WorkspaceSnapshot } from '../workspace/types.js';
import { decodeOutline, KINDS } from './decode-outline.js';
import type { Backend } from './types.js';

/** The raw exports of weft-native.*.node (see src/napi/mod.rs). */
export interface NativeBinding {
  /**
   * Writes the compact outline of `source` (family code of lexer.ts, `units` = its length) into
   * `out`; returns the extra string, if any. When `out` is too small, `out[0]` is minus the length
   * needed and `outlineTake` copies the result into a bigger array.
   */
  outline(source: string, family: number, units: number, out: Int32Array): string | undefined;
  outlineTake(out: Int32Array): void;
  skeleton(source: string, language: string, keepMarked: boolean, units?: number): string;
  topo(n: number, edges: Uint32Array): Uint32Array;
  criticalPath(n: number, edges: Uint32Array, weights: Float64Array): string;
  parseWorkspace(root: string, optionsJson: string, previousTsv: string): string;
  version(): string;
}

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

/** Reused output buffer of `outline` (grown on demand; kept only while at most 1M ints). */
let scratch = new Int32Array(1 << 16);

export function isBinding(x: unknown): x is NativeBinding {
  const b = x as Partial<NativeBinding> | null;
  return (
    !!b &&
    typeof b.outline === 'function' &&
    typeof b.outlineTake === 'function' &&
    typeof b.skeleton === 'function' &&
    typeof b.topo === 'function' &&
    typeof b.criticalPath === 'function' &&
    typeof b.parseWorkspace === 'function'
  );
}

/** Rethrows an addon failure as a NativeError (NativeErrors pass through). */
function fail(err: unknown): never {
  if (err instanceof NativeError) throw err;
  throw new NativeError(
    'NATIVE_FAILURE',
    `The native addon failed: ${(err as Error)?.message ?? String(err)}. Set WEFT_NATIVE=0 to use the js backend.`,
    { cause: err },
  );
}

function call<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    fail(err);
  }
}

export function createNativeBackend(b: NativeBinding): Backend {
  return {
    name: 'native',
    outline(source: string, language: string): Outline {
      const fam = checkLanguage(source, language);
      let out = scratch;
      let extra: string | undefined;
      try {
        // no wellFormed() here: the addon replaces lone surrogates itself and flags it
        extra = b.outline(source, fam, source.length, out);
        if (out[0]! < 0) {
          out = new Int32Array(Math.max(-out[0]!, out.length * 2));
          if (out.length <= 1 << 20) scratch = out;
          b.outlineTake(out);
        }
      } catch (err) {
        fail(err);
      }
      return decodeOutline(source, extra ?? '', out);
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
