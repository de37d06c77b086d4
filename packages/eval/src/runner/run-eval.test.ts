import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { defineEval } from '../define/define-eval.js';
import { WeftEvalError } from '../errors/errors.js';
import { defineScorer } from '../scorers/scorer.js';
import { exactMatch, includes } from '../scorers/text.js';
import { createMemoryCache } from './cache.js';
import { runEval } from './run-eval.js';

const data = [
  { id: 'fr', input: 'France', expected: 'Paris' },
  { id: 'de', input: 'Germany', expected: 'Berlin' },
  { id: 'it', input: 'Italy', expected: 'Rome' },
  { id: 'es', input: 'Spain', expected: 'Madrid' },
];
const capitals: Record<string, string> = { France: 'Paris', Germany: 'Berlin', Italy: 'Rome', Spain: 'Barcelona' };

describe('runEval', () => {
  it('runs items × trials with bounded concurrency and summarizes', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const def = defineEval({
      name: 'capitals',
      data,
      task: async (country: string, ctx) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        ctx.reportCost(0.001);
        ctx.reportUsage({ inputTokens: 10, outputTokens: 2 });
        return capitals[country];
      },
      scorers: [exactMatch(), includes()],
      trials: 3,
      concurrency: 2,
    });
    const seen: string[] = [];
    const run = await runEval(def, {
      progress: false,
      gitCommit: 'abc123',
      variant: 'v1',
      onResult: (r) => seen.push(r.itemId),
    });
    expect(maxInFlight).toBe(2);
    expect(run.results).toHaveLength(12);
    expect(seen).toHaveLength(12);
    expect(run).toMatchObject({ evalName: 'capitals', variant: 'v1', gitCommit: 'abc123', trials: 3 });
    expect(run.summary.items).toBe(4);
    expect(run.summary.scorers.exactMatch?.mean).toBe(0.75);
    expect(run.summary.scorers.exactMatch?.trialStddev).toBe(0); // deterministic task
    expect(run.summary.costUsd).toBeCloseTo(0.012, 10);
    expect(run.results[0]?.usage).toEqual({ inputTokens: 10, outputTokens: 2 });
    expect(run.results.every((r) => r.latencyMs > 0)).toBe(true);
    expect(run.results.map((r) => r.trial).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('retries failed tasks, then records the error and scores 0', async () => {
    const attempts = new Map<string, number>();
    const def = defineEval({
      name: 'flaky',
      data,
      task: (country: string) => {
        const n = (attempts.get(country) ?? 0) + 1;
        attempts.set(country, n);
        if (country === 'Spain') throw new Error('always down');
        if (n < 2) throw new Error('flaky');
        return capitals[country];
      },
      scorers: [exactMatch()],
      retries: 2,
    });
    const run = await runEval(def, { progress: false, gitCommit: false });
    const byId = Object.fromEntries(run.results.map((r) => [r.itemId, r]));
    expect(byId.fr?.attempts).toBe(2);
    expect(byId.fr?.scores.exactMatch?.score).toBe(1);
    expect(byId.es?.attempts).toBe(3);
    expect(byId.es?.error).toMatchObject({ message: 'always down' });
    expect(byId.es?.scores.exactMatch).toMatchObject({ score: 0, rationale: 'task failed: always down' });
    expect(run.summary.errors).toBe(1);
    expect(run.gitCommit).toBeUndefined();
  });

  it('times out slow items and aborts their signal', async () => {
    let aborted = false;
    const def = defineEval({
      name: 'slow',
      data: [{ id: 'slow', input: 1 }],
      task: (_: number, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve('late');
          });
        }),
      scorers: [defineScorer('any', () => 1)],
      timeoutMs: 30,
    });
    const run = await runEval(def, { progress: false, gitCommit: false });
    expect(run.results[0]?.error).toMatchObject({ code: 'EVAL_TASK_TIMEOUT' });
    expect(aborted).toBe(true);
  });

  it('caches task outputs by input and task version', async () => {
    let calls = 0;
    const def = defineEval({
      name: 'cached',
      data,
      task: (c: string) => {
        calls++;
        return capitals[c];
      },
      scorers: [exactMatch()],
      taskVersion: 'v1',
    });
    const cache = createMemoryCache();
    const first = await runEval(def, { cache, progress: false, gitCommit: false });
    const second = await runEval(def, { cache, progress: false, gitCommit: false });
    expect(calls).toBe(4);
    expect(second.results.every((r) => r.cached)).toBe(true);
    expect(second.summary.scorers.exactMatch?.mean).toBe(first.summary.scorers.exactMatch?.mean);
    await runEval(def, { cache, taskVersion: 'v2', progress: false, gitCommit: false });
    expect(calls).toBe(8);
  });

  it('draws a progress bar only on a TTY', async () => {
    const def = defineEval({ name: 'p', data, task: (c: string) => capitals[c], scorers: [exactMatch()] });
    const tty: string[] = [];
    const pipe: string[] = [];
    await runEval(def, { progress: { isTTY: true, write: (s: string) => tty.push(s) }, gitCommit: false });
    await runEval(def, { progress: { isTTY: false, write: (s: string) => pipe.push(s) }, gitCommit: false });
    expect(tty.join('')).toContain('4/4');
    expect(pipe).toEqual([]);
  });

  it('runs a workflow-like task and a model task', async () => {
    const workflow = {
      id: 'capital-flow',
      hash: 'h1',
      createRun: () => ({
        start: async ({ input }: { input: string }) =>
          input === 'Spain'
            ? { status: 'failed', error: new Error('no') }
            : { status: 'success', output: capitals[input], cost: 0.5 },
      }),
    };
    const wfRun = await runEval(defineEval({ name: 'wf', data, task: { workflow }, scorers: [exactMatch()] }), {
      progress: false,
      gitCommit: false,
    });
    expect(wfRun.taskVersion).toBe('wf:capital-flow:h1');
    expect(wfRun.summary.costUsd).toBe(1.5);
    expect(wfRun.results.find((r) => r.itemId === 'es')?.error).toMatchObject({ code: 'EVAL_TASK_FAILED' });

    const model = new MockLanguageModelV4({
      modelId: 'm1',
      doGenerate: async (call) => {
        const text = JSON.stringify(call.prompt).includes('France') ? 'Paris' : 'unknown';
        return {
          content: [{ type: 'text', text }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: 10, text: 10, reasoning: 0 },
          },
          warnings: [],
        };
      },
    });
    const mRun = await runEval(
      defineEval({
        name: 'model',
        data,
        task: {
          model,
          prompt: (c: string) => `Capital of ${c}?`,
          pricing: { inputPerMillion: 1, outputPerMillion: 10 },
        },
        scorers: [exactMatch()],
      }),
      { progress: false, gitCommit: false },
    );
    expect(mRun.modelId).toBe('mock-provider/m1');
    expect(mRun.summary.scorers.exactMatch?.mean).toBe(0.25);
    expect(mRun.results[0]?.usage).toEqual({ inputTokens: 100, outputTokens: 10 });
    expect(mRun.results[0]?.model).toBe('mock-provider/m1');
    expect(mRun.results[0]?.costUsd).toBeCloseTo((100 * 1 + 10 * 10) / 1e6, 12);
  });

  it('validates definitions', () => {
    expect(() => defineEval({ name: '', data, task: () => 1, scorers: [exactMatch()] })).toThrow(WeftEvalError);
    expect(() => defineEval({ name: 'x', data, task: () => 1, scorers: [] })).toThrow(/at least one scorer/);
    expect(() => defineEval({ name: 'x', data, task: () => 1, scorers: [exactMatch(), exactMatch()] })).toThrow(
      /distinct names/,
    );
    expect(() => defineEval({ name: 'x', data, task: () => 1, scorers: [exactMatch()], trials: 0 })).toThrow(/trials/);
  });
});
