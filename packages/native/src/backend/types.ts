/** The shape both backends implement; the loader picks one and index.ts re-exports its functions. */
import type { Outline, Skeleton, SkeletonOptions } from '../outline/types.js';
import type { CriticalPath, Edge } from '../topo/topo.js';
import type { ParseWorkspaceOptions, WorkspaceSnapshot } from '../workspace/types.js';

export interface Backend {
  readonly name: 'native' | 'js';
  outline(source: string, language: string): Outline;
  skeleton(source: string, language: string, options?: SkeletonOptions): Skeleton;
  parseWorkspace(root: string, options?: ParseWorkspaceOptions): WorkspaceSnapshot;
  topoBatches(nodes: readonly string[], edges: readonly Edge[]): string[][];
  criticalPath(
    nodes: readonly string[],
    edges: readonly Edge[],
    weights?: Readonly<Record<string, number>>,
  ): CriticalPath;
}
