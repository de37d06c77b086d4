/**
 * OpenTelemetry: the span tree of a workflow with parallel arms, a foreach, a dag, a retried step,
 * an LLM call (the real AI SDK client against a local OpenAI-compatible server) and an approval
 * resumed by another process — on a libsql file. The SDK's in-memory exporter collects the spans
 * here; the child process prints its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { createEngine, createStore, TRACE_ATTRIBUTES as A } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_SPAN_ATTRIBUTES } from '../src/index.js';
import { type FakeServer, startFakeServer } from './helpers/fake-openai-server.js';
import { registerTracing, type SpanJson, toJson, traced, tracedRouter } from './fixtures/traced-workflow.js';

const CHILD = fileURLToPath(new URL('./fixtures/traced-child.ts', import.meta.url));
const HOOKS = fileURLToPath(new URL('../../../scripts/ts-hooks.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-tracing-'));
const url = `file:${join(dir, 'weft.db')}`;
let server: FakeServer;
let sdk: ReturnType<typeof registerTracing>;

beforeAll(async () => {
  sdk = registerTracing();
  server = await startFakeServer({ text: 'All checks pass.' });
});
afterAll(async () => {
  await sdk.provider.shutdown();
  trace.disable();
  context.disable();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', HOOKS, CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}:\n${out}\n${err}`))));
  });
}

describe('tracing', () => {
  it('one trace across processes: run, containers, attempts, waits and the LLM call nest right', async () => {
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [traced], resources: { llm: tracedRouter(server.baseURL) } });
    const started = await engine.run(traced).start({ input: { items: [1, 2, 3] } });
    expect(started.status).toBe('suspended');
    const runId = started.runId;
    const stored = await store.getRun(runId);
    expect(stored?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await engine.close();
    await store.close();
    const here = sdk.exporter.getFinishedSpans().map(toJson);

    const out = await runChild([url, runId, server.baseURL]);
    expect(out).toContain('RESULT success');
    const line = out.split('\n').find((l) => l.startsWith('SPANS ')) as string;
    const there = JSON.parse(line.slice('SPANS '.length)) as SpanJson[];
    const all = [...here, ...there];
    // One trace, and the stored context is the first run span's.
    expect(new Set(all.map((s) => s.traceId))).toEqual(new Set([stored?.traceparent?.split('-')[1]]));
    const one = (spans: SpanJson[], name: string): SpanJson => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0] as SpanJson;
    };
    const root = one(here, 'weft.run traced');
    expect(stored?.traceparent?.split('-')[2]).toBe(root.spanId);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({
      [A.runId]: runId,
      [A.workflowId]: 'traced',
      [A.workflowVersion]: '3',
      [A.runEntry]: 'start',
      [A.runStatus]: 'suspended',
    });
    const resumed = one(there, 'weft.run traced');
    expect(resumed.parentSpanId).toBe(root.spanId);
    expect(resumed.attributes).toMatchObject({ [A.runEntry]: 'resume', [A.runStatus]: 'success' });
    const childOf = (s: SpanJson, parent: SpanJson) => expect(s.parentSpanId, s.name).toBe(parent.spanId);

    // Every Weft span carries the run's attributes.
    for (const s of all.filter((x) => x.name.startsWith('weft.'))) {
      expect(s.attributes, s.name).toMatchObject({
        [A.runId]: runId,
        [A.workflowId]: 'traced',
        [A.workflowVersion]: '3',
      });
    }

    childOf(one(here, 'weft.step prep'), root);
    // Parallel arms nest under their container.
    const checks = one(here, 'weft.parallel checks');
    childOf(checks, root);
    for (const arm of ['checks/lint', 'checks/test']) {
      const s = one(here, `weft.step ${arm}`);
      childOf(s, checks);
      expect(s.attributes).toMatchObject({ [A.stepPath]: arm, [A.stepAttempt]: 1, [A.stepOutcome]: 'success' });
    }
    // Foreach items under the foreach, dag tasks under the dag.
    const items = one(here, 'weft.foreach items');
    childOf(items, root);
    for (const i of [0, 1, 2]) childOf(one(here, `weft.step items[${i}]/square`), items);
    const plan = one(here, 'weft.dag plan');
    childOf(plan, root);
    for (const t of ['build', 'unit', 'e2e']) childOf(one(here, `weft.step plan/${t}`), plan);

    // The retried step: two attempt spans; the failed one holds the exception and status ERROR.
    const flaky = here.filter((s) => s.name === 'weft.step flaky');
    expect(flaky.map((s) => s.attributes[A.stepAttempt])).toEqual([1, 2]);
    const [failed, ok] = flaky as [SpanJson, SpanJson];
    expect(failed.status.code).toBe(2);
    expect(failed.attributes[A.stepOutcome]).toBe('retry');
    const exception = failed.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('flaky: first attempt fails');
    expect(ok.status.code).toBe(0);
    for (const s of flaky) childOf(s, root);

    // The LLM call is a child of the step attempt that made it, with the GenAI conventions.
    const ask = one(here, 'weft.step ask');
    const llm = one(here, 'chat gpt-test');
    childOf(llm, ask);
    expect(llm.kind).toBe(2); // CLIENT
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-test',
      'gen_ai.provider.name': 'local',
      'gen_ai.response.model': 'gpt-test',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 6,
      'gen_ai.response.finish_reasons': ['stop'],
      [LLM_SPAN_ATTRIBUTES.route]: 'default',
      [LLM_SPAN_ATTRIBUTES.outcome]: 'ok',
    });
    expect(llm.attributes[LLM_SPAN_ATTRIBUTES.costUsd]).toBeCloseTo((12 * 1 + 6 * 2) / 1e6, 12);

    // The approval: suspended here, resumed there (a span covering the wait), then the last step.
    const gate = one(here, 'weft.approval ship');
    childOf(gate, root);
    expect(gate.attributes[A.waitState]).toBe('suspended');
    const decided = one(there, 'weft.approval ship');
    childOf(decided, resumed);
    expect(decided.attributes).toMatchObject({ [A.waitState]: 'resumed', [A.approvalDecision]: 'approved' });
    childOf(one(there, 'weft.step after'), resumed);
    // Replayed steps and containers do not run again, so the resuming process adds only what it ran.
    expect(there.map((s) => s.name).sort()).toEqual(['weft.approval ship', 'weft.run traced', 'weft.step after']);
  });
});
