/**
 * `dag`: a task graph produced at run time, executed in topological batches (from @weft/native's
 * `topoBatches`) with a concurrency limit. Each task is a step at `<dag>/<taskId>`, memoized and
 * retried like any step.
 */
import type { DagResult, DagTask, DagTaskStatus } from '../builder/types.js';
import { DagCycleError, StepValidationError, type ValidationIssue } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { DagNode, StepNode } from '../definition/nodes.js';
import type { Step } from '../step/types.js';
import { execNode } from './exec-node.js';
import { type RunExec, SuspendSignal } from './run-state.js';
import { dataArgs } from './upstream.js';

function checkTasks(x: RunExec, path: string, raw: unknown): DagTask[] {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(raw)) {
    throw new StepValidationError(x.workflow.id, path, 'input', [
      {
        path: ['tasks'],
        message:
          'expected an array of { id, dependsOn? } (return it from `tasks`, or output `{ tasks }` from the previous step)',
      },
    ]);
  }
  const ids = new Set<string>();
  raw.forEach((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as DagTask).id !== 'string' || (t as DagTask).id === '')
      issues.push({ path: ['tasks', i, 'id'], message: 'expected a non-empty string id' });
    else if (/[/[\]#]/.test((t as DagTask).id))
      issues.push({
        path: ['tasks', i, 'id'],
        message: `task id "${(t as DagTask).id}" contains one of / [ ] # (reserved for step paths)`,
      });
    else if (ids.has((t as DagTask).id))
      issues.push({ path: ['tasks', i, 'id'], message: `duplicate task id "${(t as DagTask).id}"` });
    else ids.add((t as DagTask).id);
  });
  raw.forEach((t: DagTask, i) => {
    (t?.dependsOn ?? []).forEach((d, j) => {
      if (!ids.has(d)) issues.push({ path: ['tasks', i, 'dependsOn', j], message: `unknown task "${d}"` });
    });
  });
  if (issues.length) throw new StepValidationError(x.workflow.id, path, 'input', issues);
  return raw as DagTask[];
}

/** Runs a dag node. */
export async function execDag(x: RunExec, node: DagNode, input: unknown, path: string): Promise<unknown> {
  const raw = node.tasks
    ? await x.guard(path, 'the tasks function', () => node.tasks?.(dataArgs(x, input, path)))
    : (input as { tasks?: unknown } | null)?.tasks;
  const tasks = checkTasks(x, path, raw);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const edges: [string, string][] = [];
  for (const t of tasks) for (const d of t.dependsOn ?? []) edges.push([d, t.id]);
  // @weft/native (and its addon) loads with the first dag, not with the package.
  const { CycleError, topoBatches } = await import('@weft/native');
  let batches: string[][];
  try {
    batches = topoBatches(
      tasks.map((t) => t.id),
      edges,
    );
  } catch (e) {
    if (e instanceof CycleError) throw new DagCycleError(x.workflow.id, path, e.cycle, { cause: e });
    throw e;
  }

  const status = new Map<string, DagTaskStatus>(tasks.map((t) => [t.id, 'pending']));
  const errors = new Map<string, unknown>();
  const results: Record<string, unknown> = {};
  let firstError: unknown;
  let suspended: SuspendSignal | undefined;

  const runTask = async (t: DagTask): Promise<void> => {
    status.set(t.id, 'running');
    const deps: Record<string, unknown> = {};
    for (const d of t.dependsOn ?? []) deps[d] = results[d];
    try {
      const out = await execNode(x, taskNode(node, t, deps, input), t, `${path}/${t.id}`);
      results[t.id] = out;
      status.set(t.id, 'succeeded');
    } catch (e) {
      if (e instanceof SuspendSignal) {
        suspended ??= e;
        status.set(t.id, 'pending');
        return;
      }
      if (x.aborted) throw e;
      status.set(t.id, 'failed');
      errors.set(t.id, e);
      firstError ??= e;
    }
  };

  for (const batch of batches) {
    const ready: DagTask[] = [];
    for (const id of batch) {
      const t = byId.get(id) as DagTask;
      const blocked = (t.dependsOn ?? []).some((d) => status.get(d) !== 'succeeded');
      if (blocked || (firstError !== undefined && node.failurePolicy === 'fail-fast')) status.set(id, 'skipped');
      else ready.push(t);
    }
    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        if (firstError !== undefined && node.failurePolicy === 'fail-fast') {
          for (const t of ready.slice(next)) status.set(t.id, 'skipped');
          next = ready.length;
          return;
        }
        await runTask(ready[next++] as DagTask);
      }
    };
    const workers: Promise<void>[] = [];
    for (let i = 0; i < Math.min(node.concurrency, ready.length); i++) workers.push(worker());
    await Promise.all(workers);
    if (suspended) throw suspended;
  }

  if (firstError !== undefined && node.failurePolicy === 'fail-fast') throw firstError;
  const out: DagResult = {
    status: firstError === undefined ? 'succeeded' : 'failed',
    tasks: tasks.map((t) => {
      const s = status.get(t.id) as DagTaskStatus;
      const e = errors.get(t.id);
      const se = e === undefined ? undefined : serializeError(e);
      return {
        id: t.id,
        task: t,
        status: s,
        ...(s === 'succeeded' ? { output: results[t.id] } : {}),
        ...(se ? { error: { name: se.name, message: se.message, code: se.code } } : {}),
      };
    }),
    results,
    batches,
  };
  x.steps[path] = out;
  return out;
}

/** The node that runs one task: the given step, or the task function wrapped as an inline step. */
function taskNode(
  node: DagNode,
  task: DagTask,
  deps: Record<string, unknown>,
  dagInput: unknown,
): StepNode | Exclude<DagNode['run'], (...a: never[]) => unknown> {
  if (typeof node.run !== 'function') return node.run;
  const fn = node.run;
  const step: Step = {
    kind: 'step',
    id: task.id,
    run: ({ signal, ctx }) => fn({ task, results: deps, input: dagInput, signal, ctx }),
  };
  return { kind: 'step', id: task.id, step };
}
