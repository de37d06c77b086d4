/** Budgets: spending stops at the limit and never passes it, also with concurrent calls. */
import { generateText } from 'ai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, createRouter, type RouterOptions } from '../src/index.js';
import { mockProvider } from './helpers/mock-provider.js';

// $10 per million input and output tokens: one call of 100 in + 50 out costs $0.0015.
const PRICE = { input: 10, output: 10 };
const CALL_COST = (150 * 10) / 1e6;
const PROMPT = 'x'.repeat(300); // estimate: 300/3 + 8 = 108 input tokens ≥ 100 actual

function setup(budgets: RouterOptions['budgets'], latencyMs = 0) {
  const mock = mockProvider({ latencyMs });
  const router = createRouter({
    providers: { m: mock },
    routes: { default: ['m/a'] },
    prices: { 'm/a': PRICE },
    budgets,
  });
  return { mock, router };
}

const call = (router: ReturnType<typeof createRouter>, runId = 'run-1') =>
  generateText({
    model: router.withContext({ runId, workflowId: 'wf' }).model(),
    prompt: PROMPT,
    maxOutputTokens: 50,
    maxRetries: 0,
  });

describe('budgets', () => {
  it('refuses the call before it is made once the estimate does not fit, and never spends past the limit', async () => {
    const limit = 0.01;
    const { mock, router } = setup({ perRunUsd: limit });
    let ok = 0;
    let refused: BudgetExceededError | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      try {
        await call(router);
        ok++;
      } catch (e) {
        refused = e as BudgetExceededError;
      }
    }
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused?.scope).toBe('run');
    expect(refused?.code).toBe('LLM_BUDGET_EXCEEDED');
    expect(mock.calls).toHaveLength(ok); // the refused call never reached the provider
    const summary = await router.usage({ runId: 'run-1' });
    expect(summary.costUsd).toBeLessThanOrEqual(limit);
    expect(summary.costUsd).toBeCloseTo(ok * CALL_COST, 12);
    expect(summary.refused).toBe(1);
    // Spending stopped *at* the limit: one more call's estimate would not have fit.
    expect(summary.costUsd + refused!.estimateUsd).toBeGreaterThan(limit);
    // Another run is not affected by run-1's budget.
    await expect(call(router, 'run-2')).resolves.toBeDefined();
  });

  it('concurrent calls together never pass the limit (reserve before, settle after)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        async (callsThatFit, concurrent) => {
          const limit = callsThatFit * 0.0025; // estimate per call: (108 + 50) × $10/M = $0.00158
          const { mock, router } = setup({ perRunUsd: limit }, 2);
          const results = await Promise.allSettled(Array.from({ length: concurrent }, () => call(router)));
          const ok = results.filter((r) => r.status === 'fulfilled').length;
          const refusedAll = results.every((r) => r.status === 'fulfilled' || r.reason instanceof BudgetExceededError);
          const summary = await router.usage({ runId: 'run-1' });
          return (
            refusedAll &&
            summary.costUsd <= limit + 1e-12 &&
            mock.calls.length === ok &&
            Math.abs(summary.costUsd - ok * CALL_COST) < 1e-12
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('cost totals equal the sum of recorded calls, per run, per workflow and per day', async () => {
    const { router } = setup({ perDayUsd: 1 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => call(router, `run-${i % 3}`)));
    const calls = await router.calls({});
    const sum = calls.reduce((s, c) => s + c.costUsd, 0);
    expect((await router.usage({})).costUsd).toBeCloseTo(sum, 12);
    expect((await router.usage({ workflowId: 'wf' })).costUsd).toBeCloseTo(sum, 12);
    const perRun = await Promise.all(
      ['run-0', 'run-1', 'run-2'].map(async (runId) => (await router.usage({ runId })).costUsd),
    );
    expect(perRun.reduce((a, b) => a + b, 0)).toBeCloseTo(sum, 12);
    expect(sum).toBeCloseTo(10 * CALL_COST, 12);
  });

  it('per-workflow and per-day budgets refuse too, and a budget sets maxOutputTokens when the call has none', async () => {
    const { mock, router } = setup({ perWorkflowUsd: 0.004, defaultMaxOutputTokens: 64 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        generateText({
          model: router.withContext({ runId: `r${i}`, workflowId: 'wf' }).model(),
          prompt: PROMPT,
          maxRetries: 0,
        }),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.every(
        (r) => r.status === 'rejected' && r.reason instanceof BudgetExceededError && r.reason.scope === 'workflow',
      ),
    ).toBe(true);
    expect(mock.calls[0]?.options.maxOutputTokens).toBe(64);

    const day = setup({ perDayUsd: 0.002 });
    await call(day.router);
    await expect(call(day.router, 'other-run')).rejects.toMatchObject({ scope: 'day' });
  });

  it('a new router picks up what the store says was already spent', async () => {
    const first = setup({ perRunUsd: 0.004 });
    await call(first.router);
    await call(first.router);
    const second = createRouter({
      providers: { m: mockProvider() },
      routes: { default: ['m/a'] },
      prices: { 'm/a': PRICE },
      budgets: { perRunUsd: 0.004 },
      store: first.router.store,
    });
    await expect(call(second)).rejects.toBeInstanceOf(BudgetExceededError);
  });
});
