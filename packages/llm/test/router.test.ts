/** Router features with mock providers at the vendor edge: routes, tasks, overrides, context, cache, limits, learned routing. */
import { generateText, Output, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createMemoryQualityStore,
  createRouter,
  InvalidLlmConfigError,
  OFFLINE_LABEL,
  UnknownProviderError,
  UnknownRouteError,
} from '../src/index.js';
import { mockProvider } from './helpers/mock-provider.js';

const routes = { cheap: ['m/small'], default: ['m/mid', 'm/small'], premium: ['m/large', 'm/mid'] };

describe('routes', () => {
  it('maps named tiers, model ids, task tags and per-call overrides to models', async () => {
    const mock = mockProvider();
    const router = createRouter({ providers: { m: mock }, routes, tasks: { summarize: 'cheap' } });
    const text = async (model: Parameters<typeof generateText>[0]['model'], extra = {}) =>
      (await generateText({ model, prompt: 'hi', ...extra })).text;
    expect(await text(router.model())).toBe('reply from mid');
    expect(await text(router.model('premium'))).toBe('reply from large');
    expect(await text(router.model('m/other'))).toBe('reply from other');
    expect(await text(router.task('summarize'))).toBe('reply from small');
    expect(await text(router.task('unmapped'))).toBe('reply from mid');
    expect(await text(router.model(), { providerOptions: { weft: { route: 'premium' } } })).toBe('reply from large');
    // A per-call task tag picks the task's route, unless the model names its route explicitly.
    expect(await text(router.model(), { providerOptions: { weft: { task: 'summarize' } } })).toBe('reply from small');
    expect(await text(router.model('default'), { providerOptions: { weft: { task: 'summarize' } } })).toBe(
      'reply from mid',
    );
    const calls = await router.calls();
    expect(calls.map((c) => c.route)).toEqual([
      'default',
      'premium',
      'm/other',
      'cheap',
      'default',
      'premium',
      'cheap',
      'default',
    ]);
    expect(calls[3]?.task).toBe('summarize');
    // Options reaching the provider carry no weft options.
    expect(mock.calls.every((c) => c.options.providerOptions?.weft === undefined)).toBe(true);
  });

  it('validates configuration up front', () => {
    expect(() => createRouter({ providers: {}, routes: { default: ['nope/x'] } })).toThrow(UnknownProviderError);
    expect(() => createRouter({ providers: {}, routes: { default: [] } })).toThrow(InvalidLlmConfigError);
    expect(() => createRouter({ providers: {}, routes: { default: ['offline/x'] }, tasks: { t: 'missing' } })).toThrow(
      InvalidLlmConfigError,
    );
    const router = createRouter({ providers: {}, routes: { default: ['offline/x'] } });
    expect(() => router.model('premium')).toThrow(UnknownRouteError);
    expect(() => router.model('premium')).toThrow(/Expected a route name \(default\) or a "provider\/model" id/);
  });

  it('flags models without a price and prices known ones', async () => {
    const events: string[] = [];
    const router = createRouter({
      providers: { m: mockProvider(), openai: mockProvider() },
      routes: { default: ['m/unknown-model'], known: ['openai/gpt-4o-mini'] },
      onEvent: (e) => events.push(e.type),
    });
    await generateText({ model: router.model(), prompt: 'hi' });
    await generateText({ model: router.model('known'), prompt: 'hi' });
    const [unknown, known] = await router.calls();
    expect(unknown).toMatchObject({ unpriced: true, costUsd: 0 });
    expect(known?.unpriced).toBe(false);
    expect(known?.costUsd).toBeCloseTo((100 * 0.15 + 50 * 0.6) / 1e6, 12);
    expect(events).toContain('unpriced-model');
    expect((await router.usage()).unpricedCalls).toBe(1);
  });
});

