/**
 * The SSE handler and client against a libsql file: bad requests get 4xx with a reason, a client
 * that reconnects with Last-Event-ID gets only what it missed, a finished run replays and ends.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  createSseHandler,
  createStore,
  subscribeRun,
  type WeftEvent,
  workflow,
} from '../../src/index.js';
import { tmpDir } from '../durable/helpers/stores.js';

const tmp = tmpDir('weft-sse-unit-');
const store = createStore({ url: `file:${join(tmp.dir, 'weft.db')}` });
afterAll(async () => {
  await store.close();
  tmp.cleanup();
});

const wf = workflow({ id: 'sse' })
  .step('a', async ({ writer }) => {
    for (const t of ['x', 'y', 'z']) writer.write(t);
    return 'a';
  })
  .step('b', async () => 'b')
  .commit();
const engine = createEngine({ store, workflows: [wf] });
const sse = createSseHandler(engine);
/** A fetch that calls the handler directly (no network). */
const local = (async (input: string | URL | Request, init?: RequestInit) =>
  sse(new Request(String(input), init))) as typeof fetch;

describe('SSE handler', () => {
  it('answers bad requests with 4xx and a reason', async () => {
    expect((await sse(new Request('http://x/runs/nope'))).status).toBe(404);
    expect((await sse(new Request('http://x/'))).status).toBe(400);
    expect((await sse(new Request('http://x/runs/a', { method: 'POST' }))).status).toBe(405);
    const denied = createSseHandler(engine, { authorize: () => false });
    const { runId } = await engine.run(wf).start({ input: undefined });
    expect((await denied(new Request(`http://x/runs/${runId}`))).status).toBe(403);
  });

  it('replays a finished run (compacted stream, seq ids) and resumes after Last-Event-ID', async () => {
    const { runId } = await engine.run(wf).start({ input: undefined });
    const all: WeftEvent[] = [];
    for await (const e of subscribeRun(`http://x/runs/${runId}/events`, { fetch: local })) all.push(e);
    expect(all.map((e) => e.type)).toEqual(['run:start', 'step:stream', 'step:success', 'step:success', 'run:success']);
    expect(all[1]?.data).toEqual({ attempt: 1, chunks: 3, text: 'xyz' });
    const res = await sse(new Request(`http://x/runs/${runId}`, { headers: { 'last-event-id': String(all[2]?.seq) } }));
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const body = await res.text();
    expect(body).not.toContain('event: step:stream');
    expect(body.match(/^event: .*/gm)).toEqual(['event: step:success', 'event: run:success']);
    expect(body).toMatch(new RegExp(`id: ${all[4]?.seq}\\nevent: run:success`));
  });

  it('the client reports a missing run as a typed error message', async () => {
    await expect(async () => {
      for await (const _ of subscribeRun('http://x/runs/missing', { fetch: local })) {
        // nothing
      }
    }).rejects.toThrow(/HTTP 404: Run "missing" was not found/);
  });
});
