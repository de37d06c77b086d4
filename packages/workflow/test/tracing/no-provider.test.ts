/**
 * Without a tracer provider Weft traces nothing and loads nothing: `@opentelemetry/api` is not
 * required, no trace context is stored, runs behave as before. Registering a provider turns it on;
 * `trace.disable()` turns it off again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createStore, step, workflow } from '../../src/index.js';
import { runTs } from '../durable/helpers/child.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-notrace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PLAIN = fileURLToPath(new URL('./fixtures/plain-child.ts', import.meta.url));

const wf = workflow({ id: 'plain', input: z.object({ n: z.number() }) })
  .step('double', async ({ input }) => input.n * 2)
  .parallel([step({ id: 'a', input: z.number(), run: async ({ input }) => input + 1 })])
  .awaitApproval('gate')
  .commit();

describe('tracing off', () => {
  it('runs, suspends and resumes with no provider, storing no trace context and loading no API', async () => {
    // In a process of its own: nothing else there could have loaded the API.
    const out = await runTs(PLAIN, [`file:${join(dir, 'off.db')}`]);
    const line = out.split('\n').find((l) => l.startsWith('RESULT ')) as string;
    expect(JSON.parse(line.slice(7))).toEqual({ first: 'suspended', done: 'success', traceparent: null, loaded: [] });
  });

  it('a provider registered later turns tracing on; trace.disable() turns it off again', async () => {
    const { trace, context } = await import('@opentelemetry/api');
    const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    const store = createStore({ url: `file:${join(dir, 'on.db')}` });
    const engine = createEngine({ store, workflows: [wf] });
    const on = await engine.run(wf).start({ input: { n: 1 } });
    expect((await store.getRun(on.runId))?.traceparent).toMatch(/^00-/);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toContain('weft.step double');
    await provider.shutdown();
    trace.disable();
    context.disable();
    const off = await engine.run(wf).start({ input: { n: 1 } });
    expect(off.status).toBe('suspended');
    expect((await store.getRun(off.runId))?.traceparent).toBeUndefined();
    await engine.close();
    await store.close();
  });
});
