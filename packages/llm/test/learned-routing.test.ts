/**
 * Learned routing forgets: a provider that degrades loses first place within `window` calls, and
 * `router.explain(task)` says why the router orders a task's candidates as it does. Two local
 * OpenAI-compatible servers behind the real AI SDK; the "degraded" one starts answering wrongly.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryQualityStore,
  createRouter,
  DEFAULT_QUALITY_WINDOW,
  InvalidLlmConfigError,
  type QualityStore,
  type Router,
  weftMetadata,
} from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(window?: number) {
  const a = await startFakeServer({ text: '42' });
  const b = await startFakeServer({ text: '42' });
  servers.push(a, b);
  const quality = createMemoryQualityStore();
  const router = createRouter({
    providers: {
      a: createOpenAICompatible({ name: 'a', baseURL: a.baseURL }),
      b: createOpenAICompatible({ name: 'b', baseURL: b.baseURL }),
    },
    routes: { default: ['a/model', 'b/model'] },
    learned: { quality, exploration: 0, ...(window !== undefined ? { window } : {}) },
  });
  return { a, b, quality, router };
}

/** History: `a` right 200 times, `b` right every other time (mean 0.5). */
async function history(quality: QualityStore) {
  let at = 1;
  for (let i = 0; i < 200; i++) {
    await quality.record({ task: 'answer', model: 'a/model', score: 1, source: 'step', at: at++ });
    await quality.record({ task: 'answer', model: 'b/model', score: i % 2, source: 'step', at: at++ });
  }
}

/** One step: ask, check the answer, record the outcome. Returns the model that served it. */
async function step(router: Router): Promise<string> {
  const result = await generateText({ model: router.task('answer'), prompt: 'What is 6 × 7?' });
  const model = weftMetadata(result)!.model;
  await router.recordOutcome({ task: 'answer', model, success: result.text.trim() === '42' });
  return model;
}

/** Calls made (all served by `a/model`) until the router puts `b/model` first; `limit` if it never does. */
async function callsUntilSwitch(router: Router, limit: number): Promise<number> {
  for (let n = 0; n < limit; n++) {
    const served = await step(router);
    if (served === 'b/model') return n;
    expect(served).toBe('a/model');
  }
  return limit;
}

describe('learned routing adapts to a degraded provider', () => {
  it(`switches within the window (default ${DEFAULT_QUALITY_WINDOW} calls) after the preferred model degrades`, async () => {
    const { a, quality, router } = await setup();
    await history(quality);
    expect(await step(router)).toBe('a/model');
    a.text = 'I cannot help with that'; // a degrades: every answer is now wrong
    const n = await callsUntilSwitch(router, 100);
    // a's windowed mean after k wrong answers is (20 − k)/20; below b's 0.5 from k = 11
    expect(n).toBe(11);
    expect(n).toBeLessThanOrEqual(DEFAULT_QUALITY_WINDOW);
    const why = await router.explain('answer');
    expect(why.order).toEqual(['b/model', 'a/model']);
    expect(why.candidates.find((c) => c.model === 'a/model')).toMatchObject({ samples: 20, rank: 1 });
  });

  it('a smaller window switches sooner; Infinity (the all-time mean) does not switch within 100 calls', async () => {
    const small = await setup(4);
    await history(small.quality);
    small.a.text = 'wrong';
    // within the window of 4 calls: (4 − k)/4 < 0.5 from k = 3
    expect(await callsUntilSwitch(small.router, 100)).toBe(3);

    const forever = await setup(Number.POSITIVE_INFINITY);
    await history(forever.quality);
    forever.a.text = 'wrong';
    // 200 / (200 + k) stays above 0.5 until k > 200
    expect(await callsUntilSwitch(forever.router, 100)).toBe(100);
  });

  it('rejects a window that is not an integer from 1 up or Infinity', () => {
    for (const window of [0, -1, 2.5, Number.NaN]) {
      expect(() =>
        createRouter({
          providers: {},
          routes: { default: ['offline/a'] },
          learned: { quality: createMemoryQualityStore(), window },
        }),
      ).toThrow(InvalidLlmConfigError);
    }
  });
});

