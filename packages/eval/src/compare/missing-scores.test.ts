import { describe, expect, it } from 'vitest';
import { runFromScores } from '../../test/helpers.js';
import { EvalCompareError, EvalMissingScoreError } from '../errors/errors.js';
import { defineEval } from '../define/define-eval.js';
import { formatComparison } from '../report/console.js';
import { toJsonReport } from '../report/json.js';
import { runEval } from '../runner/run-eval.js';
import type { EvalRun } from '../runner/types.js';
import { defineScorer } from '../scorers/scorer.js';
import { compare } from './compare.js';
import { checkThresholds } from './thresholds.js';

const base = Array.from({ length: 20 }, (_, i) => 0.3 + ((i * 37) % 50) / 100);
const same = base.map((x, i) => x + (i % 2 === 0 ? 0.01 : -0.01));

describe('errored and missing scores are excluded and reported, never a 0', () => {
  it('one NaN score: no p≈1e-4, no NaN mean, no "regressed" — the item is excluded and named', () => {
    const b = [...same];
    b[3] = Number.NaN;
    const cmp = compare(runFromScores({ q: base }, { variant: 'a' }), runFromScores({ q: b }, { variant: 'b' }));
    const q = cmp.scorers[0];
    expect(q?.n).toBe(19);
    expect(Number.isFinite(q?.diff)).toBe(true);
    expect(q?.verdict).toBe('unchanged');
    expect(q?.pValue).toBeGreaterThan(0.5);
    expect(q?.excluded).toEqual([{ itemId: 'item-0003', a: 'ok', b: 'error' }]);
    expect(q?.errors).toEqual({ a: 0, b: 1 });
    expect(cmp.warnings.join('\n')).toMatch(/q: 1 of 20 paired item\(s\) excluded/);
    expect(formatComparison(cmp)).toContain('excluded');
  });

  it('a score missing from an item is not `?? [0]`: excluded as missing', () => {
    const b: (number | undefined)[] = [...same];
    b[0] = undefined;
    b[1] = undefined;
    const cmp = compare(runFromScores({ q: base }), runFromScores({ q: b }));
    expect(cmp.scorers[0]).toMatchObject({ n: 18, verdict: 'unchanged' });
    expect(cmp.scorers[0]?.excluded.map((e) => e.b)).toEqual(['missing', 'missing']);
  });

  it('missingScores: "throw" names the run, item and scorer', () => {
    const b = [...same];
    b[5] = Number.NaN;
    const run = () =>
      compare(runFromScores({ q: base }, { id: 'ra' }), runFromScores({ q: b }, { id: 'rb' }), {
        missingScores: 'throw',
      });
    expect(run).toThrow(EvalMissingScoreError);
    try {
      run();
    } catch (e) {
      expect((e as EvalMissingScoreError).details()).toMatchObject({ runId: 'rb', itemId: 'item-0005', scorer: 'q' });
    }
  });

  it('a JSON report round trip (NaN → null) is still an errored score', () => {
    const b = [...same];
    b[2] = Number.NaN;
    const report = JSON.parse(
      JSON.stringify(toJsonReport({ runs: [runFromScores({ q: b })], comparisons: [], thresholds: [] })),
    );
    const back = report.runs[0] as EvalRun;
    expect(back.results[2]?.scores.q?.score).toBeNull();
    expect(compare(runFromScores({ q: base }), back).scorers[0]).toMatchObject({ n: 19 });
  });

  it('a flaky judge (throws / NaN on some items of B) is counted in the run and does not look like a regression', async () => {
    let calls = 0;
    const def = (flaky: boolean) =>
      defineEval({
        name: 'judge',
        data: base.map((q, i) => ({ id: `i${i}`, input: q })),
        task: (q: number) => q,
        scorers: [
          defineScorer('judge', ({ output }) => {
            calls++;
            if (flaky && calls % 4 === 0) throw new Error('judge API 503');
            if (flaky && calls % 7 === 0) return Number.NaN;
            return output as number;
          }),
        ],
      });
    const a = await runEval(def(false), { progress: false, gitCommit: false, concurrency: 1 });
    calls = 0;
    const b = await runEval(def(true), { progress: false, gitCommit: false, concurrency: 1 });
    const judge = b.summary.scorers.judge;
    expect(judge?.errors).toBe(7); // calls 4, 7, 8, 12, 14, 16, 20
    expect(judge?.n).toBe(13);
    expect(judge?.mean).toBeCloseTo(a.summary.scorers.judge?.mean ?? 0, 0);
    expect(b.summary).toMatchObject({ errors: 7, scorerErrors: 7, taskErrors: 0 });
    const failed = b.results.find((r) => r.scores.judge?.error);
    expect(failed?.scores.judge?.score).toBeNaN();
    expect(String(failed?.scores.judge?.error?.message)).toMatch(/judge API 503|finite number/);
    const cmp = compare(a, b);
    expect(cmp.scorers[0]).toMatchObject({ n: 13, verdict: 'unchanged', diff: 0, errors: { a: 0, b: 7 } });
    const gate = checkThresholds(b, { judge: { noSignificantDrop: true, min: 0.4 } }, cmp);
    expect(gate.passed).toBe(true);
  });

  it('every score errored: verdict insufficient-data, `min` and `maxDrop` fail instead of passing on NaN', () => {
    const nan = base.map(() => Number.NaN);
    const bad = runFromScores({ q: nan });
    bad.summary.scorers.q = {
      n: 0,
      mean: Number.NaN,
      stddev: 0,
      min: Number.NaN,
      max: Number.NaN,
      median: Number.NaN,
      errors: 20,
    };
    const cmp = compare(runFromScores({ q: base }), bad);
    expect(cmp.scorers[0]).toMatchObject({ n: 0, verdict: 'insufficient-data', significant: false });
    const gate = checkThresholds(bad, { q: { min: 0.1, maxDrop: 0.1 } }, cmp);
    expect(gate.failures.map((f) => f.rule).sort()).toEqual(['maxDrop', 'min']);
  });
});

