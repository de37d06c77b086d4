// Durable runs on a real database file: Weft (libsql file, and Postgres beside it) vs
// @mastra/core + @mastra/libsql (LibSQLStore on a file) vs @langchain/langgraph + SqliteSaver.
// Every implementation runs its file in WAL + synchronous=NORMAL (Mastra's LibSQLStore sets that
// itself; LangGraph's saver sets WAL, we add NORMAL; Weft's default). Each implementation runs in a
// fresh process, on one database that grows through warm-up and every repetition as a user's would,
// by the shared method (bench/lib/measure.ts: equal warm-up and measured time, an event-loop turn
// between runs, median of the repetitions with min–max).
// Cases: a persisted 10-step chain (runs/s; every step is committed before the next starts), a
// suspend + resume round trip of a 3-step workflow whose middle step waits (ms: start → suspended,
// resume → done), and 100 runs started at once (ms until all are done, and as aggregate runs/s).
// Substitution: better-sqlite3 cannot be compiled here, so LangGraph's SqliteSaver gets a
// better-sqlite3-compatible shim over node:sqlite (bench/shims/better-sqlite3.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { langgraphGate, mastraGate, weftGate } from '../lib/gates.ts';
import { describe, METHOD, type Method, perBatch, perOp, range, type Stats } from '../lib/measure.ts';
import type { BenchRow } from '../run.ts';
import { ShimDatabase } from '../shims/better-sqlite3.ts';

interface Result {
  /** ms per run. */
  chain: Stats;
  /** ms per suspend + resume round trip. */
  roundTrip: Stats;
  /** ms until 100 concurrent runs are done. */
  concurrent100: Stats;
  writesPerRun?: number;
}

const S = z.object({ n: z.number() });
type N = z.infer<typeof S>;
const PG_URL = process.env.WEFT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** 100 runs at once (one batch). */
const hundred = (fn: () => Promise<unknown>) => () => Promise.all(Array.from({ length: 100 }, fn));

