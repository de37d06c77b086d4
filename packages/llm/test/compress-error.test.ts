/**
 * compressError's promises against a real OpenAI-compatible HTTP server behind the AI SDK: a hint is
 * at most 3 lines whoever wrote it, the error line survives any cap that can hold it, and an abort
 * is told apart from a model failure.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { afterEach, describe, expect, it } from 'vitest';
import { compressError, InvalidLlmConfigError, MAX_HINT_LINES, pickHintLines } from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function cheapModel(options: { text?: string; mode?: FakeServer['mode'] } = {}) {
  const s = await startFakeServer(options);
  servers.push(s);
  return { server: s, model: createOpenAICompatible({ name: 'cheap', baseURL: s.baseURL })('cheap-model') };
}

const ERROR_LINE = "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.";

/** A 3,000-line compiler log with one error line in the middle. */
function compilerLog(): string {
  return [
    ...Array.from({ length: 1500 }, (_, i) => `[build] compiled module ${i} of 3000`),
    ERROR_LINE,
    ...Array.from({ length: 1499 }, (_, i) => `[build] compiled module ${1500 + i} of 3000`),
  ].join('\n');
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('compressError', () => {
  it('cuts a 10-line model reply to the first 3 lines', async () => {
    const reply = Array.from({ length: 10 }, (_, i) => `line ${i + 1} of the hint`).join('\n');
    const { model } = await cheapModel({ text: reply });
    const r = await compressError(compilerLog(), { model });
    expect(r.source).toBe('model');
    expect(MAX_HINT_LINES).toBe(3);
    expect(lines(r.hint)).toEqual(['line 1 of the hint', 'line 2 of the hint', 'line 3 of the hint']);
  });

  it('with a failing model and maxChars 150, the hint is the error line, not build chatter', async () => {
    const { model, server } = await cheapModel({ mode: '500' });
    const r = await compressError(compilerLog(), { model, maxChars: 150 });
    expect(server.requests).toBe(1);
    expect(r.source).toBe('trimmed');
    expect(r.modelError).toBeInstanceOf(Error);
    expect(r.hint.length).toBeLessThanOrEqual(150);
    expect(r.hint).toContain(ERROR_LINE);
    expect(lines(r.hint).length).toBeLessThanOrEqual(3);
  });

  it('keeps the error line under every cap that can hold it; context goes first', async () => {
    const { model } = await cheapModel({ mode: '500' });
    const log = compilerLog();
    for (const maxChars of [ERROR_LINE.length, ERROR_LINE.length + 1, 100, 150, 200, 400, 600, 2000]) {
      const r = await compressError(log, { model, maxChars });
      expect(r.hint.length).toBeLessThanOrEqual(maxChars);
      expect(r.hint).toContain(ERROR_LINE);
      expect(lines(r.hint).length).toBeLessThanOrEqual(3);
    }
    // a cap too small for the line keeps its start: file, position and code lead
    const tiny = await compressError(log, { model, maxChars: 40 });
    expect(tiny.hint).toBe(`${ERROR_LINE.slice(0, 37)}...`);
  });

  it('keeps the message and the own frame of a stack trace before anything else', () => {
    const trace = [
      "TypeError: Cannot read properties of undefined (reading 'port')",
      '    at parseConfig (/app/src/config.ts:42:17)',
      '    at startServer (/app/src/server.ts:10:3)',
      '  (400 stack frames omitted)',
    ].join('\n');
    expect(pickHintLines(trace, 120)).toBe(
      "TypeError: Cannot read properties of undefined (reading 'port')\n    at parseConfig (/app/src/config.ts:42:17)",
    );
  });

  it('an abort is told apart from a model failure', async () => {
    const slow = await cheapModel({ mode: { slowMs: 5000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('step cancelled')), 50);
    const aborted = await compressError(compilerLog(), {
      model: slow.model,
      maxChars: 150,
      abortSignal: controller.signal,
    });
    expect(aborted.source).toBe('aborted');
    expect(aborted.modelError).toEqual(new Error('step cancelled'));
    expect(aborted.hint).toContain(ERROR_LINE);

    // already aborted: no request at all
    const before = slow.server.requests;
    const pre = await compressError(compilerLog(), { model: slow.model, abortSignal: AbortSignal.abort() });
    expect(pre.source).toBe('aborted');
    expect(slow.server.requests).toBe(before);

    const failing = await cheapModel({ mode: '500' });
    expect((await compressError(compilerLog(), { model: failing.model })).source).toBe('trimmed');
  });

  it('a short error of more than 3 lines still goes to the model; a bad maxChars is a typed error', async () => {
    const { model, server } = await cheapModel({ text: 'x is undefined in a.ts:1' });
    const r = await compressError('a\nb\nc\nError: x is undefined\n  at a.ts:1', { model });
    expect(server.requests).toBe(1);
    expect(r).toMatchObject({ source: 'model', hint: 'x is undefined in a.ts:1' });
    await expect(compressError('boom', { model, maxChars: 0 })).rejects.toBeInstanceOf(InvalidLlmConfigError);
  });
});
