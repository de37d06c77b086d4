/** The committed, immutable workflow: definition tree, hash and lookups by step path. */
import type { z } from 'zod';
import type { Run } from '../engine/types.js';
import { validateFlow } from '../flow-control/admission.js';
import { validateStarts } from '../schedule/validate.js';
import type { FlowOptions } from '../flow-control/types.js';
import type { ScheduleOptions } from '../schedule/types.js';
import type { Trigger } from '../trigger/types.js';
import type { Runnable } from '../step/types.js';
import { hashDefinition } from './hash.js';
import { childrenOf, type Node, type NodeKind, type StepDefaults } from './nodes.js';
import { validateDefinition } from './validate.js';

/** One node of a committed workflow, as listed by `workflow.steps` and found by `getStep`. */
export interface StepInfo {
  /** Path with item/iteration markers removed: `items/summarize`, `review/lint`. */
  path: string;
  id: string;
  kind: NodeKind;
  node: Node;
  /** Raw options of approval gates (functions included), for packages that add policies. */
  options?: Record<string, unknown>;
}

/**
 * A committed workflow: usable as a step in another workflow, runnable through an engine.
 * `I` is what `start({ input })` accepts, `O` the typed `result.output`.
 */
export interface Workflow<Id extends string = string, I = any, O = any> extends Runnable<Id, I, O> {
  readonly kind: 'workflow';
  readonly id: Id;
  /** Stable structural hash of the definition, stored with every run. */
  readonly hash: string;
  /** The version given to `workflow({ id, version })`, if any (not part of the hash). */
  readonly version?: string | number;
  readonly description?: string;
  readonly inputSchema?: z.ZodType;
  readonly outputSchema?: z.ZodType;
  readonly nodes: readonly Node[];
  /** Workflow-level resources (merged over the engine's) for `ctx.resources`. */
  readonly resources: Readonly<Record<string, unknown>>;
  /** Max user steps running at once inside one run of this workflow. */
  readonly concurrency?: number;
  /** Flow control of its runs: per-key concurrency, throttle, rate limit, debounce, priority. */
  readonly flow?: FlowOptions<any>;
  /** Schedules declared with the workflow (saved in the store by the first worker running it). */
  readonly schedules?: readonly ScheduleOptions<any>[];
  /** Events that start runs of it (`engine.sendEvent`). */
  readonly triggers?: readonly Trigger<any>[];
  /** Default run deadline (ms from the start) of `workflow({ timeout })`. */
  readonly timeoutMs?: number;
  /** Every node of the definition, depth first. */
  readonly steps: readonly StepInfo[];
  /** The node at a step path (`[i]` / `#i` markers are ignored), e.g. `getStep('ship-it')`. */
  getStep(path: string): StepInfo | undefined;
  /**
   * Type only (never set at run time): the resume payloads by step path, `{ [path]: data }`. A
   * workflow built with `workflow()…commit()` carries its map here, so `run.resume({ step, data })`
   * checks both; a plain `Workflow` (`unknown`) accepts any step and data.
   */
  readonly '~resume'?: unknown;
  /** A run on the default in-memory engine (see createEngine for durable stores). */
  createRun<M = unknown>(this: { readonly '~resume'?: M }, options?: { runId?: string }): Run<I, O, M>;
}

