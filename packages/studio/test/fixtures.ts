/**
 * Workflows and helpers shared by Studio's tests: a release pipeline with parallel checks, a
 * foreach, an approval gate and a dag, whose steps record LLM calls the way @weft/llm's router
 * does (one `weft_llm_calls` row per call, tied to the run and step).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalPolicy, createApprovalService } from '@weft/approval';
import { createKyselyUsageStore } from '@weft/llm';
import { createEngine, createStore, type KyselyStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let publishGate: Promise<void> | undefined;
/** Holds the dag's `publish` task until the returned function is called (tests that watch a run live). */
export function holdPublish(): () => void {
  let release = () => {};
  publishGate = new Promise<void>((r) => {
    release = () => {
      publishGate = undefined;
      r();
    };
  });
  return release;
}

export interface Fixture {
  dir: string;
  url: string;
  store: KyselyStore;
  engine: ReturnType<typeof createEngine>;
  approvals: ReturnType<typeof createApprovalService>;
  close(): Promise<void>;
}

let usage: ReturnType<typeof createKyselyUsageStore> | undefined;
let seq = 0;

async function llmCall(
  runId: string,
  stepPath: string,
  model: string,
  tokensIn: number,
  tokensOut: number,
  costUsd: number,
) {
  await usage?.recordCall({
    id: `call-${Date.now()}-${seq++}`,
    startedAt: Date.now(),
    runId,
    // As the router records a call made in a step: the step's id, its path and attempt.
    stepId: stepPath.split('/').at(-1) as string,
    stepPath,
    attempt: 1,
    workflowId: 'release',
    task: stepPath,
    route: 'default',
    model,
    inputTokens: tokensIn,
    outputTokens: tokensOut,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd,
    unpriced: false,
    latencyMs: 120 + (seq % 7) * 40,
    outcome: 'ok',
    streamed: false,
    fallbackChain: [{ model, outcome: 'ok', latencyMs: 120 }],
  });
}

const any = z.any();
const check = (id: string, ms: number) =>
  step({
    id,
    input: any,
    output: any,
    run: async ({ input, ctx }) => {
      ctx.logger.info(`running ${id}`, { ms });
      await sleep(ms);
      await llmCall(
        ctx.runId,
        ctx.path,
        id === 'review-code' ? 'openai/gpt-5-mini' : 'anthropic/claude-haiku-4-5',
        1800,
        420,
        id === 'review-code' ? 0.0123 : 0.0041,
      );
      return { ok: true, check: id, input: typeof input };
    },
  });

const summarize = step({
  id: 'summarize',
  input: z.string(),
  output: z.object({ file: z.string(), summary: z.string() }),
  run: async ({ input }) => {
    await sleep(60);
    return { file: input, summary: `changes in ${input}` };
  },
});

/** The release pipeline: plan → parallel checks → foreach summaries → approval → dag → publish. */
export const release = workflow({ id: 'release', input: z.object({ version: z.string(), files: z.array(z.string()) }) })
  .step('plan', async ({ input }) => {
    await sleep(40);
    return input.files;
  })
  .parallel([check('lint', 260), check('unit-tests', 420), check('review-code', 340)], { id: 'checks' })
  .map(({ steps }) => (steps as { plan: string[] }).plan)
  .foreach(summarize, { id: 'files', concurrency: 2 })
  .awaitApproval('ship-it', {
    title: 'Ship this release?',
    summary: 'All checks passed. Approve to build and publish.',
    ...approvalPolicy({ approvers: ['alice'] }),
  })
  .step('tasks', async () => ({
    tasks: [
      { id: 'build', dependsOn: [] },
      { id: 'docs', dependsOn: [] },
      { id: 'publish', dependsOn: ['build', 'docs'] },
    ],
  }))
  .dag('deploy', {
    run: async ({ task }) => {
      if (task.id === 'publish' && publishGate) await publishGate;
      await sleep(task.id === 'publish' ? 500 : 600);
      return { done: task.id };
    },
  })
  .commit();

/** A workflow that fails with a cause chain. */
export const flaky = workflow({ id: 'import-orders', input: z.object({ batch: z.number() }) })
  .step(
    step({
      id: 'fetch',
      input: z.object({ batch: z.number() }),
      output: z.object({ rows: z.number() }),
      retry: { attempts: 2, backoff: 'fixed', delay: 10 },
      run: async ({ input }) => {
        if (input.batch % 3 === 0)
          throw new Error(`upstream returned 503 for batch ${input.batch}`, { cause: new Error('ECONNRESET') });
        return { rows: input.batch * 10 };
      },
    }),
  )
  .commit();

