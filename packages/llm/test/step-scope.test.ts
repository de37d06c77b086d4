/**
 * LLM calls per run and step: with the router given to the engine as a resource, every call made
 * inside a step records its run id, step path and attempt (the engine runs each attempt in the
 * router's step scope; @weft/llm does not import @weft/workflow). Through the real AI SDK client
 * and @ai-sdk/openai-compatible against local OpenAI-compatible servers, on a libsql file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { generateText, streamText } from 'ai';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createKyselyUsageStore,
  createRouter,
  currentLlmScope,
  InvalidLlmConfigError,
  type Router,
  runUsage,
  STEP_SCOPE_KEY,
  withLlmScope,
} from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-llm-scope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function setup(
  file: string,
  extra: Parameters<typeof createRouter>[0] extends infer O ? Partial<O> : never = {},
) {
  const a = await startFakeServer({ text: 'from A' });
  const b = await startFakeServer({ text: 'from B' });
  servers.push(a, b);
  const store = createStore({ url: `file:${join(dir, file)}` });
  await store.init();
  const usage = createKyselyUsageStore({ db: store.db, dialect: store.dialect });
  const router = createRouter({
    providers: {
      a: createOpenAICompatible({ name: 'a', baseURL: a.baseURL, includeUsage: true }),
      b: createOpenAICompatible({ name: 'b', baseURL: b.baseURL, includeUsage: true }),
    },
    routes: { default: ['a/model-a', 'b/model-b'] },
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 2 },
    cooldown: false,
    prices: { 'a/model-a': { input: 1, output: 2 }, 'b/model-b': { input: 3, output: 4 } },
    store: usage,
    ...extra,
  });
  return { a, b, store, usage, router };
}

const llmOf = (ctx: { resources: unknown }) => (ctx.resources as { llm: Router }).llm;

describe('calls made inside workflow steps', () => {
  it('record run id, step path and attempt (parallel-free chain, foreach items, a retry, a fallback, a stream)', async () => {
    const { a, store, router } = await setup('chain.db');
    const plan = step({
      id: 'plan',
      input: z.object({ topic: z.string() }),
      output: z.array(z.string()),
      run: async ({ input, ctx }) => {
        // No withContext(ctx): the engine's step scope attributes the call.
        const { text } = await generateText({ model: llmOf(ctx).model(), prompt: `plan ${input.topic}` });
        return [text, 'second'];
      },
    });
    const write = step({
      id: 'write',
      input: z.string(),
      output: z.string(),
      run: async ({ input, ctx }) => {
        const r = streamText({ model: llmOf(ctx).model(), prompt: `write ${input}` });
        return await r.text;
      },
    });
    const review = step({
      id: 'review',
      input: z.array(z.string()),
      output: z.object({ ok: z.boolean() }),
      retry: { attempts: 2, delay: 1 },
      run: async ({ ctx }) => {
        await generateText({ model: llmOf(ctx).model(), prompt: 'review' });
        if (ctx.attempt === 1) throw new Error('not good enough yet');
        return { ok: true };
      },
    });
    const wf = workflow({ id: 'scoped', input: z.object({ topic: z.string() }) })
      .then(plan)
      .foreach(write, { id: 'items', concurrency: 2 })
      .then(review)
      .commit();
    const engine = createEngine({ store, workflows: [wf], resources: { llm: router }, logger: quiet });
    a.script = ['ok', 'ok', 'ok', '500']; // the 4th call (review, attempt 1) falls back to B
    const r = await engine.run(wf).start({ input: { topic: 'logs' } });
    expect(r.status).toBe('success');

    const { rows } = await sql<{
      run_id: string;
      step_id: string;
      step_path: string;
      attempt: number;
      finish_reason: string;
      model: string;
      prompt: string | null;
    }>`select run_id, step_id, step_path, attempt, finish_reason, model, prompt from weft_llm_calls order by started_at`.execute(
      store.db,
    );
    expect(rows.map((x) => [x.step_path, x.step_id, Number(x.attempt), x.model])).toEqual(
      expect.arrayContaining([
        ['plan', 'plan', 1, 'a/model-a'],
        ['items[0]/write', 'write', 1, 'a/model-a'],
        ['items[1]/write', 'write', 1, 'a/model-a'],
        ['review', 'review', 1, 'b/model-b'],
        ['review', 'review', 2, 'a/model-a'],
      ]),
    );
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((x) => x.run_id))).toEqual(new Set([r.runId]));
    expect(rows.every((x) => x.finish_reason === 'stop')).toBe(true);
    expect(rows.every((x) => x.prompt === null)).toBe(true); // content recording is off by default

    const usage = await runUsage(router.store, r.runId);
    expect(usage.totals).toMatchObject({ calls: 5, failures: 0, fallbacks: 1 });
    const byPath = Object.fromEntries(usage.steps.map((s) => [s.stepPath, s]));
    expect(Object.keys(byPath)).toEqual(['plan', 'items[0]/write', 'items[1]/write', 'review']);
    expect(byPath.review).toMatchObject({ calls: 2, attempts: [1, 2], fallbacks: 1, fallbackModels: ['a/model-a'] });
    expect([...(byPath.review?.models ?? [])].sort()).toEqual(['a/model-a', 'b/model-b']);
    // 12 prompt + 6 completion tokens per call (the fake server's usage), priced per model.
    expect(byPath.plan).toMatchObject({ inputTokens: 12, outputTokens: 6, costUsd: (12 * 1 + 6 * 2) / 1e6 });
    expect(usage.totals.costUsd).toBeCloseTo(
      usage.steps.reduce((s, x) => s + x.costUsd, 0),
      12,
    );
    expect(usage.totals.latencyMs).toBeGreaterThan(0);
    expect(await router.withContext({ runId: r.runId }).runUsage()).toEqual(usage);
    await expect(runUsage(router.store, '')).rejects.toBeInstanceOf(InvalidLlmConfigError);
    await engine.close();
    await store.close();
  });

  it('stores prompts and responses only with recordContent, through the redact hook', async () => {
    const { store, router } = await setup('content.db', {
      recordContent: {
        redact: (c, call) =>
          call.stepPath === 'skip'
            ? undefined
            : {
                prompt: JSON.parse(JSON.stringify(c.prompt).replaceAll('hunter2', '***')),
                response: c.response.toUpperCase(),
              },
      },
    });
    const ask = (id: string) =>
      step({
        id,
        run: async ({ ctx }) => {
          const { text } = await generateText({ model: llmOf(ctx).model(), prompt: 'my password is hunter2' });
          return { text };
        },
      });
    const wf = workflow({ id: 'content', input: z.object({}) })
      .then(ask('keep'))
      .then(ask('skip'))
      .commit();
    const engine = createEngine({ store, workflows: [wf], resources: { llm: router }, logger: quiet });
    const r = await engine.run(wf).start({ input: {} });
    expect(r.status).toBe('success');
    const calls = await router.calls({ runId: r.runId });
    const keep = calls.find((c) => c.stepPath === 'keep');
    expect(JSON.stringify(keep?.prompt)).toContain('my password is ***');
    expect(JSON.stringify(keep?.prompt)).not.toContain('hunter2');
    expect(keep?.response).toBe('FROM A');
    const skip = calls.find((c) => c.stepPath === 'skip');
    expect(skip?.prompt).toBeUndefined();
    expect(skip?.response).toBeUndefined();
    await engine.close();
    await store.close();
  });

  it('withLlmScope attributes calls outside an engine; explicit context wins; scopes nest', async () => {
    const { router } = await setup('plain.db');
    expect(currentLlmScope()).toBeUndefined();
    await withLlmScope({ runId: 'job-1', stepPath: 'outer' }, async () => {
      await generateText({ model: router.model(), prompt: 'a' });
      await withLlmScope({ stepPath: 'outer/inner', attempt: 3 }, async () => {
        expect(currentLlmScope()).toEqual({ runId: 'job-1', stepPath: 'outer/inner', attempt: 3 });
        await generateText({ model: router.withContext({ stepPath: 'explicit' }).model(), prompt: 'b' });
      });
    });
    const calls = await router.calls({ runId: 'job-1' });
    expect(calls.map((c) => [c.stepPath, c.attempt])).toEqual([
      ['outer', undefined],
      ['explicit', 3],
    ]);
    // The router implements Weft's step-scope protocol (what the engine calls).
    expect(STEP_SCOPE_KEY).toBe('~weftStepScope');
    expect(typeof router[STEP_SCOPE_KEY]).toBe('function');
  });
});
