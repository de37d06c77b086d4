/**
 * Streaming an LLM step's tokens end to end: the real AI SDK client (`streamText`) against a local
 * OpenAI-compatible streaming server, `writer.pipe(textStream)` in a workflow step on a libsql file,
 * the fetch-standard SSE handler behind a node:http server, and the typed client in another
 * process. Store writes are counted: streaming adds none (the compacted `step:stream` event rides
 * on the step's own commit).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createEngine, createSseHandler, createStore, type Store, step, workflow } from '@weft/workflow';
import { streamText } from 'ai';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spawnTs } from '../../workflow/test/durable/helpers/child.js';
import { tmpDir } from '../../workflow/test/durable/helpers/stores.js';
import { startFakeServer } from './helpers/fake-openai-server.js';

const CHILD = fileURLToPath(new URL('./fixtures/sse-client-child.ts', import.meta.url));
const WRITES = new Set([
  'createRun',
  'updateRun',
  'commitStep',
  'appendEvents',
  'addTimer',
  'deleteTimers',
  'deleteSteps',
]);
const tmp = tmpDir('weft-sse-');
afterAll(() => tmp.cleanup());

/** Counts the store's write calls. */
function counting(store: Store): { store: Store; writes: () => number } {
  let n = 0;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const v = (target as unknown as Record<string | symbol, unknown>)[prop];
      if (typeof v !== 'function') return v;
      return (...a: unknown[]) => {
        if (WRITES.has(String(prop))) n++;
        return (v as (...x: unknown[]) => unknown).apply(target, a);
      };
    },
  });
  return { store: proxy, writes: () => n };
}

/** Serves a fetch-standard handler on node:http (what any framework adapter does). */
async function serve(handler: (r: Request) => Promise<Response>) {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    const response = await handler(
      new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string>, signal: ac.signal }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    Readable.fromWeb(response.body as never).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('streaming an LLM step over SSE', () => {
  it('tokens flow live to a client in another process; the stream costs no extra store write', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `token${i} `).join('');
    const llm = await startFakeServer({ text });
    const provider = createOpenAICompatible({ name: 'fake', baseURL: llm.baseURL });
    let clientConnected!: () => void;
    const connected = new Promise<void>((r) => {
      clientConnected = r;
    });
    const makeWorkflow = (id: string, streaming: boolean) =>
      workflow({ id, input: z.object({ prompt: z.string() }) })
        .step(
          step({
            id: 'answer',
            input: z.object({ prompt: z.string() }),
            run: async ({ input, writer, signal }) => {
              if (streaming) await connected; // the client is listening before the first token
              const result = streamText({ model: provider.chatModel('m'), prompt: input.prompt, abortSignal: signal });
              if (!streaming) return { text: await result.text };
              return { text: await writer.pipe(result.textStream) };
            },
          }),
        )
        .step('shout', async ({ input }) => input.text.toUpperCase())
        .commit();
    const streamed = makeWorkflow('llm-stream', true);
    const plain = makeWorkflow('llm-plain', false);
    const counted = counting(createStore({ url: `file:${join(tmp.dir, 'weft.db')}` }));
    const engine = createEngine({ store: counted.store, workflows: [streamed, plain] });

    // Baseline: the same workflow without streaming.
    const before = counted.writes();
    expect((await engine.run(plain).start({ input: { prompt: 'hi' } })).status).toBe('success');
    const plainWrites = counted.writes() - before;

    const sse = createSseHandler(engine, {
      authorize: () => {
        clientConnected();
        return true;
      },
    });
    const { server, url } = await serve(sse);
    const run = engine.run(streamed);
    const writesBefore = counted.writes();
    const done = run.start({ input: { prompt: 'hi' } });
    const child = spawnTs(CHILD, [`${url}/runs/${run.runId}/events`]);
    const result = await done;
    const code = await child.exited;
    const streamWrites = counted.writes() - writesBefore;
    server.close();
    await llm.close();
    expect(code, child.output()).toBe(0);
    expect(result).toMatchObject({ status: 'success', output: text.toUpperCase() });

    const out = child.output().split('\n--- stderr ---\n')[0] as string;
    const chunks = out
      .split('\n')
      .filter((l) => l.startsWith('CHUNK '))
      .map((l) => JSON.parse(l.slice(6)) as string);
    expect(chunks.length).toBeGreaterThanOrEqual(40);
    expect(chunks.join('')).toBe(text);
    const summary = JSON.parse(
      out
        .split('\n')
        .find((l) => l.startsWith('RESULT '))
        ?.slice(7) ?? 'null',
    ) as {
      types: string[];
      stream: { chunks: number; text: string };
    };
    expect(summary.types.at(-1)).toBe('run:success');
    expect(summary.types.filter((t) => t === 'step:chunk')).toHaveLength(chunks.length);
    expect(summary.stream).toMatchObject({ chunks: chunks.length, text });

    // Store writes: at most one extra per step for the stream (here: none at all).
    expect(streamWrites).toBeLessThanOrEqual(plainWrites + 2);
    expect(streamWrites).toBe(plainWrites);
    // Stored: one compacted step:stream event, no row per chunk.
    const stored = await counted.store.readEvents(run.runId);
    expect(stored.filter((e) => e.type === 'step:chunk')).toHaveLength(0);
    expect(stored.filter((e) => e.type === 'step:stream')).toEqual([
      expect.objectContaining({ path: 'answer', data: { attempt: 1, chunks: chunks.length, text } }),
    ]);
    // Replay after the run: the compacted form in commit order, every event with a seq.
    const replay = [];
    for await (const e of engine.stream(run.runId)) replay.push(e);
    expect(replay.map((e) => e.type)).toEqual([
      'run:start',
      'step:stream',
      'step:success',
      'step:success',
      'run:success',
    ]);
    expect(replay.every((e) => typeof e.seq === 'number')).toBe(true);
    await counted.store.close();
  }, 30_000);
});