describe('too few items are flagged, not silently confident', () => {
  it('n = 1: no zero-width interval, verdict insufficient-data', () => {
    const cmp = compare(runFromScores({ q: [0.2] }), runFromScores({ q: [0.9] }));
    expect(cmp.scorers[0]).toMatchObject({ n: 1, verdict: 'insufficient-data' });
    expect(cmp.scorers[0]?.ci).toMatchObject({ lower: -1, upper: 1, reliable: false });
    expect(cmp.warnings.join()).toMatch(/only 1 paired item/);
  });
  it('n = 2 with p = 0.5: the interval is flagged unreliable and the test cannot be significant', () => {
    const cmp = compare(runFromScores({ q: [0.2, 0.3] }), runFromScores({ q: [0.5, 0.65] }));
    const q = cmp.scorers[0];
    expect(q?.pValue).toBe(0.5);
    expect(q?.ci.reliable).toBe(false);
    // t-interval with 1 degree of freedom is wide; whatever it is, the warnings say why not to trust it.
    expect(q?.warnings.join()).toMatch(/smallest possible p-value is 0\.50 ≥ α/);
    if (q && q.ci.lower > 0) expect(q.warnings.join()).toMatch(/interval excludes 0/);
  });
});

describe('multiple-comparison correction', () => {
  // Scorer `x` has a moderate effect (raw p ≈ 0.02); nine null scorers make Holm multiply it.
  const n = 30;
  const nulls = Object.fromEntries(Array.from({ length: 9 }, (_, s) => [`n${s}`, base.concat(base).slice(0, n)]));
  const a = runFromScores({ x: base.concat(base).slice(0, n), ...nulls }, { variant: 'a' });
  const xb = base
    .concat(base)
    .slice(0, n)
    .map((v, i) => v - (i % 3 === 0 ? 0.12 : i % 3 === 1 ? 0.02 : -0.05));
  const b = runFromScores({ x: xb, ...nulls }, { variant: 'b' });

  it('reports raw and adjusted p-values; gates use the adjusted one', () => {
    const raw = compare(a, b, { correction: 'none' });
    const x0 = raw.scorers.find((s) => s.scorer === 'x');
    expect(x0?.pValue).toBeLessThan(0.05);
    expect(x0?.verdict).toBe('regressed');
    const holm = compare(a, b);
    expect(holm.correction).toBe('holm');
    const x1 = holm.scorers.find((s) => s.scorer === 'x');
    expect(x1?.pValue).toBe(x0?.pValue);
    expect(x1?.adjustedPValue).toBeCloseTo(Math.min(1, 10 * (x0?.pValue ?? 0)), 12);
    expect(x1?.verdict).toBe('unchanged');
    expect(checkThresholds(b, { '*': { noSignificantDrop: true } }, holm).passed).toBe(true);
    expect(checkThresholds(b, { '*': { noSignificantDrop: true } }, raw).passed).toBe(false);
    expect(formatComparison(holm)).toMatch(/holm correction/);
    expect(compare(a, b, { correction: 'bh' }).correction).toBe('benjamini-hochberg');
  });
});

describe('compare checks what it is given', () => {
  it('runs of different evals are refused unless allowDifferentEvals', () => {
    const a = runFromScores({ q: base }, { evalName: 'support' });
    const b = runFromScores({ q: same }, { evalName: 'billing' });
    expect(() => compare(a, b)).toThrow(EvalCompareError);
    expect(() => compare(a, b)).toThrow(/same eval.*allowDifferentEvals/s);
    expect(compare(a, b, { allowDifferentEvals: true }).scorers[0]?.n).toBe(20);
  });
  it('bad options are typed errors', () => {
    const a = runFromScores({ q: base });
    for (const bad of [
      { alpha: 0 },
      { alpha: 1.2 },
      { test: 't' },
      { correction: 'fdr' },
      { interval: 'x' },
      { missingScores: 'zero' },
    ])
      expect(() => compare(a, a, bad as never)).toThrow(EvalCompareError);
  });
  it('bca and percentile intervals are available', () => {
    const a = runFromScores({ q: base });
    const b = runFromScores({ q: same });
    expect(compare(a, b, { interval: 'bca' }).scorers[0]?.ci.method).toBe('bca');
    expect(compare(a, b, { interval: 'percentile' }).scorers[0]?.ci.method).toBe('percentile');
  });
});