async function weft(
  plan: Method,
  dialect: 'libsql' | 'postgres',
  synchronousCommit: 'on' | 'off' = 'on',
): Promise<Result> {
  const { createEngine, createStore, step, workflow } = await import('@weft/workflow');
  const steps = Array.from({ length: 10 }, (_, i) =>
    step({ id: `s${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + 1 }) }),
  );
  let b: any = workflow({ id: 'chain', input: S });
  for (const s of steps) b = b.step(s);
  const chain = b.commit();
  const gate = await weftGate();

  const fresh = async () => {
    if (dialect === 'libsql') {
      const dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
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
    const schema = `weft_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const store = createStore({ url: PG_URL, schema, synchronousCommit });
    await store.init();
    return {
      store,
      cleanup: async () => {
        await store.db.schema.dropSchema(schema).cascade().execute();
        await store.close();
      },
    };
  };

  // Writes one run costs: every store call that writes, counted on one run.
  let writesPerRun = 0;
  {
    const { store, cleanup } = await fresh();
    const counted = new Proxy(store, {
      get(target, prop) {
        const v = (target as any)[prop];
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (['createRun', 'commitStep', 'updateRun', 'appendEvents', 'addTimer'].includes(String(prop)))
            writesPerRun++;
          return v.apply(target, args);
        };
      },
    });
    const r = await createEngine({ store: counted })
      .run(chain)
      .start({ input: { n: 0 } });
    if (r.status !== 'success' || (r.output as N).n !== 10) throw new Error('weft chain produced a wrong result');
    await cleanup();
  }

  // One database and engine for the whole cell: it grows through warm-up and every repetition.
  const { store, cleanup } = await fresh();
  const engine = createEngine({ store });
  try {
    const chainStats = await perOp(() => engine.run(chain).start({ input: { n: 0 } }), plan);
    const roundTrip = await perOp(async () => {
      const r = await engine.run(gate).start({ input: { n: 1 } });
      if (r.status !== 'suspended') throw new Error(`weft gate: ${r.status}`);
      const done = await engine.resume(r.runId, { step: 'ask', data: { ok: true } });
      if (done.status !== 'success') throw new Error(`weft round trip: ${done.status}`);
    }, plan);
    const concurrent100 = await perBatch(
      hundred(() => engine.run(chain).start({ input: { n: 0 } })),
      plan,
    );
    return { chain: chainStats, roundTrip, concurrent100, writesPerRun };
  } finally {
    await cleanup();
  }
}

async function mastra(plan: Method): Promise<Result> {
  const { createWorkflow, createStep } = await import('@mastra/core/workflows');
  const { Mastra } = await import('@mastra/core/mastra');
  const { LibSQLStore } = await import('@mastra/libsql');
  const mk = (id: string) =>
    createStep({
      id,
      inputSchema: S,
      outputSchema: S,
      execute: async ({ inputData }: { inputData: N }) => ({ n: inputData.n + 1 }),
    });
  let c: any = createWorkflow({ id: 'chain', inputSchema: S, outputSchema: S });
  for (let i = 0; i < 10; i++) c = c.then(mk(`s${i}`));
  const chain = c.commit();
  const { gate } = await mastraGate();

  const fresh = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mastra-bench-'));
    const storage = new LibSQLStore({ id: 'bench', url: `file:${join(dir, 'mastra.db')}` });
    const m: any = new Mastra({ workflows: { chain, gate }, storage, logger: false } as any);
    await storage.init();
    return {
      m,
      storage,
      cleanup: async () => {
        await (storage as any).close?.();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  const startChain = async (m: any) => {
    const r = await (await m.getWorkflow('chain').createRun()).start({ inputData: { n: 0 } });
    if (r.status !== 'success') throw new Error(`mastra chain: ${r.status}`);
  };

  let writesPerRun: number | undefined;
  {
    const { m, storage, cleanup } = await fresh();
    const wfStore: any = await (storage as any).getStore?.('workflows');
    if (wfStore?.persistWorkflowSnapshot) {
      let n = 0;
      const orig = wfStore.persistWorkflowSnapshot.bind(wfStore);
      wfStore.persistWorkflowSnapshot = (...a: unknown[]) => {
        n++;
        return orig(...a);
      };
      await startChain(m);
      writesPerRun = n;
    }
    await cleanup();
  }

  const { m, cleanup } = await fresh();
  try {
    const chainStats = await perOp(() => startChain(m), plan);
    const roundTrip = await perOp(async () => {
      const run = await m.getWorkflow('gate').createRun();
      const r = await run.start({ inputData: { n: 1 } });
      if (r.status !== 'suspended') throw new Error(`mastra gate: ${r.status}`);
      const done = await run.resume({ step: 'ask', resumeData: { ok: true } });
      if (done.status !== 'success') throw new Error(`mastra resume: ${done.status}`);
    }, plan);
    const concurrent100 = await perBatch(
      hundred(() => startChain(m)),
      plan,
    );
    return { chain: chainStats, roundTrip, concurrent100, ...(writesPerRun ? { writesPerRun } : {}) };
  } finally {
    await cleanup();
  }
}

async function langgraph(plan: Method): Promise<Result> {
  const { StateGraph, Annotation, START, END, Command } = await import('@langchain/langgraph');
  const { SqliteSaver } = await import('@langchain/langgraph-checkpoint-sqlite');
  const State = Annotation.Root({ n: Annotation<number>() });
  const g: any = new StateGraph(State);
  for (let i = 0; i < 10; i++) g.addNode(`s${i}`, async (s: { n: number }) => ({ n: S.parse({ n: s.n + 1 }).n }));
  g.addEdge(START, 's0');
  for (let i = 0; i < 9; i++) g.addEdge(`s${i}`, `s${i + 1}`);
  g.addEdge('s9', END);
  const q = await langgraphGate();

  let writes = 0;
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'langgraph-bench-'));
    const db = new ShimDatabase(join(dir, 'lg.db'));
    db.pragma('journal_mode=WAL');
    db.pragma('synchronous=NORMAL');
    const saver: any = new SqliteSaver(db as any);
    const put = saver.put.bind(saver);
    const putWrites = saver.putWrites.bind(saver);
    saver.put = (...a: unknown[]) => {
      writes++;
      return put(...a);
    };
    saver.putWrites = (...a: unknown[]) => {
      writes++;
      return putWrites(...a);
    };
    return {
      chain: g.compile({ checkpointer: saver }),
      gate: q.compile({ checkpointer: saver }),
      cleanup: () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  let thread = 0;
  const cfg = () => ({ configurable: { thread_id: `t${++thread}` } });

  let writesPerRun: number;
  {
    const { chain, cleanup } = fresh();
    writes = 0;
    const out = await chain.invoke({ n: 0 }, cfg());
    if (out.n !== 10) throw new Error('langgraph chain produced a wrong result');
    writesPerRun = writes;
    cleanup();
  }
  const { chain, gate, cleanup } = fresh();
  try {
    const chainStats = await perOp(() => chain.invoke({ n: 0 }, cfg()), plan);
    const roundTrip = await perOp(async () => {
      const config = cfg();
      await gate.invoke({ n: 1 }, config);
      const done = await gate.invoke(new Command({ resume: { ok: true } }), config);
      if (done.n !== 4) throw new Error(`langgraph resume produced a wrong result: ${done.n}`);
    }, plan);
    const concurrent100 = await perBatch(
      hundred(() => chain.invoke({ n: 0 }, cfg())),
      plan,
    );
    return { chain: chainStats, roundTrip, concurrent100, writesPerRun };
  } finally {
    cleanup();
  }
}

/**
 * The machine's floor in this run: one bare SQLite commit (an autocommitted one-row INSERT through
 * the same `libsql` package, WAL + synchronous=NORMAL, no engine), timed by the same method. A
 * 10-step chain commits 11 times (the run, 10 steps with the run's end in the last), so 11 of
 * these bound what any one-commit-per-step engine can do sequentially on this machine, today.
 */
async function sqliteFloor(plan: Method): Promise<Stats> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.resolve('@weft/workflow'));
  const Database = require('libsql') as new (
    path: string,
  ) => { exec(sql: string): void; prepare(sql: string): { run(...a: unknown[]): unknown }; close(): void };
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const row = 'x'.repeat(100);
    return await perOp(async () => {
      insert.run(row);
    }, plan);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The implementations compared; each runs in a fresh process (bench/run.ts). */
export const cells = ['weft-libsql', 'weft-pg-off', 'weft-pg-on', 'mastra', 'langgraph', 'floor'] as const;
type Cell = Exclude<(typeof cells)[number], 'floor'>;
const FLOOR = 'SQLite floor (bare commits, no engine)';

const impls: Record<Cell, [string, (m: Method) => Promise<Result>, string]> = {
  'weft-libsql': ['weft (libsql file)', (m) => weft(m, 'libsql'), 'WAL + synchronous=NORMAL'],
  // Postgres at the same durability class as WAL + NORMAL (synchronous_commit=off), and at the
  // server default (every commit waits for a WAL fsync: far fewer runs).
  'weft-pg-off': [
    'weft (postgres, synchronous_commit=off)',
    (m) => weft(m, 'postgres', 'off'),
    'local Postgres over TCP; synchronous_commit=off is the WAL + NORMAL trade-off',
  ],
  'weft-pg-on': [
    'weft (postgres, synchronous_commit=on)',
    (m) => weft(m, 'postgres', 'on'),
    'local Postgres over TCP; server default: an fsync per commit',
  ],
  mastra: [
    '@mastra/core + @mastra/libsql',
    mastra,
    'LibSQLStore file, WAL + NORMAL; writes = whole-run snapshot rewrites',
  ],
  langgraph: [
    '@langchain/langgraph + SqliteSaver',
    langgraph,
    'WAL + NORMAL; better-sqlite3 replaced by a node:sqlite shim; writes = put + putWrites',
  ],
};

export default async function durableSuite(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const method = ctx.quick ? METHOD.quick : METHOD.full;
  const rows: BenchRow[] = [];
  for (const cell of ctx.cell ? [ctx.cell as (typeof cells)[number]] : cells) {
    const how = `median; ${describe(method)}`;
    if (cell === 'floor') {
      const f = await sqliteFloor(method);
      const us = (ms: number) => ms * 1000;
      rows.push({
        suite: 'durable',
        case: 'one bare WAL commit (one-row INSERT)',
        impl: FLOOR,
        value: us(f.median),
        unit: 'µs',
        note: [how, range(f, us), 'libsql, WAL + synchronous=NORMAL'].join('; '),
      });
      rows.push({
        suite: 'durable',
        case: 'persisted 10-step chain',
        impl: FLOOR,
        value: 1000 / (11 * f.median),
        unit: 'runs/s',
        note: '11 bare commits a run (a 10-step chain commits 11 times): the ceiling of one commit per step here',
      });
      continue;
    }
    const [impl, fn, note] = impls[cell];
    let r: Result;
    try {
      r = await fn(method);
    } catch (error) {
      rows.push({
        suite: 'durable',
        case: 'persisted 10-step chain',
        impl,
        value: Number.NaN,
        unit: 'runs/s',
        note: `skipped: ${(error as Error).message}`.slice(0, 200),
      });
      continue;
    }
    const w = r.writesPerRun === undefined ? '' : `${r.writesPerRun} writes/run`;
    rows.push({
      suite: 'durable',
      case: 'persisted 10-step chain',
      impl,
      value: 1000 / r.chain.median,
      unit: 'runs/s',
      note: [how, range(r.chain, (ms) => 1000 / ms), w, note].filter(Boolean).join('; '),
    });
    rows.push({
      suite: 'durable',
      case: 'suspend + resume round trip',
      impl,
      value: r.roundTrip.median,
      unit: 'ms',
      note: [how, range(r.roundTrip), note].join('; '),
    });
    rows.push({
      suite: 'durable',
      case: '100 runs started at once',
      impl,
      value: r.concurrent100.median,
      unit: 'ms',
      note: [how, range(r.concurrent100), note].join('; '),
    });
    // The same batches as aggregate throughput: 100 runs per batch (the goals: bench/lib/goals.mjs).
    rows.push({
      suite: 'durable',
      case: '100 concurrent runs, aggregate',
      impl,
      value: (100 * 1000) / r.concurrent100.median,
      unit: 'runs/s',
      note: [how, range(r.concurrent100, (ms) => (100 * 1000) / ms), note].join('; '),
    });
  }
  return rows;
}
