/**
 * A run taken over after its process was SIGKILLed stays in its trace: the new process's run span
 * is a child of the run span whose context was stored with the run (a libsql file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStore, TRACE_ATTRIBUTES as A } from '../../src/index.js';
import { spawnTs } from '../durable/helpers/child.js';
import { hang } from './fixtures/hang-workflow.js';

const CHILD = fileURLToPath(new URL('./fixtures/hang-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-takeover-'));
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  rmSync(dir, { recursive: true, force: true });
});

describe('tracing across a crash', () => {
  it('the process that takes a SIGKILLed run over continues its trace', async () => {
    const url = `file:${join(dir, 'weft.db')}`;
    const child = spawnTs(CHILD, [url], { WEFT_HANG: '1' });
    // The child prints `RUN <id>` once the first step committed, then hangs in the second.
    const line = await new Promise<string>((resolve, reject) => {
      const t0 = Date.now();
      const poll = () => {
        const l = child
          .output()
          .split('\n')
          .find((x) => x.startsWith('RUN '));
        if (l) resolve(l);
        else if (Date.now() - t0 > 30_000) reject(new Error(child.output()));
        else setTimeout(poll, 20);
      };
      poll();
    });
    const runId = line.slice(4).trim();
    child.proc.kill('SIGKILL');
    await child.exited;

    const store = createStore({ url });
    const stored = await store.getRun(runId);
    expect(stored).toMatchObject({ status: 'running' });
    const [, traceId, spanId] = (stored?.traceparent ?? '').split('-');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const engine = createEngine({ store, workflows: [hang], leaseMs: 300 });
    await new Promise((r) => setTimeout(r, 350)); // the dead process's lease expires
    const result = await engine.execute(runId);
    expect(result).toMatchObject({ status: 'success', output: { done: true } });
    await engine.close();
    await store.close();

    const spans = exporter.getFinishedSpans();
    const run = spans.find((s) => s.name === 'weft.run hang');
    expect(run?.spanContext().traceId).toBe(traceId);
    expect(run?.parentSpanContext?.spanId).toBe(spanId);
    expect(run?.attributes).toMatchObject({ [A.runId]: runId, [A.runEntry]: 'recover', [A.runStatus]: 'success' });
    const second = spans.find((s) => s.name === 'weft.step second');
    expect(second?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(second?.spanContext().traceId).toBe(traceId);
    // The first step committed before the crash: replayed, not run (no span here).
    expect(spans.some((s) => s.name === 'weft.step first')).toBe(false);
  });
});
