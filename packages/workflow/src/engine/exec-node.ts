/** The interpreter: one function per node kind, composed recursively. Paths are built here. */
import { LoopLimitError, NoBranchMatchedError, StepValidationError } from '../errors/errors.js';
import type {
  BranchNode,
  ForeachNode,
  LoopNode,
  MapNode,
  Node,
  ParallelNode,
  WorkflowNode,
} from '../definition/nodes.js';
import { execDag } from './exec-dag.js';
import { execStep } from './exec-step.js';
import { execApproval, execEvent, execSleep } from './exec-wait.js';
import { BailSignal, type RunExec, SuspendSignal } from './run-state.js';
import { dataArgs, initDataAt, stepResultAt } from './upstream.js';

/** Runs `nodes` in order from `input`; each output is the next input. */
export async function execSequence(
  x: RunExec,
  nodes: readonly Node[],
  input: unknown,
  prefix: string,
): Promise<unknown> {
  let v = input;
  for (const n of nodes) v = await execNode(x, n, v, prefix === '' ? n.id : `${prefix}/${n.id}`);
  return v;
}

/** Node kinds whose children run inside them: with tracing on, each gets a span its children nest under. */
const CONTAINERS = new Set<Node['kind']>(['parallel', 'foreach', 'dag', 'loop', 'branch', 'workflow']);

/** Runs one node at `path`. */
export function execNode(x: RunExec, node: Node, input: unknown, path: string): Promise<unknown> {
  const t = x.trace;
  if (t !== undefined && CONTAINERS.has(node.kind)) {
    const c = t.container(node.kind, path);
    return execKind(x, node, input, path).then(
      (v) => {
        t.leave(c, 'success');
        return v;
      },
      (e: unknown) => {
        // A suspension inside is no failure of the container.
        if (e instanceof SuspendSignal) t.leave(c, 'suspended');
        else if (e instanceof BailSignal) t.leave(c, 'bail');
        else t.leave(c, 'failed', e);
        throw e;
      },
    );
  }
  return execKind(x, node, input, path);
}

function execKind(x: RunExec, node: Node, input: unknown, path: string): Promise<unknown> {
  switch (node.kind) {
    case 'step':
      return execStep(x, node, input, path);
    case 'map':
      return execMap(x, node, input, path);
    case 'branch':
      return execBranch(x, node, input, path);
    case 'parallel':
      return execParallel(x, node, input, path);
    case 'foreach':
      return execForeach(x, node, input, path);
    case 'loop':
      return execLoop(x, node, input, path);
    case 'workflow':
      return execWorkflow(x, node, input, path);
    case 'sleep':
      return execSleep(x, node, input, path);
    case 'event':
      return execEvent(x, node, input, path);
    case 'approval':
      return execApproval(x, node, input, path);
    case 'dag':
      return execDag(x, node, input, path);
  }
}

async function execMap(x: RunExec, node: MapNode, input: unknown, path: string): Promise<unknown> {
  const out = await x.guard(path, 'the map function', () => node.fn(dataArgs(x, input, path)));
  x.lastValidated = undefined; // a mapper may hand on a mutated object: validate it again
  x.steps[path] = out;
  return out;
}

async function execBranch(x: RunExec, node: BranchNode, input: unknown, path: string): Promise<unknown> {
  const args = dataArgs(x, input, path);
  let chosen = node.default;
  for (const b of node.branches) {
    if (await x.guard(path, `the predicate of branch "${b.node.id}"`, () => b.when(args))) {
      chosen = b.node;
      break;
    }
  }
  if (!chosen)
    throw new NoBranchMatchedError(
      x.workflow.id,
      path,
      node.branches.map((b) => b.node.id),
    );
  const out = await execNode(x, chosen, input, `${path}/${chosen.id}`);
  x.steps[path] = out;
  if (node.aliases?.includes(chosen.id)) x.steps[aliasPath(path, chosen.id)] = out;
  return out;
}

/** Where the output of arm `armId` of the positional composite at `path` is also kept: `<scope>/<armId>`. */
const aliasPath = (path: string, armId: string): string => {
  const i = path.lastIndexOf('/');
  return i < 0 ? armId : `${path.slice(0, i)}/${armId}`;
};

/** Waits for every promise; rethrows the first real error, else a suspension, else nothing. */
async function settle(promises: Promise<unknown>[]): Promise<void> {
  let error: unknown;
  let suspended: SuspendSignal | undefined;
  const guarded = promises.map((p) =>
    p.catch((e: unknown) => {
      if (e instanceof SuspendSignal) suspended ??= e;
      else if (error === undefined) error = e;
    }),
  );
  await Promise.all(guarded);
  if (error !== undefined) throw error;
  if (suspended) throw suspended;
}

async function execParallel(x: RunExec, node: ParallelNode, input: unknown, path: string): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const kids = node.children;
  // Each branch parses its own copy of the input, so one branch mutating it cannot affect another.
  x.lastValidated = undefined;
  const promises = new Array<Promise<unknown>>(kids.length);
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i] as Node;
    promises[i] = execNode(x, k, input, `${path}/${k.id}`).then((v) => {
      out[k.id] = v;
    });
  }
  await settle(promises);
  x.steps[path] = out;
  for (const id of node.aliases ?? []) x.steps[aliasPath(path, id)] = out[id];
  return out;
}

async function execForeach(x: RunExec, node: ForeachNode, input: unknown, path: string): Promise<unknown> {
  if (!Array.isArray(input)) {
    throw new StepValidationError(x.workflow.id, path, 'input', [
      { path: [], message: `foreach expects an array, got ${input === null ? 'null' : typeof input}` },
    ]);
  }
  const results = new Array<unknown>(input.length);
  let next = 0;
  let stop = false;
  const body = node.body;
  const worker = async (): Promise<void> => {
    while (!stop && next < input.length) {
      const i = next++;
      try {
        results[i] = await execNode(x, body, input[i], `${path}[${i}]/${body.id}`);
      } catch (e) {
        // Fail fast on errors; keep going on suspensions so every item gets as far as it can.
        if (!(e instanceof SuspendSignal)) stop = true;
        throw e;
      }
    }
  };
  const workers: Promise<unknown>[] = [];
  for (let w = 0; w < Math.min(node.concurrency, input.length); w++) workers.push(worker());
  await settle(workers);
  x.steps[path] = results;
  return results;
}

async function execLoop(x: RunExec, node: LoopNode, input: unknown, path: string): Promise<unknown> {
  let v = input;
  for (let i = 0; ; i++) {
    if (i >= node.maxIterations) throw new LoopLimitError(x.workflow.id, path, node.maxIterations);
    v = await execNode(x, node.body, v, `${path}#${i}/${node.body.id}`);
    const c = Boolean(
      await x.guard(path, 'the loop condition', () =>
        node.condition({
          output: v,
          iteration: i,
          runId: x.runId,
          steps: x.steps,
          getInitData: () => initDataAt(x, path),
          getStepResult: (s: unknown) => stepResultAt(x, path, s),
        }),
      ),
    );
    if (node.mode === 'while' ? !c : c) break;
  }
  x.steps[path] = v;
  return v;
}

async function execWorkflow(x: RunExec, node: WorkflowNode, input: unknown, path: string): Promise<unknown> {
  const wf = node.workflow;
  const v = wf.inputSchema ? x.validate(wf.inputSchema, input, path, 'input') : input;
  x.inits.set(path, v); // getInitData() of the nested workflow's steps
  let out = await execSequence(x, wf.nodes, v, path);
  if (wf.outputSchema) out = x.validate(wf.outputSchema, out, path, 'output');
  x.steps[path] = out;
  return out;
}
