/** The demo's offline planner and plan normalisation: deterministic rules over workspace facts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlanFacts, planFromFacts, proposalFromFacts, taskFacts } from '../demo/planner.ts';
import { normalizePlan } from '../demo/workflow.ts';

const facts: PlanFacts = {
  kind: 'plan',
  request: 'add retry metrics and document them',
  files: [
    {
      path: 'src/engine.ts',
      matched: ['retry'],
      symbols: [{ name: 'runStep', kind: 'function', signature: 'export function runStep(step: Step)' }],
      imports: ['src/retry.ts'],
      importedBy: [],
    },
    {
      path: 'src/retry.ts',
      matched: ['retry'],
      symbols: [{ name: 'retry', kind: 'function', signature: 'export function retry(fn: () => void)' }],
      imports: [],
      importedBy: ['src/engine.ts'],
      test: 'src/retry.test.ts',
    },
    { path: 'src/unrelated.ts', matched: [], symbols: [], imports: [], importedBy: [] },
  ],
  coChange: [{ a: 'src/metrics.ts', b: 'src/retry.ts', commits: 3 }],
  docs: ['README.md', 'docs/retry.md'],
};

describe('planFromFacts', () => {
  it('plans a task per matched file, importers after imports, co-change partners, tests and docs', () => {
    const tasks = planFromFacts(facts);
    expect(tasks.map((t) => [t.id, t.files, t.dependsOn])).toEqual([
      ['engine', ['src/engine.ts'], ['retry']],
      ['retry', ['src/retry.ts'], []],
      ['sync-metrics', ['src/metrics.ts'], ['retry']],
      ['test-retry', ['src/retry.test.ts'], ['retry']],
      ['docs', ['docs/retry.md'], ['engine', 'retry']],
    ]);
    // Every file a task names comes from the facts.
    const known = new Set([
      ...facts.files.flatMap((f) => [f.path, f.test ?? '']),
      ...facts.coChange.flatMap((p) => [p.a, p.b]),
      ...facts.docs,
    ]);
    expect(tasks.flatMap((t) => t.files).every((f) => known.has(f))).toBe(true);
  });

  it('writes proposals from the facts: signatures, callers, history', () => {
    const tasks = planFromFacts(facts);
    const retry = tasks.find((t) => t.id === 'retry');
    const text = proposalFromFacts(taskFacts(retry as (typeof tasks)[number], facts, tasks));
    expect(text).toContain('Edit src/retry.ts: change `export function retry(fn: () => void)`.');
    expect(text).toContain('Callers that must keep compiling: src/engine.ts.');
    expect(text).toContain('History: src/metrics.ts and src/retry.ts changed together in 3 commits.');
  });

  it('plans nothing from a request that matches no file, instead of inventing tasks', () => {
    expect(planFromFacts({ ...facts, request: 'x', files: [facts.files[2] as PlanFacts['files'][number]] })).toEqual(
      [],
    );
  });
});

describe('normalizePlan', () => {
  it('always yields unique ids and a DAG listed dependencies first, whatever the model said', () => {
    const task = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', '', 'a b'),
      title: fc.string({ maxLength: 5 }),
      files: fc.array(fc.constantFrom('x.ts', 'y.ts'), { maxLength: 2 }),
      dependsOn: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'zz'), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(task, { maxLength: 8 }), (tasks) => {
        const out = normalizePlan(tasks);
        expect(out).toHaveLength(tasks.length);
        expect(new Set(out.map((t) => t.id)).size).toBe(out.length);
        const before = new Set<string>();
        for (const t of out) {
          for (const d of t.dependsOn) expect(before.has(d)).toBe(true);
          before.add(t.id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a dependency on a task listed later (it reorders instead of dropping it)', () => {
    const out = normalizePlan([
      { id: 'client', title: 'c', files: [], dependsOn: ['retry'] },
      { id: 'retry', title: 'r', files: [], dependsOn: [] },
    ]);
    expect(out.map((t) => [t.id, t.dependsOn])).toEqual([
      ['retry', []],
      ['client', ['retry']],
    ]);
  });
});