describe('attribution', () => {
  it('attributes calls to run, step and workflow and summarizes a run', async () => {
    const router = createRouter({
      providers: { m: mockProvider() },
      routes,
      prices: { 'm/mid': { input: 1, output: 1 } },
    });
    const run = router.withContext({ runId: 'run-7', workflowId: 'wf-a' });
    await generateText({ model: run.withContext({ stepId: 'plan' }).model(), prompt: 'a' });
    await generateText({ model: run.withContext({ stepId: 'write' }).model(), prompt: 'b' });
    await generateText({
      model: router.model(),
      prompt: 'c',
      providerOptions: { weft: { runId: 'run-8', stepId: 'x' } },
    });
    const summary = await run.usage();
    expect(summary).toMatchObject({ calls: 2, inputTokens: 200, outputTokens: 100 });
    expect(summary.costUsd).toBeCloseTo(300 / 1e6, 12);
    expect((await run.calls()).map((c) => c.stepId)).toEqual(['plan', 'write']);
    expect((await router.calls({ runId: 'run-8' }))[0]).toMatchObject({ stepId: 'x' });
    expect(run.context).toEqual({ runId: 'run-7', workflowId: 'wf-a' });
  });
});

describe('cache', () => {
  it('serves repeated calls from the store within the TTL, keyed by model, prompt and parameters', async () => {
    let now = 1_000_000;
    const mock = mockProvider();
    const router = createRouter({ providers: { m: mock }, routes, cache: { ttlMs: 1000 }, now: () => now });
    const ask = (prompt: string, temperature = 0) => generateText({ model: router.model(), prompt, temperature });
    const first = await ask('same');
    const second = await ask('same');
    expect(second.text).toBe(first.text);
    expect(second.providerMetadata?.weft?.cached).toBe(true);
    expect(mock.calls).toHaveLength(1);
    await ask('other');
    await ask('same', 0.5);
    expect(mock.calls).toHaveLength(3);
    const s = streamText({ model: router.model(), prompt: 'same', temperature: 0 });
    let streamed = '';
    for await (const t of s.textStream) streamed += t;
    expect(streamed).toBe(first.text);
    expect(mock.calls).toHaveLength(3);
    now += 1001;
    await ask('same');
    expect(mock.calls).toHaveLength(4);
    const summary = await router.usage();
    expect(summary.cacheHits).toBe(2);
    // Per-call opt-out.
    await generateText({
      model: router.model(),
      prompt: 'same',
      temperature: 0,
      providerOptions: { weft: { cache: false } },
    });
    expect(mock.calls).toHaveLength(5);
  });

  it('fills the cache from a completed stream', async () => {
    const router = createRouter({ providers: {}, routes: { default: ['offline/a'] }, cache: { ttlMs: 60_000 } });
    const s = streamText({ model: router.model(), prompt: 'stream me' });
    let streamed = '';
    for await (const t of s.textStream) streamed += t;
    await new Promise((r) => setTimeout(r, 10));
    const again = await generateText({ model: router.model(), prompt: 'stream me' });
    expect(again.text).toBe(streamed);
    expect(again.providerMetadata?.weft?.cached).toBe(true);
  });

  it('is off unless configured', async () => {
    const mock = mockProvider();
    const router = createRouter({ providers: { m: mock }, routes });
    await generateText({ model: router.model(), prompt: 'same' });
    await generateText({ model: router.model(), prompt: 'same' });
    expect(mock.calls).toHaveLength(2);
  });
});

describe('limits', () => {
  it('caps concurrent calls per provider', async () => {
    const mock = mockProvider({ latencyMs: 5 });
    const router = createRouter({ providers: { m: mock }, routes, limits: { m: { concurrency: 3 } } });
    await Promise.all(Array.from({ length: 20 }, () => generateText({ model: router.model(), prompt: 'x' })));
    expect(mock.calls).toHaveLength(20);
    expect(mock.maxInFlight).toBe(3);
  });
});

