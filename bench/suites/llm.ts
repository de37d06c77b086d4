// @weft/llm router overhead per call (µs) over calling the provider model directly.
// Cases: (1) an in-process model that answers at once, so the number is the router's own cost
// (route resolution, budget/limiter bookkeeping, cost computation, call record in the memory store);
// (2) the real @ai-sdk/openai-compatible provider against a local HTTP server on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

async function measure(fn: () => PromiseLike<unknown>, opts: { warm: number; ms: number }): Promise<number> {
  for (let i = 0; i < opts.warm; i++) await fn();
  (globalThis as { gc?: () => void }).gc?.();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < opts.ms) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

const usage = {
  inputTokens: { total: 12, noCache: 12, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 6, text: 6, reasoning: 0 },
};
type Instant = {
  specificationVersion: 'v4';
  provider: string;
  modelId: string;
  supportedUrls: Record<string, RegExp[]>;
  doGenerate(o: typeof call): PromiseLike<unknown>;
  doStream(o: typeof call): PromiseLike<unknown>;
};
const call = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] }] };

export default async function llmBench(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const { createRouter } = await import('@weft/llm');
  const rows: BenchRow[] = [];
  const ms = ctx.quick ? 300 : 2000;

  // 1. In-process model: pure router overhead.
  const instant = {
    specificationVersion: 'v4' as const,
    provider: 'bench',
    modelId: 'instant',
    supportedUrls: {},
    doGenerate: async () => ({
      content: [{ type: 'text' as const, text: 'ok' }],
      finishReason: { unified: 'stop' as const, raw: 'stop' },
      usage,
      warnings: [],
    }),
    doStream: async () => {
      throw new Error('not used');
    },
  };
  const router = createRouter({
    providers: { bench: () => instant },
    routes: { default: ['bench/instant'] },
    prices: { 'bench/instant': { input: 1, output: 1 } },
  });
  const routed = router.model();
  const direct = await measure(() => instant.doGenerate(), { warm: 200, ms });
  const viaRouter = await measure(() => routed.doGenerate(call), { warm: 200, ms });
  rows.push(
    { suite: 'llm', case: 'doGenerate, in-process model', impl: 'direct', value: direct, unit: 'µs/call' },
    {
      suite: 'llm',
      case: 'doGenerate, in-process model',
      impl: 'weft router',
      value: viaRouter,
      unit: 'µs/call',
      note: 'memory store, cost + record per call',
    },
    {
      suite: 'llm',
      case: 'router overhead, in-process',
      impl: 'weft router',
      value: viaRouter - direct,
      unit: 'µs/call',
    },
  );

  // 2. Real openai-compatible provider over local HTTP.
  const require = createRequire(join(import.meta.dirname, '../../packages/llm/package.json'));
  const { createOpenAICompatible } = (await import(
    pathToFileURL(require.resolve('@ai-sdk/openai-compatible')).href
  )) as {
    // Structural: the bench package does not depend on the provider; it is loaded from packages/llm.
    createOpenAICompatible(o: {
      name: string;
      baseURL: string;
    }): ((id: string) => Instant) & { languageModel(id: string): Instant };
  };
  const body = JSON.stringify({
    id: 'x',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const provider = createOpenAICompatible({ name: 'local', baseURL });
    const model = provider('m');
    const httpRouter = createRouter({
      providers: { local: provider as unknown as Parameters<typeof createRouter>[0]['providers'][string] },
      routes: { default: ['local/m'] },
      prices: { 'local/m': { input: 1, output: 1 } },
    });
    const httpRouted = httpRouter.model();
    // Interleaved rounds, median of each: HTTP timings drift (connection reuse, GC), so A-then-B would
    // charge the drift to one side.
    const rounds = ctx.quick ? 3 : 7;
    const roundOpts = { ms: ctx.quick ? 200 : 500, warm: 50 };
    const d: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < rounds; i++) {
      d.push(await measure(() => model.doGenerate(call), roundOpts));
      r.push(await measure(() => httpRouted.doGenerate(call), roundOpts));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const directHttp = median(d);
    const routedHttp = median(r);
    rows.push(
      {
        suite: 'llm',
        case: 'doGenerate, openai-compatible over local HTTP',
        impl: 'direct',
        value: directHttp,
        unit: 'µs/call',
      },
      {
        suite: 'llm',
        case: 'doGenerate, openai-compatible over local HTTP',
        impl: 'weft router',
        value: routedHttp,
        unit: 'µs/call',
      },
      {
        suite: 'llm',
        case: 'router overhead, local HTTP',
        impl: 'weft router',
        value: routedHttp - directHttp,
        unit: 'µs/call',
        note: 'noisy: HTTP jitter is larger than the overhead',
      },
    );
  } finally {
    server.close();
  }
  return rows;
}
