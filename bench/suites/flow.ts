// Flow control and schedules (@weft/workflow src/flow-control, src/schedule), on a libsql file and
// on local Postgres. Claim + dispatch: one worker (concurrency 10, pollMs 0) drains N queued
// one-step runs, with per-key limits off (a plain workflow, the plain claim) and on (16 tenant keys,
// at most 4 running per key: the flow claim counts running runs per key in the claim transaction);
// the value is wall time per run from the first claim to the last run finished. Schedule tick
// latency: a 200 ms interval schedule, a worker polling every 50 ms; latency = the step's start time
// minus the tick's scheduled time, over 25 ticks (p50 and p95). Best of 3 rounds (quick: 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

const PG_URL = process.env.WEFT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Dialect = 'libsql' | 'postgres';

async function freshStore(dialect: Dialect) {
  const { createStore } = await import('@weft/workflow');
  if (dialect === 'libsql') {
    const dir = mkdtempSync(join(tmpdir(), 'weft-bench-flow-'));
    const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `weft_bench_flow_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const store = createStore({ url: PG_URL, schema });
  await store.init();
  return {
    store,
    cleanup: async () => {
      await store.db.schema.dropSchema(schema).cascade().execute();
      await store.close();
    },
  };
}

/** ms per run to drain `n` queued runs with one worker. */
async function drain(dialect: Dialect, n: number, limited: boolean): Promise<number> {
  const { createEngine, createWorker, workflow } = await import('@weft/workflow');
  const { store, cleanup } = await freshStore(dialect);
  try {
    const input = z.object({ tenant: z.string(), i: z.number() });
    const wf = workflow({
      id: 'job',
      input,
      ...(limited ? { flow: { concurrency: { key: (x: { tenant: string }) => x.tenant, limit: 4 } } } : {}),
    })
      .step('s', ({ input: x }) => ({ i: x.i }))
      .commit();
    const engine = createEngine({ store, workflows: [wf], logger: { debug() {}, info() {}, warn() {}, error() {} } });
    for (let i = 0; i < n; i += 100)
      await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, (_, j) =>
          engine.enqueue(wf, { tenant: `t${(i + j) % 16}`, i: i + j }),
        ),
      );
    const worker = createWorker({ engine, concurrency: 10, pollMs: 0 });
    const t0 = performance.now();
    worker.start();
    for (;;) {
      const open = await store.listRuns({ status: ['queued', 'running'], limit: 1 });
      if (open.runs.length === 0) break;
      await sleep(5);
    }
    const ms = performance.now() - t0;
    await worker.stop();
    return ms / n;
  } finally {
    await cleanup();
  }
}

/** Tick latency samples (ms) of a 200 ms interval schedule. */
async function tickLatency(dialect: Dialect, ticks: number): Promise<number[]> {
  const { createEngine, createWorker, workflow } = await import('@weft/workflow');
  const { store, cleanup } = await freshStore(dialect);
  try {
    const samples: number[] = [];
    const wf = workflow({
      id: 'tick',
      input: z.object({ scheduledAt: z.string(), scheduleId: z.string() }),
      schedules: [{ every: 200, missed: 'skip' }],
    })
      .step('s', ({ input }) => {
        samples.push(Date.now() - Date.parse(input.scheduledAt));
        return {};
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf], logger: { debug() {}, info() {}, warn() {}, error() {} } });
    const worker = createWorker({ engine, pollMs: 50 });
    worker.start();
    while (samples.length < ticks + 2) await sleep(20);
    await worker.stop();
    return samples.slice(2).sort((a, b) => a - b); // the first ticks include start-up
  } finally {
    await cleanup();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;

export default async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const rounds = quick ? 1 : 3;
  for (const dialect of ['libsql', 'postgres'] as const) {
    const impl = dialect === 'libsql' ? 'weft (libsql file)' : 'weft (postgres)';
    const n = quick ? 200 : dialect === 'libsql' ? 2000 : 1000;
    try {
      for (const limited of [false, true]) {
        let best = Number.POSITIVE_INFINITY;
        for (let r = 0; r < rounds; r++) best = Math.min(best, await drain(dialect, n, limited));
        rows.push({
          suite: 'flow',
          case: `claim + dispatch, per-key limits ${limited ? 'on' : 'off'}`,
          impl,
          value: best,
          unit: 'ms/run',
          note: `${n} queued one-step runs, 1 worker × 10${limited ? ', 16 keys × limit 4' : ''}`,
        });
      }
      const lat = await tickLatency(dialect, quick ? 10 : 25);
      rows.push({
        suite: 'flow',
        case: 'schedule tick latency p50',
        impl,
        value: pct(lat, 0.5),
        unit: 'ms',
        note: 'scheduled time → step start; poll 50 ms',
      });
      rows.push({
        suite: 'flow',
        case: 'schedule tick latency p95',
        impl,
        value: pct(lat, 0.95),
        unit: 'ms',
        note: `${lat.length} ticks of a 200 ms interval`,
      });
    } catch (error) {
      rows.push({
        suite: 'flow',
        case: 'claim + dispatch',
        impl,
        value: Number.NaN,
        unit: 'ms/run',
        note: `skipped: ${(error as Error).message}`,
      });
    }
  }
  return rows;
}
