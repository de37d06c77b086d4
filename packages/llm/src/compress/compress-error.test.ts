import { generateText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../router/create-router.js';
import { compressError, trimErrorOutput } from './compress-error.js';

function hugeError(): Error {
  const e = new TypeError("Cannot read properties of undefined (reading 'port')");
  const frames = [
    '    at parseConfig (/app/src/config.ts:42:17)',
    '    at startServer (/app/src/server.ts:10:3)',
    ...Array.from(
      { length: 400 },
      (_, i) => `    at Object.handler${i} (/app/node_modules/framework/lib/layer${i}.js:${i}:9)`,
    ),
    '    at node:internal/process/task_queues:105:5',
  ];
  e.stack = `${e.name}: ${e.message}\n${frames.join('\n')}`;
  return e;
}

const HINT = 'config.port is undefined in parseConfig (src/config.ts:42): set PORT or add a default.';

function usage() {
  return {
    inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 5, text: 5, reasoning: 0 },
  };
}

describe('compressError', () => {
  it('passes the hint, not the raw trace, to the next step', async () => {
    const cheap = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [{ type: 'text', text: HINT }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(),
        warnings: [],
      }),
    });
    const next = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'fixed' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(),
        warnings: [],
      }),
    });
    const router = createRouter({
      providers: { mock: (id: string) => (id === 'cheap' ? cheap : next) },
      routes: { cheap: ['mock/cheap'], default: ['mock/next'] },
    });

    // Step 1 fails with a huge trace.
    const failure = hugeError();
    const raw = failure.stack as string;
    expect(raw.length).toBeGreaterThan(20_000);

    // Between the steps: compress through the cheap tier.
    const { hint, source } = await compressError(failure, { model: router.model('cheap') });
    expect(source).toBe('model');
    expect(hint).toBe(HINT);
    // The cheap model saw a bounded, trimmed input, not the 20 kB trace.
    const cheapPrompt = JSON.stringify(cheap.doGenerateCalls[0]?.prompt);
    expect(cheapPrompt.length).toBeLessThan(5000);
    expect(cheapPrompt).toContain('parseConfig');
    expect(cheapPrompt).not.toContain('layer200.js');

    // Step 2 gets the hint.
    await generateText({ model: router.model(), prompt: `Fix the task. The previous attempt failed: ${hint}` });
    const nextPrompt = JSON.stringify(next.doGenerateCalls[0]?.prompt);
    expect(nextPrompt).toContain(HINT);
    expect(nextPrompt).not.toContain('node_modules/framework');
    expect(nextPrompt.length).toBeLessThan(1000);
    expect(await router.calls()).toHaveLength(2);
  });

  it('falls back to the deterministic trim when the model fails', async () => {
    const broken = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new Error('model down');
      },
    });
    const { hint, source, originalChars } = await compressError(hugeError(), { model: broken, maxChars: 400 });
    expect(source).toBe('trimmed');
    expect(hint.length).toBeLessThanOrEqual(400);
    expect(hint).toContain("Cannot read properties of undefined (reading 'port')");
    expect(hint).toContain('parseConfig');
    expect(originalChars).toBeGreaterThan(20_000);
  });

  it('keeps short errors as they are', async () => {
    const model = new MockLanguageModelV4();
    const { hint, source } = await compressError('ENOENT: missing file a.txt', { model });
    expect(hint).toBe('ENOENT: missing file a.txt');
    expect(source).toBe('trimmed');
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('trims compiler logs to the error lines and collapses repeats', () => {
    const log = [
      'Building project...',
      ...Array.from({ length: 200 }, () => 'warning: unused import'),
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      ...Array.from({ length: 300 }, (_, i) => `info: compiled module ${i}`),
    ].join('\n');
    const out = trimErrorOutput(log, 2000);
    expect(out).toContain('TS2322');
    expect(out).toContain('repeated 199 more times');
    expect(out).not.toContain('compiled module 150');
  });
});
