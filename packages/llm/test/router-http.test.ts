/**
 * The router against the real @ai-sdk/openai-compatible provider over HTTP, with local servers that
 * inject failures.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, NoProviderAvailableError, ProviderError, type RouterOptions } from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function twoServers() {
  const a = await startFakeServer({ text: 'answer from A' });
  const b = await startFakeServer({ text: 'answer from B' });
  servers.push(a, b);
  return { a, b };
}

function provider(name: string, s: FakeServer) {
  return createOpenAICompatible({ name, baseURL: s.baseURL, includeUsage: true });
}

function router(a: FakeServer, b: FakeServer, extra: Partial<RouterOptions> = {}) {
  return createRouter({
    providers: { a: provider('a', a), b: provider('b', b) },
    routes: { default: ['a/model-a', 'b/model-b'] },
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 },
    cooldown: { failureThreshold: 3, cooldownMs: 500 },
    prices: { 'a/model-a': { input: 1, output: 2 }, 'b/model-b': { input: 3, output: 4 } },
    ...extra,
  });
}

async function inBatches<T>(
  n: number,
  size: number,
  fn: (i: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const out: PromiseSettledResult<T>[] = [];
  for (let i = 0; i < n; i += size) {
    out.push(...(await Promise.allSettled(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  }
  return out;
}

describe('fallback over HTTP', () => {
  it('500 calls with one provider failing every call: 0 user-visible failures, and the cooldown stops traffic to it', async () => {
    const { a, b } = await twoServers();
    a.mode = '500';
    const r = router(a, b);
    const results = await inBatches(500, 25, () => generateText({ model: r.model(), prompt: 'hello', maxRetries: 0 }));
    const failures = results.filter((x) => x.status === 'rejected');
    expect(failures).toHaveLength(0);
    expect(results.every((x) => x.status === 'fulfilled' && x.value.text === 'answer from B')).toBe(true);
    expect(b.requests).toBe(500);

    // The same load without a cooldown: every call hits the dead provider (twice, with one retry).
    const { a: a2, b: b2 } = await twoServers();
    a2.mode = '500';
    const r2 = router(a2, b2, { cooldown: false });
    const results2 = await inBatches(500, 25, () =>
      generateText({ model: r2.model(), prompt: 'hello', maxRetries: 0 }),
    );
    expect(results2.filter((x) => x.status === 'rejected')).toHaveLength(0);
    expect(a2.requests).toBe(1000);
    // With the breaker, the dead provider saw a small fraction of that (threshold hits plus half-open probes).
    expect(a.requests).toBeLessThan(a2.requests / 5);
    expect(r.health().a?.state).not.toBe('closed');

    const summary = await r.usage();
    expect(summary.calls).toBe(500);
    expect(summary.failures).toBe(0);
    const calls = await r.calls();
    expect(summary.costUsd).toBeCloseTo(
      calls.reduce((s, c) => s + c.costUsd, 0),
      12,
    );
    // 12 input × $3/M + 6 output × $4/M per call, all served by B.
    expect(summary.costUsd).toBeCloseTo(500 * ((12 * 3 + 6 * 4) / 1e6), 12);
  });

  // These two use the router's injectable clock, so the cooldown does not depend on how fast CI runs.
  it('half-open probing brings a recovered provider back', async () => {
    const { a, b } = await twoServers();
    a.mode = '500';
    let now = 1_000;
    const events: string[] = [];
    const r = router(a, b, {
      retry: { retries: 0, baseDelayMs: 1 },
      cooldown: { failureThreshold: 2, cooldownMs: 30_000 },
      onEvent: (e) => events.push(e.type),
      now: () => now,
    });
    for (let i = 0; i < 4; i++) await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(r.health().a?.state).toBe('open');
    const seenWhileOpen = a.requests;
    now += 29_000;
    for (let i = 0; i < 5; i++) await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(a.requests).toBe(seenWhileOpen); // open: no traffic at all

    a.mode = 'ok';
    now += 1_000;
    const probe = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(probe.text).toBe('answer from A');
    expect(r.health().a?.state).toBe('closed');
    const after = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(after.text).toBe('answer from A');
    expect(events).toContain('circuit-opened');
    expect(events).toContain('circuit-closed');
  });

  it('a failed half-open probe reopens the circuit', async () => {
    const { a, b } = await twoServers();
    a.mode = '500';
    let now = 1_000;
    const r = router(a, b, {
      retry: { retries: 0, baseDelayMs: 1 },
      cooldown: { failureThreshold: 1, cooldownMs: 10_000 },
      now: () => now,
    });
    await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(r.health().a?.state).toBe('open');
    now += 10_000;
    const before = a.requests;
    await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(a.requests).toBe(before + 1); // exactly one probe
    expect(r.health().a?.state).toBe('open');
    expect(r.health().a?.opened).toBe(2);
  });

  it('honours Retry-After on 429 and retries the same provider', async () => {
    const { a, b } = await twoServers();
    a.script = [{ status: 429, retryAfter: '1' }];
    const r = router(a, b);
    const t0 = Date.now();
    const res = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(res.text).toBe('answer from A');
    expect(a.requests).toBe(2);
    expect(b.requests).toBe(0);
    expect(res.providerMetadata?.weft?.fallbacks).toEqual([]);
  });

  it('moves on at once when Retry-After is longer than maxRetryAfterMs', async () => {
    const { a, b } = await twoServers();
    a.mode = { status: 429, retryAfter: '120' };
    const r = router(a, b, { retry: { retries: 3, baseDelayMs: 1, maxRetryAfterMs: 1000 } });
    const res = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(res.text).toBe('answer from B');
    expect(a.requests).toBe(1);
    const [call] = await r.calls();
    expect(call?.fallbackChain.map((x) => [x.model, x.outcome, x.status])).toEqual([
      ['a/model-a', 'error', 429],
      ['b/model-b', 'ok', undefined],
    ]);
  });

  it('falls back on slow responses (per-attempt timeout) and on dropped connections', async () => {
    const { a, b } = await twoServers();
    a.mode = { slowMs: 5000 };
    const r = router(a, b, { timeoutMs: 400, retry: { retries: 0 } });
    const slow = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(slow.text).toBe('answer from B');
    expect((await r.calls())[0]?.fallbackChain[0]?.outcome).toBe('timeout');

    a.mode = 'drop';
    const dropped = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    expect(dropped.text).toBe('answer from B');
    expect(dropped.providerMetadata?.weft?.fallbacks).toEqual(['a/model-a']);
  });

  it('surfaces non-retryable errors at once, naming the provider', async () => {
    const { a, b } = await twoServers();
    for (const mode of ['400', '401'] as const) {
      a.mode = mode;
      const r = router(a, b);
      const error = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 }).catch((e) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.provider).toBe('a');
      expect(error.status).toBe(Number(mode));
      expect(error.message).toContain('Provider "a"');
      expect(error.toJSON()).toMatchObject({ code: 'LLM_PROVIDER_ERROR', provider: 'a', status: Number(mode) });
    }
    expect(b.requests).toBe(0);
  });

  it('reports every attempt when all candidates fail', async () => {
    const { a, b } = await twoServers();
    a.mode = '500';
    b.mode = 'drop';
    const r = router(a, b, { retry: { retries: 0 } });
    const error = await generateText({ model: r.model(), prompt: 'x', maxRetries: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(NoProviderAvailableError);
    expect(error.attempts.map((x: { model: string }) => x.model)).toEqual(['a/model-a', 'b/model-b']);
    expect((await r.usage()).failures).toBe(1);
  });
});

describe('streaming over HTTP', () => {
  it('falls back when the stream fails before its first token', async () => {
    const { a, b } = await twoServers();
    for (const mode of ['500', 'drop', 'stream-drop-before-token'] as const) {
      a.mode = mode;
      const r = router(a, b, { retry: { retries: 0 } });
      const s = streamText({ model: r.model(), prompt: 'x', maxRetries: 0 });
      let text = '';
      for await (const t of s.textStream) text += t;
      expect(text).toBe('answer from B');
      const meta = await s.providerMetadata;
      expect(meta?.weft?.model).toBe('b/model-b');
    }
    const r = router(a, b);
    const [call] = await r.calls();
    expect(call).toBeUndefined(); // each router has its own memory store
  });

  it('records usage and cost of a stream', async () => {
    const { a, b } = await twoServers();
    const r = router(a, b);
    const s = streamText({ model: r.model(), prompt: 'x', maxRetries: 0 });
    let text = '';
    for await (const t of s.textStream) text += t;
    expect(text).toBe('answer from A');
    await new Promise((res) => setTimeout(res, 10));
    const [call] = await r.calls();
    expect(call).toMatchObject({ outcome: 'ok', streamed: true, model: 'a/model-a', inputTokens: 12, outputTokens: 6 });
    expect(call?.costUsd).toBeCloseTo((12 * 1 + 6 * 2) / 1e6, 12);
  });

  it('does not fall back after the first token: the error reaches the caller', async () => {
    const { a, b } = await twoServers();
    a.mode = 'stream-drop-after-token';
    const r = router(a, b);
    const errors: unknown[] = [];
    const s = streamText({
      model: r.model(),
      prompt: 'x',
      maxRetries: 0,
      onError: ({ error }) => void errors.push(error),
    });
    let text = '';
    const thrown = await (async () => {
      for await (const t of s.textStream) text += t;
    })().catch((e: unknown) => e);
    expect(text).toBe('answer ');
    expect(errors.length + (thrown ? 1 : 0)).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 10));
    const [call] = await r.calls();
    expect(call?.outcome).toBe('error');
    expect(call?.model).toBe('a/model-a');
    expect(b.requests).toBe(0);
  });
});
