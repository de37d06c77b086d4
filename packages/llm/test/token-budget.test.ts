/**
 * Token budgets and unpriced models, through the real AI SDK client and the real
 * @ai-sdk/openai-compatible provider against a local OpenAI-compatible server (127.0.0.1), which
 * reports 12 prompt + 6 completion tokens per call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '@weft/workflow';
import { generateText, streamText } from 'ai';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  BudgetUnpricedModelError,
  createKyselyUsageStore,
  createRouter,
  openaiCompatible,
  type RouterEvent,
  type RouterOptions,
} from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';

const servers: FakeServer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

// Estimate: ceil(60 / 3) + 8 = 28 input tokens (≥ the 12 reported) and maxOutputTokens 10 (≥ 6).
const PROMPT = 'x'.repeat(60);
const ESTIMATE = { input: 28, output: 10 };
const ACTUAL = { input: 12, output: 6 };

async function setup(extra: Partial<RouterOptions>, routes: Record<string, string[]> = { default: ['local/llama'] }) {
  const server = await startFakeServer({ text: 'a local answer' });
  servers.push(server);
  const events: RouterEvent[] = [];
  const router = createRouter({
    providers: { local: openaiCompatible({ name: 'local', baseURL: server.baseURL }) },
    routes,
    retry: { retries: 0 },
    onEvent: (e) => void events.push(e),
    ...extra,
  });
  return { server, router, events };
}

const ask = (router: ReturnType<typeof createRouter>, runId = 'run-1') =>
  generateText({
    model: router.withContext({ runId, workflowId: 'wf' }).model(),
    prompt: PROMPT,
    maxOutputTokens: ESTIMATE.output,
    maxRetries: 0,
  });

describe('a dollar budget over an unpriced model', () => {
  it('is refused with BudgetUnpricedModelError before anything is sent, and recorded as refused', async () => {
    const { server, router } = await setup({ budgets: { perRunUsd: 0.0001 } });
    const err = await ask(router).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetUnpricedModelError);
    expect(err).toMatchObject({ code: 'LLM_BUDGET_UNPRICED_MODEL', models: ['local/llama'], scopes: ['run'] });
    expect((err as Error).message).toContain("prices: { 'local/llama'");
    expect(server.requests).toBe(0);
    expect(await router.usage({ runId: 'run-1' })).toMatchObject({ calls: 1, refused: 1, costUsd: 0 });
  });

  it('names the unpriced fallbacks of a route even when the first candidate has a price', async () => {
    const { server, router } = await setup(
      { budgets: { perDayUsd: 5 }, prices: { 'local/priced': { input: 1, output: 1 } } },
      { default: ['local/priced', 'local/free-a', 'local/free-b'] },
    );
    const err = await ask(router).catch((e: unknown) => e);
    expect(err).toMatchObject({ models: ['local/free-a', 'local/free-b'], scopes: ['day'] });
    expect(server.requests).toBe(0);
  });

  it("goes ahead once priced; 'count-as-zero' keeps the old behaviour with an unpriced-model event", async () => {
    const priced = await setup({ budgets: { perRunUsd: 1 }, prices: { 'local/llama': { input: 1, output: 2 } } });
    const ok = await ask(priced.router);
    expect(ok.text).toBe('a local answer');
    expect((await priced.router.usage({ runId: 'run-1' })).costUsd).toBeCloseTo((12 * 1 + 6 * 2) / 1e6, 12);

    const lax = await setup({ budgets: { perRunUsd: 0.0001, unpricedModels: 'count-as-zero' } });
    for (let i = 0; i < 3; i++) await ask(lax.router);
    expect(lax.server.requests).toBe(3);
    expect(lax.events).toContainEqual({ type: 'unpriced-model', model: 'local/llama' });
    expect(await lax.router.usage({ runId: 'run-1' })).toMatchObject({ calls: 3, unpricedCalls: 3, costUsd: 0 });
  });

  it('a call no dollar budget applies to is not refused (perRunUsd and a call without a run)', async () => {
    const { server, router } = await setup({ budgets: { perRunUsd: 0.0001 } });
    await generateText({ model: router.model(), prompt: PROMPT, maxRetries: 0 });
    expect(server.requests).toBe(1);
  });
});

describe('token budgets', () => {
  it('total tokens per run: calls stop at the limit, also for an unpriced model, and never pass it', async () => {
    const limit = 200;
    const { server, router } = await setup({ budgets: { perRunTokens: { total: limit } } });
    let ok = 0;
    let refused: BudgetExceededError | undefined;
    for (let i = 0; i < 50 && !refused; i++) {
      try {
        await ask(router);
        ok++;
      } catch (e) {
        refused = e as BudgetExceededError;
      }
    }
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused).toMatchObject({
      code: 'LLM_BUDGET_EXCEEDED',
      scope: 'run',
      key: 'run-1',
      unit: 'total-tokens',
      limit,
    });
    expect(refused?.estimate).toBe(ESTIMATE.input + ESTIMATE.output);
    expect(refused?.message).toContain('budgets.perRunTokens.total');
    expect(server.requests).toBe(ok);
    const summary = await router.usage({ runId: 'run-1' });
    const used = summary.inputTokens + summary.outputTokens;
    expect(used).toBe(ok * (ACTUAL.input + ACTUAL.output));
    expect(used).toBeLessThanOrEqual(limit);
    expect(used + (refused?.estimate ?? 0)).toBeGreaterThan(limit); // stopped at the limit, not before
    expect(ok).toBe(Math.floor((limit - (ESTIMATE.input + ESTIMATE.output)) / (ACTUAL.input + ACTUAL.output)) + 1);
    await expect(ask(router, 'run-2')).resolves.toBeDefined(); // another run has its own budget
  });

  it('input and output limits are checked on their own, per workflow and per day', async () => {
    const input = await setup({ budgets: { perWorkflowTokens: { input: 30 } } });
    await ask(input.router, 'a'); // 0 + 28 ≤ 30, then 12 spent
    await expect(ask(input.router, 'b')).rejects.toMatchObject({ scope: 'workflow', key: 'wf', unit: 'input-tokens' });

    const output = await setup({ budgets: { perDayTokens: { output: 25 } } });
    await ask(output.router); // 10 reserved → 6 spent
    await ask(output.router); // 6 + 10 ≤ 25 → 12 spent
    await expect(ask(output.router)).resolves.toBeDefined(); // 12 + 10 ≤ 25 → 18
    await expect(ask(output.router)).rejects.toMatchObject({ scope: 'day', unit: 'output-tokens', committed: 18 });
    expect(output.server.requests).toBe(3);
  });

  it('concurrent calls together never pass a token limit (reserve before, settle after)', async () => {
    const limit = 150;
    const { server, router } = await setup({ budgets: { perRunTokens: { total: limit } } });
    server.mode = { slowMs: 20 };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => ask(router)));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(results.every((r) => r.status === 'fulfilled' || r.reason instanceof BudgetExceededError)).toBe(true);
    expect(ok).toBe(Math.floor(limit / (ESTIMATE.input + ESTIMATE.output))); // all reserved at once: 3
    const summary = await router.usage({ runId: 'run-1' });
    expect(summary.inputTokens + summary.outputTokens).toBeLessThanOrEqual(limit);
    expect(server.requests).toBe(ok);
  });

  it('streams settle to the usage they report', async () => {
    const { router } = await setup({ budgets: { perRunTokens: { output: 20 } } });
    for (let i = 0; i < 2; i++) {
      const s = streamText({
        model: router.withContext({ runId: 'run-1' }).model(),
        prompt: PROMPT,
        maxOutputTokens: ESTIMATE.output,
        maxRetries: 0,
      });
      expect(await s.text).toBe('a local answer');
    }
    // 6 + 6 spent; 12 + 10 > 20.
    await expect(ask(router)).rejects.toMatchObject({ unit: 'output-tokens', committed: 12 });
  });

  it('a new router on the same database picks up the tokens already spent (libsql)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-llm-tokens-'));
    const db = createStore({ url: `file:${join(dir, 'weft.db')}` });
    cleanups.push(async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const budgets = { perRunTokens: { total: 70 } };
    const first = await setup({ budgets, store: createKyselyUsageStore({ db: db.db, dialect: db.dialect }) });
    await ask(first.router);
    await ask(first.router); // 36 spent
    const second = await setup({ budgets, store: createKyselyUsageStore({ db: db.db, dialect: db.dialect }) });
    await expect(ask(second.router)).rejects.toMatchObject({ unit: 'total-tokens', committed: 36 });
    expect(second.server.requests).toBe(0);
  });

  it('invalid token limits fail at createRouter with a message naming the option', async () => {
    const make = (budgets: unknown) => () =>
      createRouter({ providers: {}, budgets: budgets as RouterOptions['budgets'] });
    expect(make({ perRunTokens: { total: -1 } })).toThrow(/budgets\.perRunTokens\.total/);
    expect(make({ perDayTokens: { totl: 5 } })).toThrow(/budgets\.perDayTokens\.totl/);
    expect(make({ perWorkflowTokens: 5 })).toThrow(/budgets\.perWorkflowTokens/);
    expect(make({ perRunUsd: 1, unpricedModels: 'warn' })).toThrow(/unpricedModels/);
  });
});
