import { describe, expect, it } from 'vitest';
import { shiftedTask, syntheticEval } from '../../test/helpers.js';
import { defineEval } from '../define/define-eval.js';
import { WeftEvalError } from '../errors/errors.js';
import { exactMatch } from '../scorers/text.js';
import { formatRun } from '../report/console.js';
import { runEval } from '../runner/run-eval.js';
import { runAB } from './ab.js';
import { compare } from './compare.js';
import { checkThresholds } from './thresholds.js';

const opts = { progress: false as const, gitCommit: false as const };

describe('compare', () => {
  it('finds a planted regression: significant drop, CI below zero, the dropped items listed first', async () => {
    const def = syntheticEval(40);
    const baseline = await runEval(def, {
      ...opts,
      variant: 'baseline',
      task: shiftedTask(0, { noise: 0.05, seed: 1 }),
    });
    const candidate = await runEval(def, {
      ...opts,
      variant: 'candidate',
      task: shiftedTask(0, { noise: 0.05, seed: 2, drop: 0.3, k: 10 }),
    });
    const cmp = compare(baseline, candidate);
    const q = cmp.scorers.find((s) => s.scorer === 'quality');
    expect(q?.verdict).toBe('regressed');
    expect(q?.pValue).toBeLessThan(0.05);
    expect(q?.ci.upper).toBeLessThan(0);
    expect(q?.n).toBe(40);
    const top = cmp.regressions.filter((r) => r.scorer === 'quality').map((r) => r.itemId);
    expect(top).toHaveLength(5);
    for (const id of top) expect(Number(id.split('-')[1])).toBeLessThan(10);
    const constant = cmp.scorers.find((s) => s.scorer === 'constant');
    expect(constant).toMatchObject({ diff: 0, pValue: 1, verdict: 'unchanged' });

    const thresholds = checkThresholds(candidate, def.thresholds ?? {}, cmp);
    expect(thresholds.passed).toBe(false);
    expect(thresholds.failures).toEqual([expect.objectContaining({ scorer: 'quality', rule: 'noSignificantDrop' })]);
  });

  it('does not flag an A/A comparison and averages trials per item', async () => {
    const def = syntheticEval(30);
    const a = await runEval(def, { ...opts, task: shiftedTask(0, { noise: 0.2, seed: 5 }), trials: 3 });
    const b = await runEval(def, { ...opts, task: shiftedTask(0, { noise: 0.2, seed: 6 }), trials: 3 });
    const cmp = compare(a, b, { test: 'sign' });
    // Noise of ±0.1 uniform across trials: per-item sd ≈ 0.2/√12 ≈ 0.058.
    expect(a.summary.scorers.quality?.trialStddev).toBeGreaterThan(0.03);
    expect(a.summary.scorers.quality?.trialStddev).toBeLessThan(0.09);
    expect(formatRun(a)).toContain('trial sd');
    expect(cmp.scorers[0]?.n).toBe(30);
    expect(cmp.scorers.find((s) => s.scorer === 'quality')?.significant).toBe(false);
    expect(checkThresholds(b, { quality: { min: 0.2, noSignificantDrop: true } }, cmp).passed).toBe(true);
  });

  it('is reproducible and pairs only shared items', async () => {
    const def = syntheticEval(20);
    const a = await runEval(def, { ...opts, task: shiftedTask(0, { noise: 0.3, seed: 1 }) });
    const b = await runEval(def, { ...opts, task: shiftedTask(0.1, { noise: 0.3, seed: 2 }) });
    expect(compare(a, b)).toEqual(compare(a, b));
    const partial = { ...b, results: b.results.slice(5) };
    const cmp = compare(a, partial);
    expect(cmp.scorers[0]?.n).toBe(15);
    expect(cmp.unpaired.onlyA).toHaveLength(5);
    expect(() => compare(a, { ...b, results: [] })).toThrow(WeftEvalError);
  });

  it('absolute thresholds and maxDrop, with "*" for every scorer', async () => {
    const def = syntheticEval(10);
    const run = await runEval(def, { ...opts });
    const mean = run.summary.scorers.quality?.mean ?? 0;
    expect(checkThresholds(run, { quality: { min: mean - 0.01 } }).passed).toBe(true);
    const failed = checkThresholds(run, { '*': { min: mean + 0.01 } });
    expect(failed.failures.map((f) => f.scorer)).toEqual(['quality']);
    const worse = await runEval(def, { ...opts, task: shiftedTask(-0.02) });
    expect(checkThresholds(worse, { quality: { maxDrop: 0.01 } }, compare(run, worse)).failures[0]?.rule).toBe(
      'maxDrop',
    );
  });

  it('runAB runs two variants and detects a true improvement', async () => {
    const def = syntheticEval(40);
    const { a, b, comparison } = await runAB(
      def,
      {
        control: { task: shiftedTask(0, { noise: 0.1, seed: 1 }) },
        candidate: { task: shiftedTask(0.1, { noise: 0.1, seed: 2 }) },
      },
      opts,
    );
    expect([a.variant, b.variant]).toEqual(['control', 'candidate']);
    const q = comparison.scorers.find((s) => s.scorer === 'quality');
    expect(q?.verdict).toBe('improved');
    expect(q?.ci.lower).toBeGreaterThan(0);
    expect(q?.diff).toBeCloseTo(0.1, 1);
  });

  it('runAB gives both variants the same items from a one-shot async generator', async () => {
    async function* items() {
      for (let i = 0; i < 5; i++) yield { id: `g${i}`, input: i, expected: i };
    }
    const def = defineEval({ name: 'gen', data: items(), task: (n: number) => n, scorers: [exactMatch()] });
    const { a, b, comparison } = await runAB(
      def,
      { x: { task: (n: number) => n }, y: { task: (n: number) => (n > 2 ? -1 : n) } },
      opts,
    );
    expect([a.results.length, b.results.length]).toEqual([5, 5]);
    expect(comparison.scorers[0]).toMatchObject({ n: 5, meanA: 1, meanB: 0.6 });
  });
});