/** Removes foreach item and loop iteration markers from a path. */
export const normalizePath = (path: string): string => path.replace(/\[\d+\]|#\d+/g, '');

type RunFactory = (wf: Workflow, options?: { runId?: string }) => Run;
let defaultRunFactory: RunFactory | undefined;
/** @internal Set by the engine module so `createRun()` works without importing it here. */
export function setDefaultRunFactory(f: RunFactory): void {
  defaultRunFactory = f;
}

/** @internal Builds the committed workflow (validation, hash, step index). */
export function commitWorkflow(def: {
  id: string;
  version?: string | number;
  description?: string;
  inputSchema?: z.ZodType;
  outputSchema?: z.ZodType;
  nodes: readonly Node[];
  resources?: Record<string, unknown>;
  concurrency?: number;
  flow?: FlowOptions<any>;
  schedules?: readonly ScheduleOptions<any>[];
  triggers?: readonly Trigger<any>[];
  timeoutMs?: number;
  defaults?: StepDefaults;
}): Workflow {
  validateDefinition(def.id, def.nodes);
  validateFlow(def.id, def.flow);
  validateStarts(def.id, def.schedules, def.triggers);
  const nodes = withArmAliases(def.defaults ? withDefaults(def.nodes, def.defaults) : def.nodes);
  const index = new Map<string, StepInfo>();
  const visit = (nodes: readonly Node[], prefix: string) => {
    for (const node of nodes) {
      const path = prefix ? `${prefix}/${node.id}` : node.id;
      const info: StepInfo = { path, id: node.id, kind: node.kind, node };
      if (node.kind === 'approval') info.options = node.options;
      if (!index.has(path)) index.set(path, info);
      visit(childrenOf(node), path);
    }
  };
  visit(nodes, '');
  const nested: Record<string, unknown> = {};
  for (const info of index.values())
    if (info.node.kind === 'workflow') Object.assign(nested, info.node.workflow.resources);
  const steps = Object.freeze([...index.values()]);
  const wf: Workflow = Object.freeze({
    kind: 'workflow' as const,
    id: def.id,
    hash: hashDefinition(def.id, def.inputSchema, def.outputSchema, def.nodes),
    version: def.version,
    description: def.description,
    inputSchema: def.inputSchema,
    outputSchema: def.outputSchema,
    nodes: Object.freeze([...nodes]),
    resources: Object.freeze({ ...nested, ...def.resources }),
    concurrency: def.concurrency,
    ...(def.flow ? { flow: def.flow } : {}),
    ...(def.schedules ? { schedules: Object.freeze([...def.schedules]) } : {}),
    ...(def.triggers ? { triggers: Object.freeze([...def.triggers]) } : {}),
    timeoutMs: def.timeoutMs,
    steps,
    getStep(path: string): StepInfo | undefined {
      const p = normalizePath(path);
      const hit = index.get(p);
      if (hit) return hit;
      // Dag tasks (`plan/t1`) are created at run time: answer with the dag node.
      const parent = index.get(p.slice(0, p.lastIndexOf('/')));
      return parent?.kind === 'dag' ? parent : undefined;
    },
    createRun(options?: { runId?: string }): Run<any, any, any> {
      if (!defaultRunFactory)
        throw new Error('weft: the engine module is not loaded; import createEngine from @weft/workflow');
      return defaultRunFactory(wf, options);
    },
  });
  return wf;
}

/**
 * A `branch` / `parallel` without an id has a positional path (`parallel-3`), so its arms' outputs
 * are also kept at `<scope>/<armId>` (`steps.lint`, `getStepResult(lint)`), as the builder types
 * them — except an id an earlier step (or alias) of the workflow already holds, which keeps its own.
 */
function withArmAliases(nodes: readonly Node[]): readonly Node[] {
  const held = new Set<string>();
  return nodes.map((n) => {
    if ((n.kind === 'branch' || n.kind === 'parallel') && n.positional) {
      const arms =
        n.kind === 'parallel' ? n.children : [...n.branches.map((b) => b.node), ...(n.default ? [n.default] : [])];
      const aliases = [...new Set(arms.map((a) => a.id))].filter((id) => !held.has(id));
      for (const id of aliases) held.add(id);
      return { ...n, aliases };
    }
    // The ids the builder types in `steps` (foreach, loops, maps and sleeps are not there).
    if (n.kind !== 'foreach' && n.kind !== 'loop' && n.kind !== 'map' && n.kind !== 'sleep') held.add(n.id);
    return n;
  });
}

/**
 * Copies of `nodes` whose steps carry the workflow's defaults (retry, interceptors). Nested
 * workflows keep their own (they were committed with theirs); a dag with a function body has no step node.
 */
function withDefaults(nodes: readonly Node[], d: StepDefaults): Node[] {
  const one = (n: Node): Node => {
    switch (n.kind) {
      case 'step':
        return { ...n, defaults: d };
      case 'branch':
        return {
          ...n,
          branches: n.branches.map((b) => ({ ...b, node: one(b.node) })),
          default: n.default ? one(n.default) : undefined,
        };
      case 'parallel':
        return { ...n, children: n.children.map(one) };
      case 'foreach':
      case 'loop':
        return { ...n, body: one(n.body) };
      case 'dag':
        return typeof n.run === 'function' ? n : { ...n, run: one(n.run) };
      default:
        return n;
    }
  };
  return nodes.map(one);
}
