// Worker process of the `handle` bench suite: executes queued runs of `bench-handle` and prints
// `END <runId> <epoch ms, fractional>` when each run's final write has committed.
//   node bench/lib/handle-worker.ts <url> [schema]
import { createEngine, createStore, createWorker } from '@weft/workflow';
import { handleWorkflow } from './handle-flow.ts';

const [url, schema] = process.argv.slice(2) as [string, string | undefined];
const store = createStore(schema ? { url, schema } : { url });
await store.init();
const quiet = () => undefined;
const engine = createEngine({
  store,
  workflows: [handleWorkflow],
  logger: { debug: quiet, info: quiet, warn: quiet, error: (m, d) => console.error(m, d) },
});
engine.on('run:success', (e) => {
  process.stdout.write(`END ${e.runId} ${performance.timeOrigin + performance.now()}\n`);
});
const worker = createWorker({ engine, pollMs: 5 });
worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.close().then(async () => {
    await store.close();
    process.exit(0);
  });
});
