/**
 * The router as a workflow resource: steps get it from `ctx.resources`, calls are attributed to the
 * run and step, the run's summary shows tokens and cost, and a failing step's long trace reaches the
 * next attempt as a short hint.
 */
import { createEngine, step, workflow } from '@weft/workflow';
import { generateText, Output } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compressError, createRouter, OFFLINE_LABEL, type Router } from '../src/index.js';

describe('workflow integration', () => {
  it('attributes calls to run and step and summarizes the run', async () => {
    const router = createRouter({
      providers: {},
      routes: { default: ['offline/planner'], cheap: ['offline/small'] },
      prices: { 'offline/*': { input: 1, output: 2 } },
    });
    const plan = step({
      id: 'plan',
      input: z.object({ request: z.string() }),
      run: async ({ input, ctx }) => {
        const llm = (ctx.resources as { llm: Router }).llm.withContext(ctx);
        const { output } = await generateText({
          model: llm.model(),
          output: Output.object({
            schema: z.object({
              tasks: z.array(z.object({ id: z.string(), title: z.string(), dependsOn: z.array(z.string()) })),
            }),
          }),
          prompt: input.request,
        });
        return output;
      },
    });
    const summarize = step({
      id: 'summarize',
      input: z.object({ tasks: z.array(z.object({ title: z.string() })) }),
      run: async ({ input, ctx }) => {
        const llm = (ctx.resources as { llm: Router }).llm.withContext(ctx);
        const { text } = await generateText({
          model: llm.model('cheap'),
          prompt: input.tasks.map((t) => t.title).join('; '),
        });
        return { text };
      },
    });
    const wf = workflow({ id: 'planner', input: z.object({ request: z.string() }) })
      .step(plan)
      .then(summarize)
      .commit();
    const engine = createEngine({ resources: { llm: router } });
    const result = await engine
      .run(wf)
      .start({ input: { request: 'Collect the logs. Find the error. Write the fix.' } });
    expect(result.status).toBe('success');
    if (result.status !== 'success') return;
    expect((result.output as { text: string }).text.startsWith(OFFLINE_LABEL)).toBe(true);

    const calls = await router.calls({ runId: result.runId });
    expect(calls.map((c) => [c.stepId, c.workflowId, c.route])).toEqual([
      ['plan', 'planner', 'default'],
      ['summarize', 'planner', 'cheap'],
    ]);
    const summary = await router.withContext({ runId: result.runId }).usage();
    expect(summary.calls).toBe(2);
    expect(summary.inputTokens).toBe(calls[0]!.inputTokens + calls[1]!.inputTokens);
    expect(summary.costUsd).toBeCloseTo(
      calls.reduce((s, c) => s + c.costUsd, 0),
      12,
    );
    expect(summary.costUsd).toBeGreaterThan(0);
  });

  it('a long failure reaches the retried step as a short hint, not as the raw trace', async () => {
    const hint = 'parseConfig (src/config.ts:42): config.port is undefined; set PORT.';
    const cheap = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [{ type: 'text', text: hint }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(),
        warnings: [],
      }),
    });
    const worker = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [{ type: 'text', text: 'done' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(),
        warnings: [],
      }),
    });
    const router = createRouter({
      providers: { m: (id: string) => (id === 'cheap' ? cheap : worker) },
      routes: { cheap: ['m/cheap'], default: ['m/worker'] },
    });
    const trace = `TypeError: Cannot read properties of undefined (reading 'port')\n${Array.from({ length: 500 }, (_, i) => `    at fn${i} (/app/node_modules/lib/file${i}.js:1:1)`).join('\n')}`;

    let lastFailure: string | undefined;
    const build = step({
      id: 'build',
      retry: { attempts: 2, delay: 1 },
      run: async ({ ctx }) => {
        const llm = (ctx.resources as { llm: Router }).llm.withContext(ctx);
        const note = lastFailure ? `\nThe previous attempt failed: ${lastFailure}` : '';
        await generateText({ model: llm.model(), prompt: `Build the service.${note}` });
        if (ctx.attempt === 1) {
          const error = new Error('build failed');
          error.stack = trace;
          lastFailure = (await compressError(error, { model: llm.model('cheap') })).hint;
          throw error;
        }
        return { ok: true };
      },
    });
    const wf = workflow({ id: 'build' }).step(build).commit();
    const result = await createEngine({ resources: { llm: router } })
      .run(wf)
      .start({ input: undefined });
    expect(result.status).toBe('success');
    const second = JSON.stringify(worker.doGenerateCalls[1]?.prompt);
    expect(second).toContain(hint);
    expect(second).not.toContain('node_modules/lib');
    expect(second.length).toBeLessThan(trace.length / 10);
  });
});

function usage() {
  return {
    inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: 5, text: 5, reasoning: 0 },
  };
}
