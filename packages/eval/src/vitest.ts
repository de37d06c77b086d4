/**
 * `@weft/eval/vitest`: declare evals as vitest tests that fail on thresholds. A separate entry so
 * the main entry never imports vitest (an optional peer dependency).
 */
import { describe, expect, test } from 'vitest';
import { compare } from './compare/compare.js';
import { checkThresholds, type Thresholds } from './compare/thresholds.js';
import type { EvalDefinition } from './define/define-eval.js';
import { formatRun, formatThresholds } from './report/console.js';
import { type RunEvalOptions, runEval } from './runner/run-eval.js';
import type { EvalRun } from './runner/types.js';

/** Options of {@link describeEval}. */
export interface DescribeEvalOptions extends RunEvalOptions {
  /** Overrides the definition's thresholds. */
  thresholds?: Thresholds;
  /** A baseline run (or a function loading it) for relative thresholds. */
  baseline?: EvalRun | (() => Promise<EvalRun | undefined>);
  /** Test timeout in ms (default 60 000). */
  timeout?: number;
  /** Called with the finished run (e.g. to write a report). */
  onRun?: (run: EvalRun) => void | Promise<void>;
}

/**
 * Declares an eval as a vitest suite with one test per threshold check; the suite's test fails
 * when any threshold fails.
 *
 * @example
 * ```ts
 * import { describeEval } from '@weft/eval/vitest';
 * describeEval(capitalsEval, { thresholds: { exactMatch: { min: 0.9 } } });
 * ```
 */
export function describeEval(def: EvalDefinition<any, any, any>, options: DescribeEvalOptions = {}): void {
  const { thresholds, baseline, timeout, onRun, ...runOptions } = options;
  describe(`eval: ${def.name}`, () => {
    test(
      'meets its thresholds',
      async () => {
        const run = await runEval(def, { progress: false, gitCommit: false, ...runOptions });
        await onRun?.(run);
        const base = typeof baseline === 'function' ? await baseline() : baseline;
        const result = checkThresholds(run, thresholds ?? def.thresholds ?? {}, base ? compare(base, run) : undefined);
        expect(result.failures, `${formatRun(run)}\n${formatThresholds(result)}`).toEqual([]);
      },
      timeout ?? 60_000,
    );
  });
}
