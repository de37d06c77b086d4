/** Workflows and steps as eval tasks run through the real Weft engine; their runs and steps are stored. */
import { createEngine, createMemoryStore, step, workflow } from '@weft/workflow';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEval } from '../src/define/define-eval.js';
import { runEval } from '../src/runner/run-eval.js';
import { exactMatch, includes } from '../src/scorers/text.js';

const data = [
  { id: 'a', input: { text: 'refund please' }, expected: 'billing' },
  { id: 'b', input: { text: 'app crashes on start' }, expected: 'bug' },
  { id: 'c', input: { text: 'how do I export?' }, expected: 'question' },
];

const classify = step({
  id: 'classify',
  input: z.object({ text: z.string() }),
  run: async ({ input }) =>
    input.text.includes('refund') ? 'billing' : input.text.includes('crash') ? 'bug' : 'other',
});

describe('workflow and step tasks', () => {
  it('runs a committed workflow through an engine; each item links to its stored run', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ store });
    const wf = workflow({ id: 'triage', input: z.object({ text: z.string() }) })
      .step(classify)
      .map(({ input }) => input.toUpperCase().toLowerCase())
      .commit();
    const run = await runEval(
      defineEval({ name: 'triage', data, task: { workflow: wf, engine }, scorers: [exactMatch()] }),
      {
        progress: false,
        gitCommit: false,
      },
    );
    expect(run.summary.scorers.exactMatch?.mean).toBeCloseTo(2 / 3, 12);
    expect(run.taskVersion).toBe(`wf:triage:${wf.hash}`);
    for (const r of run.results) {
      expect(r.taskRunId).toBeDefined();
      const stored = await store.getRun(r.taskRunId as string);
      expect(stored?.status).toBe('success');
      expect((await store.listSteps(r.taskRunId as string)).map((s) => s.path)).toContain('classify');
    }
  });

  it('runs a single step (wrapped in a one-step workflow) and records failures as data', async () => {
    const flaky = step({
      id: 'label',
      input: z.object({ text: z.string() }),
      run: async ({ input }) => {
        if (input.text.startsWith('how')) throw new Error('no idea');
        return `label:${input.text.includes('refund') ? 'billing' : 'bug'}`;
      },
    });
    const run = await runEval(defineEval({ name: 'step', data, task: { step: flaky }, scorers: [includes()] }), {
      progress: false,
      gitCommit: false,
    });
    expect(run.taskVersion).toMatch(/^step:label:/);
    const byId = Object.fromEntries(run.results.map((r) => [r.itemId, r]));
    expect(byId.a?.output).toBe('label:billing');
    expect(byId.a?.scores.includes?.score).toBe(1);
    expect(byId.c?.error).toMatchObject({ code: 'EVAL_TASK_FAILED' });
    expect(String(byId.c?.error?.message)).toContain('no idea');
  });
});
