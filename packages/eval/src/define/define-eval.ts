/** `defineEval`: an eval is typed plain data — validated here, run by `runEval`. */
import type { EvalData } from '../data/dataset.js';
import { WeftEvalError } from '../errors/errors.js';
import type { Scorer } from '../scorers/scorer.js';
import type { EvalTask } from '../task/task.js';
import type { Thresholds } from '../compare/thresholds.js';

/** Options of {@link defineEval}. */
export interface EvalOptions<I = unknown, O = unknown, E = unknown> {
  /** Unique name; history is kept per name. */
  name: string;
  data: EvalData<I, E>;
  task: EvalTask<I, O, E>;
  /** Scorers; built-in scorers accept any output, custom ones see the typed input/output/expected. */
  scorers: readonly Scorer<NoInfer<I>, NoInfer<O>, NoInfer<E>>[];
  /** Repetitions per item (default 1). Several trials measure variance. */
  trials?: number;
  /** Items in flight at once (default 4). */
  concurrency?: number;
  /** Pass/fail rules checked after a run. */
  thresholds?: Thresholds;
  /** Version of the task for output caching; derived from the task when omitted. */
  taskVersion?: string;
  /** Per-item timeout in ms (default none). */
  timeoutMs?: number;
  /** Retries of a failed task call (default 0). */
  retries?: number;
  /** Task tag for quality feedback (e.g. `summarize`); items may add their own tags. */
  taskTag?: string;
  /** Description shown in reports. */
  description?: string;
}

/** A defined eval: the options, frozen, with a brand to find it among a module's exports. */
export interface EvalDefinition<I = unknown, O = unknown, E = unknown> extends Readonly<EvalOptions<I, O, E>> {
  readonly kind: 'weft.eval';
}

/**
 * Defines an eval.
 *
 * @example
 * ```ts
 * export default defineEval({
 *   name: 'capitals',
 *   data: [{ input: 'France', expected: 'Paris' }],
 *   task: async (country) => answer(country),
 *   scorers: [exactMatch()],
 *   trials: 3,
 *   thresholds: { exactMatch: { min: 0.8, noSignificantDrop: true } },
 * });
 * ```
 */
export function defineEval<I, O, E = unknown>(options: EvalOptions<I, O, E>): EvalDefinition<I, O, E> {
  const fail = (what: string) => {
    throw new WeftEvalError('EVAL_INVALID_DEFINITION', `defineEval(${JSON.stringify(options?.name)}): ${what}`, {
      details: { eval: options?.name },
    });
  };
  if (typeof options?.name !== 'string' || options.name === '') fail('expected `name` to be a non-empty string.');
  if (options.data === undefined) fail('expected `data` (array, iterable, async generator or file path).');
  if (options.task === undefined) fail('expected `task`.');
  if (!Array.isArray(options.scorers) || options.scorers.length === 0)
    fail('expected at least one scorer in `scorers`.');
  const names = new Set<string>();
  for (const s of options.scorers) {
    if (names.has(s.name)) fail(`two scorers are named "${s.name}"; give custom scorers distinct names.`);
    names.add(s.name);
  }
  for (const key of ['trials', 'concurrency'] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      fail(`expected \`${key}\` to be an integer from 1 and up, got ${v}.`);
  }
  return Object.freeze({ ...options, kind: 'weft.eval' as const });
}

/** Whether a value is an eval definition (used by the CLI to find evals among module exports). */
export function isEvalDefinition(value: unknown): value is EvalDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'weft.eval';
}