describe('router.explain', () => {
  it('shows per task the candidates, samples, quality, cost and utility behind the order', async () => {
    const quality = createMemoryQualityStore();
    const router = createRouter({
      providers: {},
      routes: { default: ['offline/dear', 'offline/cheap', 'offline/new'], solo: ['offline/one'] },
      prices: { 'offline/dear': { input: 10, output: 30 }, 'offline/cheap': { input: 0.1, output: 0.3 } },
      learned: { quality, costWeight: 0.2, minSamples: 4, window: 3, refreshMs: 0 },
    });
    expect(await router.explain('t')).toMatchObject({
      basis: 'no-history',
      route: 'default',
      order: ['offline/dear', 'offline/cheap', 'offline/new'],
      candidates: [],
      settings: { window: 3, minSamples: 4, costWeight: 0.2, exploration: 0.05 },
    });
    for (const s of [0, 1, 1, 1]) await quality.record({ task: 't', model: 'offline/dear', score: s, source: 'eval' });
    await quality.record({ task: 't', model: 'offline/cheap', score: 0.6, source: 'eval' });
    await quality.record({ task: 't', model: 'offline/cheap', score: 0.6, source: 'eval' });
    const why = await router.explain('t');
    expect(why.basis).toBe('learned');
    const [dear, cheap, unseen] = why.candidates;
    // dear: last 3 of [0, 1, 1, 1] → mean 1, w = 3/4 → quality 0.875; relative price 1 → utility 0.675
    expect(dear).toMatchObject({ model: 'offline/dear', samples: 3, meanScore: 1, price: 40, relativePrice: 1 });
    expect(dear!.quality).toBeCloseTo(0.875);
    expect(dear!.utility).toBeCloseTo(0.675);
    // cheap: 2 records of 0.6, w = 1/2 → 0.55; relative price 0.01 → utility 0.548
    expect(cheap).toMatchObject({ samples: 2, meanScore: 0.6, relativePrice: 0.01 });
    expect(cheap!.utility).toBeCloseTo(0.548);
    // unseen (offline models are priced 0): the prior 0.5, no cost → 0.5
    expect(unseen).toMatchObject({ samples: 0, meanScore: undefined, quality: 0.5, price: 0, relativePrice: 0 });
    expect(unseen!.utility).toBeCloseTo(0.5);
    expect(why.order).toEqual(['offline/dear', 'offline/cheap', 'offline/new']);
    expect(why.candidates.map((c) => c.rank)).toEqual([0, 1, 2]);
    expect((await router.explain('t', { route: 'default' })).order).toEqual(why.order);

    expect((await router.explain('t', { route: 'solo' })).basis).toBe('single-candidate');
    const plain = createRouter({ providers: {}, routes: { default: ['offline/a', 'offline/b'] } });
    expect(await plain.explain('t')).toMatchObject({ basis: 'not-configured', order: ['offline/a', 'offline/b'] });
  });

  it('the memory store windows by `at`, later records first among equal times', async () => {
    const quality = createMemoryQualityStore();
    for (const [at, score] of [
      [5, 0],
      [1, 1],
      [2, 1],
      [5, 1],
      [3, 1],
    ] as const)
      await quality.record({ task: 'w', model: 'm/a', score, source: 'step', at });
    expect(await quality.read('w', { window: 1 })).toEqual([{ model: 'm/a', count: 1, meanScore: 1 }]);
    expect(await quality.read('w', { window: 2 })).toEqual([{ model: 'm/a', count: 2, meanScore: 0.5 }]);
    expect(await quality.read('w')).toEqual([{ model: 'm/a', count: 5, meanScore: 0.8 }]);
  });
});
