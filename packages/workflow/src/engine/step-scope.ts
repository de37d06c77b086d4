/**
 * Step scopes: a resource can ask to run every step attempt inside its own scope (an
 * AsyncLocalStorage, say), so what it does during the attempt is attributed to the run and step —
 * without either package importing the other. The protocol is one method under a fixed string key,
 * `'~weftStepScope'` (a string, not a symbol, so two packages agree on its type without sharing
 * code — like Standard Schema's `'~standard'`); `@weft/llm`'s router implements it, so LLM calls
 * made in a step record the run id, step path and attempt.
 */

/** Where a step attempt runs: handed to every {@link StepScoped} resource. */
export interface StepScope {
  runId: string;
  workflowId: string;
  /** The step's own id (`summarize`). */
  stepId: string;
  /** The step's path in the run (`items[3]/summarize`). */
  stepPath: string;
  attempt: number;
}

/** The key of the step-scope method: `'~weftStepScope'`, the same in every package and copy of a package. */
export const STEP_SCOPE = '~weftStepScope' as const;

/**
 * A resource that runs each step attempt inside its own scope. The engine calls
 * `resource[STEP_SCOPE](scope, run)` around every attempt of every step that has the resource
 * (`createEngine({ resources })` or `workflow({ resources })`) and returns what `run` returns.
 *
 * @example
 * ```ts
 * import { AsyncLocalStorage } from 'node:async_hooks';
 * import { STEP_SCOPE, type StepScope, type StepScoped } from '@weft/workflow';
 *
 * const als = new AsyncLocalStorage<StepScope>();
 * const audit: StepScoped & { where(): StepScope | undefined } = {
 *   [STEP_SCOPE]: (scope, run) => als.run(scope, run),
 *   where: () => als.getStore(),
 * };
 * ```
 */
export interface StepScoped {
  /** Runs `run` (one step attempt) inside this resource's scope for `scope`; returns its result. */
  [STEP_SCOPE](scope: StepScope, run: () => unknown): unknown;
}

/** Runs one attempt inside the scopes of the run's scoped resources. */
export type StepScopeRunner = (scope: StepScope, run: () => unknown) => unknown;

/** True when `value` implements {@link StepScoped}. */
export function isStepScoped(value: unknown): value is StepScoped {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Record<string, unknown>)[STEP_SCOPE] === 'function'
  );
}

/** The runner for a run's resources, or null when none is scoped (the hot path then wraps nothing). */
export function scopeRunner(resources: Record<string, unknown>): StepScopeRunner | null {
  const scoped: StepScoped[] = [];
  for (const r of Object.values(resources)) if (isStepScoped(r) && !scoped.includes(r)) scoped.push(r);
  if (scoped.length === 0) return null;
  return (scope, run) => {
    let inner = run;
    for (const r of scoped) {
      const next = inner;
      inner = () => r[STEP_SCOPE](scope, next);
    }
    return inner();
  };
}
