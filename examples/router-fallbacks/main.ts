// Router fallbacks, offline: starts two local OpenAI-compatible servers on 127.0.0.1 — "flaky" answers
// every call with HTTP 500, "steady" answers normally — and routes 40 calls through @weft/llm with
// flaky first. Every call succeeds; the circuit breaker stops sending traffic to the failing server
// after a few failures; each call's cost and fallback chain are recorded. Run:
//   node --import ./scripts/ts-hooks.mjs examples/router-fallbacks/main.ts
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter, openaiCompatible, weftMetadata } from '@weft/llm';
import { generateText } from 'ai';

function start(name: string, failing: boolean): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      if (failing) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `${name} is down` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `${name}-${hits}`,
          object: 'chat.completion',
          created: 0,
          model: 'local-model',
          choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${name}` }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits: () => hits }),
    ),
  );
}

const flaky = await start('flaky', true);
const steady = await start('steady', false);

const router = createRouter({
  providers: {
    flaky: openaiCompatible({ name: 'flaky', baseURL: flaky.url }),
    steady: openaiCompatible({ name: 'steady', baseURL: steady.url }),
  },
  routes: { default: ['flaky/local-model', 'steady/local-model'] },
  retry: { retries: 1, baseDelayMs: 5 },
  cooldown: { failureThreshold: 3, cooldownMs: 60_000 },
  // Local models have no list price; give them one so the example shows costs.
  prices: { 'flaky/*': { input: 0.5, output: 1.5 }, 'steady/*': { input: 0.5, output: 1.5 } },
  onEvent: (e) => {
    if (e.type === 'circuit-opened') console.log(`circuit opened for provider "${e.provider}"`);
  },
});

const run = router.withContext({ runId: 'example-run', workflowId: 'router-fallbacks' });
let failures = 0;
for (let i = 0; i < 40; i++) {
  try {
    const result = await generateText({
      model: run.model(),
      prompt: `question ${i}`,
      maxRetries: 0,
    });
    if (i < 3 || i === 39) {
      const meta = weftMetadata(result);
      console.log(
        `call ${i}: "${result.text}" via ${meta?.model} (passed over: ${meta?.fallbacks.join(', ') || 'none'})`,
      );
    }
  } catch (error) {
    failures++;
    console.log(`call ${i} failed: ${(error as Error).message}`);
  }
}

const summary = await run.usage();
console.log(`requests seen by flaky: ${flaky.hits()}, by steady: ${steady.hits()}`);
console.log(`health: ${JSON.stringify(router.health())}`);
console.log(
  `run summary: ${summary.calls} calls, ${failures} failed, ${summary.inputTokens} in / ${summary.outputTokens} out tokens, $${summary.costUsd.toFixed(6)}`,
);

flaky.server.close();
steady.server.close();
