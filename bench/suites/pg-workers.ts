// Postgres throughput with worker processes: 4 child processes, each one `createWorker` (concurrency
// 100, pollMs 5) over its own store on the same local Postgres schema (over TCP), drain runs of a
// 10-step chain of trivial steps that were enqueued before the workers start (the enqueue is not
// timed). Aggregate runs/s = runs ÷ (the last run's final write, its stored `updated_at`, minus the
// moment the workers are told to start). Reported with synchronous_commit=off (the WAL + NORMAL
// trade-off: a database-server crash can lose the last commits) and on (the server default: every
// commit waits for the WAL flush). Each cell runs on a fresh schema; the median of the repetitions
// with min–max; the note gives the workers' CPU per run (their process.cpuUsage, user + system,
// summed over the 4). No peer column: the peers here have no multi-process worker on Postgres.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_PG_URL as PG_URL, stats } from '../lib/measure.ts';
import type { BenchRow } from '../run.ts';

const WORKER = join(import.meta.dirname, '../lib/pg-worker.ts');
const WORKERS = 4;
const CONCURRENCY = 100;

export const cells = ['off', 'on'] as const;

interface Child {
  send(line: string): void;
  waitFor(prefix: string): Promise<string>;
  exited: Promise<void>;
}

function child(args: string[]): Child {
  const proc = spawn(process.execPath, [WORKER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  let buf = '';
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.findIndex((x) => line.startsWith(x.prefix));
      if (w >= 0) waiters.splice(w, 1)[0]?.resolve(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    send: (line) => proc.stdin.write(`${line}\n`),
    waitFor: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.findIndex((l) => l.startsWith(prefix));
        if (seen >= 0) return resolve(lines.splice(seen, 1)[0] as string);
        waiters.push({ prefix, resolve });
        void exited.then(() => reject(new Error(`bench worker exited before "${prefix}"`)));
      }),
    exited,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One repetition: enqueue `runs`, start 4 workers, wait for every run to succeed. */
async function rep(sync: 'on' | 'off', runs: number): Promise<{ runsPerS: number; cpuUsPerRun: number }> {
  const { createEngine, createStore } = await import('@weft/workflow');
  const { pgChain } = await import('../lib/pg-chain.ts');
  const schema = `weft_pgw_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const store = createStore({ url: PG_URL, schema, synchronousCommit: sync });
  await store.init();
  const chain = pgChain();
  const engine = createEngine({ store, workflows: [chain] });
  try {
    for (let i = 0; i < runs; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, runs - i) }, (_, j) => engine.enqueue(chain, { n: i + j })));
    }
    const workers = Array.from({ length: WORKERS }, () => child([PG_URL, schema, sync, String(CONCURRENCY)]));
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    const go = Date.now();
    for (const w of workers) w.send('go');
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('weft_runs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', '=', 'success')
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const deadline = Date.now() + 300_000;
    while ((await count()) < runs) {
      if (Date.now() > deadline) throw new Error('pg-workers: runs did not finish in 300 s');
      await sleep(50);
    }
    const last = await store.db
      .selectFrom('weft_runs')
      .select((eb) => eb.fn.max('updated_at').as('t'))
      .executeTakeFirst();
    const end = Number(last?.t ?? Date.now());
    for (const w of workers) w.send('stop');
    const cpu = (await Promise.all(workers.map((w) => w.waitFor('cpu ')))).reduce(
      (sum, line) => sum + Number(line.slice(4)),
      0,
    );
    await Promise.all(workers.map((w) => w.exited));
    return { runsPerS: (runs * 1000) / Math.max(1, end - go), cpuUsPerRun: cpu / runs };
  } finally {
    await engine.close();
    await store.db.schema.dropSchema(schema).cascade().execute();
    await store.close();
  }
}

export default async function pgWorkersBench(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const sync = (ctx.cell ?? 'off') as 'on' | 'off';
  const runs = ctx.quick ? 2000 : 10_000;
  const reps = ctx.quick ? 2 : 5;
  const impl = `weft (postgres, synchronous_commit=${sync})`;
  const values: number[] = [];
  const cpu: number[] = [];
  try {
    await rep(sync, Math.min(runs, 1000)); // warm-up (server caches, the pool's first connections)
    for (let i = 0; i < reps; i++) {
      const r = await rep(sync, runs);
      values.push(r.runsPerS);
      cpu.push(r.cpuUsPerRun);
    }
  } catch (error) {
    return [
      {
        suite: 'pg-workers',
        case: `${WORKERS} worker processes, 10-step runs`,
        impl,
        value: Number.NaN,
        unit: 'runs/s',
        note: `skipped: ${(error as Error).message}`.slice(0, 200),
      },
    ];
  }
  const s = stats(values);
  const c = stats(cpu);
  return [
    {
      suite: 'pg-workers',
      case: `${WORKERS} worker processes, 10-step runs`,
      impl,
      value: s.median,
      unit: 'runs/s',
      note: `median of ${reps} × ${runs} runs (min–max ${Math.round(s.min)}–${Math.round(s.max)}); ${WORKERS} workers × concurrency ${CONCURRENCY}; workers' CPU ${Math.round(c.median)} µs/run; goal ≥ 5,000 runs/s`,
    },
  ];
}
