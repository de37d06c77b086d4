/**
 * Scaling out: enqueue runs on Postgres from one process, execute them in two worker processes.
 *
 * Workers claim queued runs with leases (`FOR UPDATE SKIP LOCKED`), heartbeat them while they run,
 * and a run whose worker dies is taken over by another when its lease expires. Every run here
 * completes exactly once, on whichever worker claimed it.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node examples/postgres-workers/main.ts
 *
 * Uses a fresh schema per invocation and drops it at the end. In your own app, Postgres needs the
 * `pg` driver next to @weft/workflow (`npm install @weft/workflow pg`); libsql needs nothing extra.
 */
import { spawn } from 'node:child_process';
import { createEngine, createStore, createWorker, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const RUNS = 40;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const work = step({
  id: 'work',
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number(), square: z.number(), worker: z.string() }),
  run: async ({ input }) => {
    await new Promise((r) => setTimeout(r, 20)); // some I/O
    return { n: input.n, square: input.n * input.n, worker: process.env.WEFT_WORKER_NAME ?? 'main' };
  },
});
const squares = workflow({ id: 'squares', input: z.object({ n: z.number() }) })
  .step(work)
  .commit();

const [role, schema] = process.argv.slice(2);

if (role === 'worker' && schema) {
  // A worker process: executes claimed runs until none is queued or running, then stops.
  const store = createStore({ url, schema });
  const engine = createEngine({ store, workflows: [squares] });
  const worker = createWorker({ engine, concurrency: 8, pollMs: 20 });
  let done = 0;
  engine.on('run:success', () => done++);
  worker.start();
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const open = await store.listRuns({ status: ['queued', 'running'], limit: 1 });
    if (open.runs.length === 0) break;
  }
  await worker.stop();
  console.log(`${process.env.WEFT_WORKER_NAME} executed ${done} runs`);
  await store.close();
} else {
  const schemaName = `weft_example_${process.pid}_${Date.now()}`;
  const store = createStore({ url, schema: schemaName });
  await store.init();
  try {
    const engine = createEngine({ store, workflows: [squares] });
    const ids: string[] = [];
    for (let n = 1; n <= RUNS; n++) ids.push(await engine.enqueue(squares, { n }));
    console.log(`enqueued ${ids.length} runs on Postgres (schema ${schemaName})`);

    const self = process.argv[1] as string;
    const startWorker = (name: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, self, 'worker', schemaName], {
          env: { ...process.env, WEFT_WORKER_NAME: name },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${name} exited ${code}`))));
      });
    const reports = await Promise.all([startWorker('worker 1'), startWorker('worker 2')]);
    for (const r of reports) console.log(r);

    // Every run succeeded, once: count outputs by the worker that produced them.
    const byWorker: Record<string, number> = {};
    for (const id of ids) {
      const run = await store.getRun(id);
      if (run?.status !== 'success') throw new Error(`run ${id} is ${run?.status}, expected success`);
      const worker = (run.output as { worker: string }).worker;
      byWorker[worker] = (byWorker[worker] ?? 0) + 1;
    }
    console.log(
      `all ${ids.length} runs completed: ${byWorker['worker 1'] ?? 0} by worker 1, ${byWorker['worker 2'] ?? 0} by worker 2`,
    );
  } finally {
    await store.db.schema.dropSchema(schemaName).ifExists().cascade().execute();
    await store.close();
  }
}
