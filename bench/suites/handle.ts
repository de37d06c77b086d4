// Stream end latency across processes: an API process enqueues a run and follows it with
// `engine.handle(runId).stream()`; a worker process (its own store connection) executes it. Each
// sample is the time from the run's final write committing in the worker (wall clock read right
// after the commit, in the worker) to the end of the API's stream (wall clock, in the API). Runs go
// one at a time, 3 trivial steps each; the median over the samples with min–max. libsql: the API
// follows by polling with backoff (5 ms doubling to 50 ms, back to 5 ms on every new event);
// Postgres: LISTEN/NOTIFY (the NOTIFY is sent by the committing transaction). Before run handles,
// `engine.stream()` never ended for a run executed in another process. No peer column: the peers
// here have no cross-process stream of one run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PG_URL as PG_URL, stats } from '../lib/measure.ts';
import type { BenchRow } from '../run.ts';
const WORKER = join(import.meta.dirname, '../lib/handle-worker.ts');

export const cells = ['libsql', 'postgres'] as const;

export default async function handleBench(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const { createEngine, createStore } = await import('@weft/workflow');
  const { handleWorkflow } = await import('../lib/handle-flow.ts');
  const cell = ctx.cell ?? 'libsql';
  const samples = ctx.quick ? 20 : 100;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-handle-'));
  const schema = `weft_handle_bench_${process.pid}`;
  const url = cell === 'postgres' ? PG_URL : `file:${join(dir, 'weft.db')}`;
  const store = cell === 'postgres' ? createStore({ url, schema }) : createStore({ url });
  await store.init();
  const ends = new Map<string, (at: number) => void>();
  const child = spawn(process.execPath, [WORKER, url, ...(cell === 'postgres' ? [schema] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === 'ready') resolve();
        const m = /^END (\S+) (\S+)$/.exec(line);
        if (m) ends.get(m[1] as string)?.(Number(m[2]));
        i = buf.indexOf('\n');
      }
    });
  });
  const quiet = () => undefined;
  const engine = createEngine({
    store,
    workflows: [handleWorkflow],
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  try {
    await ready;
    const latencies: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const runId = await engine.enqueue(handleWorkflow, { n: i });
      const finished = new Promise<number>((resolve) => ends.set(runId, resolve));
      let last = '';
      for await (const e of engine.handle(runId).stream()) last = e.type;
      const streamEnd = performance.timeOrigin + performance.now();
      if (last !== 'run:success') throw new Error(`stream of ${runId} ended with ${last}`);
      const at = await finished;
      ends.delete(runId);
      if (i >= 3) latencies.push(Math.max(0, streamEnd - at)); // the first three warm up
    }
    const s = stats(latencies);
    return [
      {
        suite: 'handle',
        case: 'run finished in a worker → API stream ends',
        impl: `weft-${cell}`,
        value: Math.round(s.median * 10) / 10,
        unit: 'ms',
        note: `min–max ${s.min.toFixed(1)}–${s.max.toFixed(1)} ms, ${latencies.length} runs, ${cell === 'postgres' ? 'LISTEN/NOTIFY' : 'poll 5–50 ms backoff'} (was: never ended)`,
      },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await engine.close();
    if (cell === 'postgres') {
      const { sql } = await import('kysely');
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(store.db).catch(() => undefined);
    }
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
