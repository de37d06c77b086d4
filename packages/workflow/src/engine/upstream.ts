/**
 * Reads of the workflow input and earlier step outputs from inside a run (`getInitData`,
 * `getStepResult`), resolved against the scope of the workflow the caller belongs to: a step of a
 * nested workflow at `child/inner` reads `child`'s input and `child/<id>` outputs.
 */
import type { RunExec } from './run-state.js';

/** The path of the innermost workflow enclosing `path` ('' for the top-level workflow). */
export function scopeOf(x: RunExec, path: string): string {
  let p = path;
  for (;;) {
    const i = p.lastIndexOf('/');
    if (i < 0) return '';
    p = p.slice(0, i);
    if (x.inits.has(p)) return p;
  }
}

/** `getInitData()` for a caller at `path`. */
export function initDataAt(x: RunExec, path: string): unknown {
  return x.inits.get(scopeOf(x, path));
}

/** `getStepResult(stepOrId)` for a caller at `path`. */
export function stepResultAt(x: RunExec, path: string, step: unknown): unknown {
  const id = typeof step === 'string' ? step : (step as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(`Expected getStepResult() in "${path}" to receive a step or a step id, got ${typeof step}`);
  }
  const scope = scopeOf(x, path);
  return x.steps[scope === '' ? id : `${scope}/${id}`];
}

/** The arguments of a data function (map, predicate, sleepUntil, dag tasks, approval payload) at `path`. */
export function dataArgs(x: RunExec, input: unknown, path: string) {
  return {
    input,
    steps: x.steps,
    runId: x.runId,
    getInitData: () => initDataAt(x, path),
    getStepResult: (step: unknown) => stepResultAt(x, path, step),
  };
}
