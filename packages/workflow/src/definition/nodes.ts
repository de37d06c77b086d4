/**
 * The definition tree a builder produces: plain data the engine interprets. Every node has an id
 * unique among its siblings; a step's path in a run is the ids from the root joined by `/`, with
 * `[i]` for foreach items and `#i` for loop iterations.
 */
import type { z } from 'zod';
import type { Step } from '../step/types.js';

/** Arguments given to `map`, branch predicates, approval payload builders and dag task builders. */
export interface DataArgs<I = unknown, S = Record<string, unknown>, TInit = unknown> {
  input: I;
  /** Outputs of the steps completed so far, by path. */
  steps: S;
  runId: string;
  /** The workflow's input, parsed by its input schema. */
  getInitData(): TInit;
  /** An upstream step's output by id or path (only upstream ids compile). */
  getStepResult<K extends keyof S & string>(id: K): S[K];
}

type Fn = (args: any) => any;

/** A user step. */
export interface StepNode {
  kind: 'step';
  id: string;
  step: Step;
  /** The enclosing workflow's defaults, set by `commit()`: retry policy and interceptors. */
  defaults?: StepDefaults;
}

/** Defaults a workflow gives its own steps (see `workflow({ retry, interceptors })`). */
export interface StepDefaults {
  retry?: import('../step/types.js').RetryOptions;
  interceptors?: readonly import('../step/interceptors.js').StepInterceptor<any, any>[];
}
/** Pure reshaping of the previous output; not persisted (recomputed on replay). */
export interface MapNode {
  kind: 'map';
  id: string;
  fn: Fn;
}
/** First matching predicate wins. */
export interface BranchNode {
  kind: 'branch';
  id: string;
  branches: { when: Fn; node: Node }[];
  default?: Node;
  /** Set when the builder gave it a positional id (`branch-N`: no `id` option). */
  positional?: true;
  /** Arm ids whose output is also readable at `<scope>/<armId>` (set by commit for positional ones). */
  aliases?: readonly string[];
}
/** All children get the same input; the output is `{ [childId]: output }`. */
export interface ParallelNode {
  kind: 'parallel';
  id: string;
  children: Node[];
  /** Set when the builder gave it a positional id (`parallel-N`: no `id` option). */
  positional?: true;
  /** Arm ids whose output is also readable at `<scope>/<armId>` (set by commit for positional ones). */
  aliases?: readonly string[];
}
/** Runs `body` for every item of the input array, at most `concurrency` at a time. */
export interface ForeachNode {
  kind: 'foreach';
  id: string;
  body: Node;
  concurrency: number;
}
/** `dowhile` / `dountil`: runs `body` on its own previous output while/until `condition`. */
export interface LoopNode {
  kind: 'loop';
  id: string;
  mode: 'while' | 'until';
  body: Node;
  condition: Fn;
  maxIterations: number;
}
/** Durable sleep: for a fixed time, or until a date computed from the input. */
export interface SleepNode {
  kind: 'sleep';
  id: string;
  ms?: number;
  until?: Fn;
}
/** Suspends until `engine.sendEvent(event, payload)`; the output is the payload. */
export interface EventNode {
  kind: 'event';
  id: string;
  event: string;
  schema?: z.ZodType;
  timeoutMs?: number;
}
/** A committed workflow used as a step; its steps run inside the same run under this path. */
export interface WorkflowNode {
  kind: 'workflow';
  id: string;
  workflow: import('./workflow.js').Workflow<string, any, any>;
}
/** A human approval gate; `options` is kept raw (functions included) for @weft/approval. */
export interface ApprovalNode {
  kind: 'approval';
  id: string;
  options: Record<string, unknown> & { payload?: Fn; schema?: z.ZodType; title?: string; summary?: string };
}
/** A task graph produced at run time. */
export interface DagNode {
  kind: 'dag';
  id: string;
  tasks?: Fn;
  run: Node | Fn;
  concurrency: number;
  failurePolicy: 'fail-fast' | 'continue';
}

/** Any node of a definition. */
export type Node =
  | StepNode
  | MapNode
  | BranchNode
  | ParallelNode
  | ForeachNode
  | LoopNode
  | SleepNode
  | EventNode
  | WorkflowNode
  | ApprovalNode
  | DagNode;

/** The kinds of nodes. */
export type NodeKind = Node['kind'];

/** Child nodes of a node, for walking the tree. */
export function childrenOf(node: Node): Node[] {
  switch (node.kind) {
    case 'branch':
      return node.default ? [...node.branches.map((b) => b.node), node.default] : node.branches.map((b) => b.node);
    case 'parallel':
      return node.children;
    case 'foreach':
    case 'loop':
      return [node.body];
    case 'workflow':
      return node.workflow.nodes as Node[];
    case 'dag':
      return typeof node.run === 'function' ? [] : [node.run];
    default:
      return [];
  }
}