/** Whether the `publish-docs` step of {@link flip} fails (tests flip it to restart the run). */
export const flipState = { broken: true };

/** Fails at its second step until `flipState.broken` is false: for restart and fork. */
export const flip = workflow({ id: 'publish-docs', input: z.object({ page: z.string() }) })
  .step('render', async ({ input }) => ({ html: `<h1>${input.page}</h1>` }))
  .step('upload', async ({ input }) => {
    if (flipState.broken) throw new Error('bucket not found: docs-prod');
    return { uploaded: input.html.length };
  })
  .commit();

/** Version 2 of the import: never fails (the eval's candidate). */
export const steady = workflow({ id: 'import-orders-v2', input: z.object({ batch: z.number() }) })
  .step('fetch', async ({ input }) => ({ rows: input.batch * 10 }))
  .commit();

/** Two stored eval runs of the import (flaky baseline, steady candidate), each item a workflow run. */
export async function seedEvals(f: Fixture): Promise<{ baseline: string; candidate: string }> {
  const { createEvalStore, defineEval, exactMatch, runEval } = await import('@weft/eval');
  const history = createEvalStore(f.store);
  const def = defineEval({
    name: 'import-orders',
    data: Array.from({ length: 9 }, (_, i) => ({
      id: `batch-${i + 1}`,
      input: { batch: i + 1 },
      expected: { rows: (i + 1) * 10 },
    })),
    task: { workflow: flaky, engine: f.engine },
    scorers: [exactMatch()],
  });
  const a = await runEval(def, { store: history, variant: 'v1', cache: undefined });
  const b = await runEval(def, {
    store: history,
    variant: 'v2',
    task: { workflow: steady, engine: f.engine },
    taskVersion: 'v2',
    cache: undefined,
  });
  return { baseline: a.id, candidate: b.id };
}

/** Opens a fresh store (a libsql file, or a Postgres schema with `pg`) with an engine and an approval service. */
export async function openFixture(name: string, pg?: { url: string }): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), `weft-studio-${name}-`));
  const schema = `studio_${name.replace(/\W/g, '_')}_${process.pid}_${Date.now()}`;
  const url = pg ? pg.url : `file:${join(dir, 'weft.db')}`;
  const store = pg ? createStore({ url, schema }) : createStore({ url });
  await store.init();
  usage = createKyselyUsageStore({ db: store.db, dialect: store.dialect });
  const engine = createEngine({ store, workflows: [release, flaky, steady, flip] });
  const approvals = createApprovalService({ store, engine, workflows: [release], onError: () => undefined });
  await approvals.init();
  return {
    dir,
    url,
    store,
    engine,
    approvals,
    async close() {
      await approvals.stop().catch(() => undefined);
      if (pg) await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** LLM calls of the past two weeks (another workflow's, outside these runs), so the cost page has history. */
export async function seedLlmHistory(days = 14): Promise<void> {
  const models = ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5', 'google/gemini-2.5-flash'];
  const now = Date.now();
  for (let d = days; d >= 1; d--) {
    const calls = 3 + ((d * 7) % 6);
    for (let i = 0; i < calls; i++) {
      const model = models[(d + i) % models.length] as string;
      const inTok = 900 + ((d * 131 + i * 57) % 2400);
      const outTok = 150 + ((d * 17 + i * 29) % 600);
      await usage?.recordCall({
        id: `hist-${d}-${i}`,
        startedAt: now - d * 86_400_000 + i * 60_000,
        workflowId: i % 3 === 0 ? 'support-triage' : 'release',
        stepId: i % 3 === 0 ? 'classify' : 'checks/review-code',
        task: 'history',
        route: 'default',
        model,
        inputTokens: inTok,
        outputTokens: outTok,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: ((inTok * 0.25 + outTok * 2) / 1_000_000) * (model.startsWith('openai') ? 4 : 1.5),
        unpriced: false,
        latencyMs: 300 + ((d * 37 + i * 11) % 900),
        outcome: (d + i) % 17 === 0 ? 'error' : 'ok',
        streamed: false,
        fallbackChain:
          (d + i) % 9 === 0
            ? [
                { model: 'openai/gpt-5', outcome: 'timeout', latencyMs: 5000 },
                { model, outcome: 'ok', latencyMs: 400 },
              ]
            : [{ model, outcome: 'ok', latencyMs: 400 }],
      });
    }
  }
}
