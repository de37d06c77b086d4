/**
 * The ambient attribution scope of LLM calls: an AsyncLocalStorage holding the run, step path and
 * attempt that calls made inside it are recorded with. A workflow engine sets it around each step
 * attempt (through the router's step-scope method under the key `'~weftStepScope'`, so neither
 * package imports the other); any code can set it with {@link withLlmScope}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who LLM calls made inside a scope are attributed to. Every field is optional. */
export interface LlmScope {
  runId?: string;
  workflowId?: string;
  /** The step's own id (`summarize`). */
  stepId?: string;
  /** The step's path in its run (`items[3]/summarize`). */
  stepPath?: string;
  /** The step attempt (1, 2, …). */
  attempt?: number;
}

const storage = new AsyncLocalStorage<LlmScope>();

/**
 * Runs `fn` with `scope` as the attribution of every routed call made inside it (awaited work
 * included). Nested scopes merge over the outer one. Explicit context (`router.withContext`,
 * `providerOptions.weft`) still wins over the scope.
 *
 * @example
 * ```ts
 * import { generateText } from 'ai';
 * import { createRouter, withLlmScope } from '@weft/llm';
 *
 * const router = createRouter({ providers: {}, routes: { default: ['offline/default'] } });
 * await withLlmScope({ runId: 'nightly-42', stepPath: 'report/summarize' }, () =>
 *   generateText({ model: router.model(), prompt: 'Summarize the day' }),
 * );
 * ```
 */
export function withLlmScope<T>(scope: LlmScope, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...clean(scope) } : clean(scope), fn);
}

/** The scope in effect here, or undefined outside any {@link withLlmScope}. */
export function currentLlmScope(): Readonly<LlmScope> | undefined {
  return storage.getStore();
}

/**
 * The key of Weft's step-scope protocol (`'~weftStepScope'`, the same string @weft/workflow uses).
 * A router has a method under it, so an engine given the router as a resource runs each step
 * attempt in an {@link LlmScope} of that run, step path and attempt.
 */
export const STEP_SCOPE_KEY = '~weftStepScope' as const;

function clean(scope: LlmScope): LlmScope {
  const out: LlmScope = {};
  if (typeof scope?.runId === 'string') out.runId = scope.runId;
  if (typeof scope?.workflowId === 'string') out.workflowId = scope.workflowId;
  if (typeof scope?.stepId === 'string') out.stepId = scope.stepId;
  if (typeof scope?.stepPath === 'string') out.stepPath = scope.stepPath;
  if (typeof scope?.attempt === 'number') out.attempt = scope.attempt;
  return out;
}
