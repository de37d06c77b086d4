/** The shape both backends implement; the loader picks one and index.ts re-exports its functions. */
import type { CriticalPath, Edge } from '../topo/topo.js';

export interface Backend {
  readonly name: 'native' | 'js';
  topoBatches(nodes: readonly string[], edges: readonly Edge[]): string[][];
  criticalPath(
    nodes: readonly string[],
    edges: readonly Edge[],
    weights?: Readonly<Record<string, number>>,
  ): CriticalPath;
}
