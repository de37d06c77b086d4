/**
 * Enqueue here, execute there, stream and await here — the web-app shape: an API process enqueues
 * a run and answers with its progress and result, while a worker process executes it.
 *
 * - `engine.enqueue()` stores the run `queued` (one write); a worker anywhere claims and executes it.
 * - `engine.handle(runId)` follows it from this process: `stream()` replays the stored events and
 *   follows the ones the worker commits (in commit order, each with its `seq`), ending with the run;
 *   `result({ timeout })` resolves with the outcome.
 *
 *   node examples/enqueue-and-follow/main.ts                                  # a libsql file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node examples/enqueue-and-follow/main.ts
 *
 * On Postgres, install the `pg` driver next to @weft/workflow (`npm install @weft/workflow pg`):
 * followers are woken by LISTEN/NOTIFY. On libsql they poll the file (5–50 ms backoff).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine, createStore, createWorker, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const url = process.env.DATABASE_URL ?? 'file:.weft/enqueue-and-follow.db';
const [role, schemaArg] = process.argv.slice(2);
const schema = url.startsWith('postgres') ? (schemaArg ?? `weft_follow_${process.pid}`) : undefined;
const open = () => createStore(schema ? { url, schema } : { url });

const fetchIssue = step({
  id: 'fetch',
  input: z.object({ issue: z.number() }),
  output: z.object({ issue: z.number(), title: z.string() }),
  run: async ({ input }) => {
    await new Promise((r) => setTimeout(r, 50)); // an API call
    return { issue: input.issue, title: `Issue #${input.issue}` };
  },
});
const triage = workflow({ id: 'triage', input: z.object({ issue: z.number() }) })
  .step(fetchIssue)
  .step('label', async ({ input }) => ({ ...input, label: input.issue % 2 ? 'bug' : 'feature' }))
  .step('reply', async ({ input }) => `Labelled "${input.title}" as ${input.label} (worker pid ${process.pid})`)
  .commit();

if (role === 'worker') {
  // The worker process: executes queued runs until its parent tells it to stop.
  const store = open();
  const worker = createWorker({ engine: createEngine({ store, workflows: [triage] }), pollMs: 20 });
  worker.start();
  console.log('ready');
  process.on('SIGTERM', () => {
    void worker.close().then(() => store.close());
  });
} else {
  // The API process: enqueue, follow, await.
  const store = open();
  await store.init();
  const engine = createEngine({ store, workflows: [triage] });
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'worker', ...(schema ? [schema] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  try {
    const runId = await engine.enqueue(triage, { issue: 42 });
    const run = engine.handle(runId, triage);
    for await (const e of run.stream()) console.log(`  #${e.seq} ${e.type}${e.path ? ` ${e.path}` : ''}`);
    const result = await run.result({ timeout: '30s' });
    if (result.status !== 'success') throw new Error(`run ${result.status}`);
    console.log(`result: ${result.output}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await engine.close();
    if (schema) await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
    await store.close();
  }
}
