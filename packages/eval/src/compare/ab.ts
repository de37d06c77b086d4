/** A/B of two variants in one call: run both on the same items, then compare. */
import { loadData } from '../data/dataset.js';
import type { EvalDefinition } from '../define/define-eval.js';
import type { RunEvalOptions } from '../runner/run-eval.js';
import { runEval } from '../runner/run-eval.js';
import type { EvalRun } from '../runner/types.js';
import type { EvalTask } from '../task/task.js';
import { type CompareOptions, type Comparison, compare } from './compare.js';

/** A named variant: a task (and optionally its version for caching). */
export interface Variant {
  task: EvalTask<any, any, any>;
  taskVersion?: string;
}

/** Result of {@link runAB}. */
export interface ABResult {
  a: EvalRun;
  b: EvalRun;
  comparison: Comparison;
}

/**
 * Runs two variants of an eval (A = control, B = candidate) and compares them.
 *
 * @example
 * ```ts
 * const { comparison } = await runAB(def, { terse: { task: terseFlow }, detailed: { task: detailedFlow } });
 * console.log(formatComparison(comparison));
 * ```
 */
export async function runAB(
  def: EvalDefinition<any, any, any>,
  variants: Record<string, Variant>,
  options: Omit<RunEvalOptions, 'variant' | 'task' | 'taskVersion'> & { compare?: CompareOptions } = {},
): Promise<ABResult> {
  const entries = Object.entries(variants);
  if (entries.length !== 2) throw new TypeError(`Expected exactly two variants for runAB, got ${entries.length}`);
  const [[nameA, va], [nameB, vb]] = entries as [[string, Variant], [string, Variant]];
  const { compare: compareOptions, ...runOptions } = options;
  // Load once: a generator can be iterated only once, and both variants must see the same items.
  const items = await loadData(def.data);
  const fixed: EvalDefinition<any, any, any> = { ...def, data: items };
  const run = (name: string, v: Variant) =>
    runEval(fixed, { ...runOptions, variant: name, task: v.task, taskVersion: v.taskVersion });
  const a = await run(nameA, va);
  const b = await run(nameB, vb);
  return { a, b, comparison: compare(a, b, compareOptions) };
}