describe('learned routing', () => {
  it('uses the static order without history, then prefers the model with better recorded quality for the task', async () => {
    const mock = mockProvider();
    const quality = createMemoryQualityStore();
    const router = createRouter({
      providers: { m: mock },
      routes: { default: ['m/a', 'm/b'] },
      learned: { quality, exploration: 0, refreshMs: 0 },
    });
    const served = async (task: string) =>
      (await generateText({ model: router.task(task), prompt: 'x' })).providerMetadata?.weft?.model;
    expect(await served('extract')).toBe('m/a');
    for (let i = 0; i < 5; i++) {
      await quality.record({ task: 'extract', model: 'm/a', score: 0.2, source: 'eval' });
      await router.recordOutcome({ task: 'extract', model: 'm/b', success: true });
    }
    expect(await served('extract')).toBe('m/b');
    expect(await served('other-task')).toBe('m/a');
  });

  it('weighs price against quality and explores a little', async () => {
    const quality = createMemoryQualityStore();
    for (let i = 0; i < 5; i++) {
      await quality.record({ task: 't', model: 'm/dear', score: 0.8, source: 'eval' });
      await quality.record({ task: 't', model: 'm/cheap', score: 0.75, source: 'eval' });
    }
    let r = 0;
    const sequence = [0.99, 0.01, 0.0]; // no exploration, then explore (0.01 < 0.5) picking index 1
    const router = createRouter({
      providers: { m: mockProvider() },
      routes: { default: ['m/dear', 'm/cheap'] },
      prices: { 'm/dear': { input: 10, output: 30 }, 'm/cheap': { input: 0.1, output: 0.3 } },
      learned: { quality, exploration: 0.5, costWeight: 0.2 },
      random: () => sequence[r++ % sequence.length] as number,
    });
    const first = await generateText({ model: router.task('t'), prompt: 'x' });
    expect(first.providerMetadata?.weft?.model).toBe('m/cheap'); // 0.75 − 0.002 beats 0.8 − 0.2
    const second = await generateText({ model: router.task('t'), prompt: 'x' });
    expect(second.providerMetadata?.weft?.model).toBe('m/dear'); // exploration
  });
});

describe('offline provider through the router', () => {
  it('is built in and keeps its not-an-LLM label, with zero cost', async () => {
    const router = createRouter({ providers: {}, routes: { default: ['offline/demo'] } });
    const { text, providerMetadata } = await generateText({ model: router.model(), prompt: 'Plan a trip' });
    expect(text.startsWith(OFFLINE_LABEL)).toBe(true);
    expect(providerMetadata?.offline?.notAnLlm).toBe(true);
    const { output } = await generateText({
      model: router.model(),
      output: Output.object({
        schema: z.object({
          steps: z.array(z.object({ id: z.string(), title: z.string(), dependsOn: z.array(z.string()) })),
        }),
      }),
      prompt: 'Book flights. Reserve a hotel. Plan the days.',
    });
    expect(output.steps.map((s) => s.dependsOn)).toEqual([[], ['t1'], ['t2']]);
    const summary = await router.usage();
    expect(summary).toMatchObject({ calls: 2, costUsd: 0, unpricedCalls: 0 });
  });
});

describe('cancellation', () => {
  it('an aborted call does not count as a provider failure and does not hold a half-open probe', async () => {
    let now = 0;
    let fail = true;
    const { MockLanguageModelV4 } = await import('ai/test');
    const { APICallError } = await import('@ai-sdk/provider');
    const model = new MockLanguageModelV4({
      doGenerate: async (call) => {
        if (fail) throw new APICallError({ message: 'down', url: 'http://x', requestBodyValues: {}, statusCode: 503 });
        await new Promise((r, j) => {
          const t = setTimeout(r, 50);
          call.abortSignal?.addEventListener('abort', () => {
            clearTimeout(t);
            j(call.abortSignal?.reason);
          });
        });
        return {
          content: [{ type: 'text', text: 'ok' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: 1, text: 1, reasoning: 0 },
          },
          warnings: [],
        };
      },
    });
    const router = createRouter({
      providers: { m: () => model },
      routes: { default: ['m/a'] },
      retry: { retries: 0 },
      cooldown: { failureThreshold: 1, cooldownMs: 100 },
      now: () => now,
    });
    await expect(generateText({ model: router.model(), prompt: 'x', maxRetries: 0 })).rejects.toThrow(
      /No provider could serve/,
    );
    expect(router.health().m?.state).toBe('open');
    now = 200;
    fail = false;
    const ctrl = new AbortController();
    const probe = generateText({ model: router.model(), prompt: 'x', maxRetries: 0, abortSignal: ctrl.signal });
    setTimeout(() => ctrl.abort(new Error('user cancelled')), 5);
    await expect(probe).rejects.toThrow('user cancelled');
    expect(router.health().m?.state).toBe('half-open');
    // The cancelled probe released its slot: the next call probes and closes the circuit.
    await expect(generateText({ model: router.model(), prompt: 'x', maxRetries: 0 })).resolves.toMatchObject({
      text: 'ok',
    });
    expect(router.health().m?.state).toBe('closed');
  });
});
