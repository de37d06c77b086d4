/**
 * Tracing: register an OpenTelemetry tracer provider and every run's spans are exported — the
 * run, containers (parallel), each step attempt (a failed first attempt recorded as an exception),
 * the LLM call made through @weft/llm (GenAI attributes: model, provider, tokens, cost) and the
 * approval wait. The run suspends at the approval and a second engine over the same libsql file
 * (as another process would) resumes it: the same trace continues, from the context stored with
 * the run. Spans go to the console exporter; a tree of the whole trace is printed at the end.
 *
 *   node examples/tracing/main.ts     (after `pnpm build`; or via the examples test)
 */
import { ConsoleSpanExporter, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createRouter, type Router } from '@weft/llm';
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { generateText } from 'ai';
import { z } from 'zod';

// Weft traces nothing until a provider is registered: this is the whole set-up.
const tree = new InMemorySpanExporter(); // only for the tree printed at the end
const provider = new NodeTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter()), new SimpleSpanProcessor(tree)],
});
provider.register();

let calls = 0;
const summarize = step({
  id: 'summarize',
  input: z.record(z.string(), z.string()),
  retry: { attempts: 2, delay: 10 },
  run: async ({ input, ctx }) => {
    if (++calls === 1) throw new Error('the model endpoint timed out'); // attempt 1 fails, attempt 2 runs
    const llm = (ctx.resources as { llm: Router }).llm.withContext(ctx);
    const { text } = await generateText({ model: llm.model(), prompt: `lint ${input.lint}, test ${input.test}` });
    return { summary: text };
  },
});

const release = workflow({ id: 'release', version: 1, input: z.object({ repo: z.string() }) })
  .step('fetch', async ({ input }) => ({ repo: input.repo }))
  .parallel(
    [
      step({ id: 'lint', input: z.object({ repo: z.string() }), run: async () => 'ok' }),
      step({ id: 'test', input: z.object({ repo: z.string() }), run: async () => 'ok' }),
    ],
    { id: 'checks' },
  )
  .step(summarize)
  .awaitApproval('ship', { title: 'Ship the release?' })
  .step('deploy', async () => ({ deployed: true }))
  .commit();

// The offline model answers without a network; a real provider is configured the same way.
const llm = createRouter({ providers: {}, routes: { default: ['offline/summary'] } });
const store = createStore({ url: 'file:.weft/tracing.db' });
const a = createEngine({ store, workflows: [release], resources: { llm } });
const started = await a.run(release).start({ input: { repo: 'acme/api' } });
console.log(`process A: run ${started.runId} ${started.status} (trace context stored with the run)`);

// Another engine (in real life another process) resumes the approval: the trace continues.
const b = createEngine({ store, workflows: [release], resources: { llm } });
const done = await b.resume(started.runId, { step: 'ship', data: { decision: 'approve', actors: ['lead'] } });
await provider.forceFlush();

// The whole trace as a tree (what a tracing backend shows).
const spans = tree.getFinishedSpans();
const ms = (s: (typeof spans)[number]) => (s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(1);
const print = (parent: string | undefined, depth: number): void => {
  for (const s of spans.filter((x) => x.parentSpanContext?.spanId === parent)) {
    const mark =
      s.status.code === 2
        ? `  ✗ ${s.events.find((e) => e.name === 'exception')?.attributes?.['exception.message']}`
        : '';
    console.log(`${'  '.repeat(depth)}${s.name}  ${ms(s)} ms${mark}`);
    print(s.spanContext().spanId, depth + 1);
  }
};
console.log(
  `\ntrace ${spans[0]?.spanContext().traceId} (${spans.length} spans, ${new Set(spans.map((s) => s.spanContext().traceId)).size} trace):`,
);
print(undefined, 1);
console.log(`\nprocess B: run ${done.runId} finished: ${done.status}`);
await a.close();
await b.close();
await store.close();
await provider.shutdown();
