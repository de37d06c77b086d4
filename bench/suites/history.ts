// History scaling: does a store that keeps months of history stay as fast as an empty one? A
// persisted 10-step chain (the durable suite's), runs/s on a libsql file (WAL + synchronous=NORMAL,
// the store's defaults) that is empty, and on one that already holds 1,000,000 finished runs
// (--quick: 50,000); Postgres the same at 100,000 stored runs (--quick: 20,000). Each size is a cell
// in a fresh process. The stored history is bulk-inserted, not run: one real run's rows (run, 10
// steps, its events) are copied with new ids and timestamps in the past into the real schema, in
// transactions of 20,000 runs, ids generated as the engine generates them (time-ordered UUIDv7).
// The measured windows are real runs through the public API (engine.run(chain).start()) on that
// file, by the shared method (bench/lib/measure.ts: warm-up, then repetitions = windows, median with
// min–max); the ratio row compares the last window of the big file with the first window of the
// empty one (and the medians, and CPU per run). After measuring, the big cell purges the oldest 10% of the history with
// store.purgeRuns (batched) and reports its duration and its longest write transaction. No peer
// here: Mastra and LangGraph have no retention API to compare with.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 } from 'uuid';
import { z } from 'zod';
import type { BenchRow as Row0 } from '../run.ts';
import { describe, METHOD, type Method, perOp, range } from '../lib/measure.ts';

/** A row, with what the summary needs from each cell. */
interface BenchRow extends Row0 {
  /** Stored runs of the cell. */
  stored?: number;
  /** runs/s of every window, in order. */
  windows?: number[];
}

const IMPL = 'weft (libsql file)';
const PG_IMPL = 'weft (postgres, synchronous_commit=off)';
const COST_RUNS = 300;

const S = z.object({ n: z.number() });
type N = z.infer<typeof S>;
const PG_URL = process.env.WEFT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 20_000;
const CASE = 'persisted 10-step chain';

async function chainWorkflow() {
  const { step, workflow } = await import('@weft/workflow');
  let b: any = workflow({ id: 'chain', input: S });
  for (let i = 0; i < 10; i++) {
    b = b.step(
      step({ id: `s${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + 1 }) }),
    );
  }
  return b.commit();
}

type Row = Record<string, unknown>;
interface Template {
  run: Row;
  steps: Row[];
  events: Row[];
}

/** Column rewrites of one copied run: its id, and its timestamps moved to `at`. */
function copyRows(t: Template, id: string, at: number) {
  const shift = at - (t.run.created_at as number);
  const run = {
    ...t.run,
    id,
    created_at: at,
    updated_at: (t.run.updated_at as number) + shift,
    lease_expires_at: (t.run.lease_expires_at as number) + shift,
  };
  const steps = t.steps.map((s) => ({
    ...s,
    run_id: id,
    started_at: (s.started_at as number) + shift,
    ended_at: (s.ended_at as number) + shift,
  }));
  const events = t.events.map((e) => ({ ...e, run_id: id, at: (e.at as number) + shift }));
  return { run, steps, events };
}

/** Ids and creation times of `n` history runs, oldest first, ending a minute ago. */
function historyIds(n: number): { id: string; at: number }[] {
  const end = Date.now() - 60_000;
  const out: { id: string; at: number }[] = [];
  for (let i = 0; i < n; i++) {
    const at = end - (n - i) * 10; // one run every 10 ms: 1M runs ≈ 3 hours of history
    out.push({ id: v7({ msecs: at }), at });
  }
  return out;
}

/** Where a cell's history lives: how to open the store on it, grow it, size it, remove it. */
interface Target {
  open(): Store;
  /** Bulk-inserts `ids` as copies of the template run (the only run stored so far). */
  grow(ids: { id: string; at: number }[]): Promise<void>;
  bytes(): Promise<number>;
  cleanup(): Promise<void>;
}
type Store = ReturnType<typeof import('@weft/workflow').createStore>;

async function libsqlTarget(): Promise<Target> {
  const { createStore } = await import('@weft/workflow');
  const dir = mkdtempSync(join(tmpdir(), 'weft-history-'));
  const file = join(dir, 'weft.db');
  return {
    open: () => createStore({ url: `file:${file}` }),
    async grow(ids) {
      const Database = createRequire(import.meta.url)('libsql');
      const db = new Database(file);
      const all = (q: string) => (db.prepare(q).all() as Row[]).map(({ _metadata, ...r }) => r);
      const template = {
        run: all('SELECT * FROM weft_runs')[0] as Row,
        steps: all('SELECT * FROM weft_steps'),
        events: all('SELECT * FROM weft_events'),
      };
      const insert = (table: string, row: Row) =>
        db.prepare(
          `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
            .map(() => '?')
            .join(', ')})`,
        );
      const ins = {
        run: insert('weft_runs', template.run),
        step: insert('weft_steps', template.steps[0] as Row),
        event: insert('weft_events', template.events[0] as Row),
      };
      for (let i = 0; i < ids.length; i += BATCH) {
        db.exec('BEGIN');
        for (const { id, at } of ids.slice(i, i + BATCH)) {
          const c = copyRows(template, id, at);
          ins.run.run(Object.values(c.run));
          for (const s of c.steps) ins.step.run(Object.values(s));
          for (const e of c.events) ins.event.run(Object.values(e));
        }
        db.exec('COMMIT');
      }
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
    bytes: async () => statSync(file).size,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Postgres: a schema of its own; the copies are made by the server (INSERT … SELECT … unnest). */
async function pgTarget(): Promise<Target> {
  const { createStore } = await import('@weft/workflow');
  const { sql } = await import('kysely');
  const schema = `weft_history_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const open = () => createStore({ url: PG_URL, schema, synchronousCommit: 'off' });
  const shifted = new Set(['created_at', 'updated_at', 'lease_expires_at', 'started_at', 'ended_at', 'at']);
  return {
    open,
    async grow(ids) {
      const store = open();
      await store.init();
      const db = store.db;
      const [run] = (await sql<Row>`SELECT * FROM weft_runs`.execute(db)).rows;
      const templateId = run?.id as string;
      const created = Number(run?.created_at);
      const copy = async (table: string, key: string, chunk: { id: string; at: number }[]) => {
        const [row] = (await sql<Row>`SELECT * FROM ${sql.table(table)} LIMIT 1`.execute(db)).rows;
        const cols = Object.keys(row as Row);
        const exprs = cols.map((c) =>
          c === key
            ? 'h.id'
            : c === 'created_at' && table === 'weft_runs'
              ? 'h.at'
              : shifted.has(c)
                ? `t.${c} + (h.at - ${created})`
                : `t.${c}`,
        );
        await sql`INSERT INTO ${sql.table(table)} (${sql.raw(cols.join(', '))}) SELECT ${sql.raw(exprs.join(', '))} FROM ${sql.table(table)} t, unnest(${chunk.map((x) => x.id)}::text[], ${chunk.map((x) => x.at)}::bigint[]) AS h(id, at) WHERE t.${sql.raw(key)} = ${templateId}`.execute(
          db,
        );
      };
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        await copy('weft_runs', 'id', chunk);
        await copy('weft_steps', 'run_id', chunk);
        await copy('weft_events', 'run_id', chunk);
      }
      await sql`VACUUM ANALYZE weft_runs`.execute(db);
      await sql`VACUUM ANALYZE weft_steps`.execute(db);
      await sql`VACUUM ANALYZE weft_events`.execute(db);
      await store.close();
    },
    async bytes() {
      const store = open();
      const { rows } = await sql<{
        b: string;
      }>`SELECT SUM(pg_total_relation_size(c.oid))::text AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schema} AND c.relkind = 'r'`.execute(
        store.db,
      );
      await store.close();
      return Number(rows[0]?.b ?? 0);
    },
    async cleanup() {
      const store = open();
      await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await store.close();
    },
  };
}

async function measureCell(plan: Method, stored: number, dialect: 'libsql' | 'postgres') {
  const { createEngine } = await import('@weft/workflow');
  const chain = await chainWorkflow();
  const target = dialect === 'libsql' ? await libsqlTarget() : await pgTarget();
  try {
    // One real run gives the template rows (and lets the store create the schema).
    {
      const store = target.open();
      const engine = createEngine({ store });
      const r = await engine.run(chain).start({ input: { n: 0 } });
      if (r.status !== 'success') throw new Error(`template run: ${r.status}`);
      await engine.close();
      await store.close();
    }
    const ids = historyIds(stored);
    const growMs = performance.now();
    if (stored > 0) await target.grow(ids);
    const grownS = (performance.now() - growMs) / 1000;
    const bytes = await target.bytes();

    const store = target.open();
    const engine = createEngine({ store });
    const stats = await perOp(async () => {
      const r = await engine.run(chain).start({ input: { n: 0 } });
      if (r.status !== 'success') throw new Error(`chain: ${r.status}`);
    }, plan);
    const cost = await perRunCost(() => engine.run(chain).start({ input: { n: 0 } }), COST_RUNS);
    let purge: { ms: number; deleted: number; longestTxnMs: number; batches: number } | undefined;
    if (stored > 0) {
      const before = ids[Math.floor(stored / 10)]?.at as number;
      const t0 = performance.now();
      let longestTxnMs = 0;
      let batches = 0;
      const deleted = await store.purgeRuns(before, {
        onBatch: (b) => {
          longestTxnMs = Math.max(longestTxnMs, b.ms);
          batches++;
        },
      });
      purge = { ms: performance.now() - t0, deleted, longestTxnMs, batches };
    }
    await engine.close();
    await store.close();
    return { stats, grownS, bytes, purge, cost };
  } finally {
    await target.cleanup();
  }
}

/** Read from /proc/self/io (Linux): read and write syscalls of this process so far. */
function io(): { syscr: number; syscw: number } {
  try {
    const text = readFileSync('/proc/self/io', 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return { syscr: get('syscr'), syscw: get('syscw') };
  } catch {
    return { syscr: Number.NaN, syscw: Number.NaN };
  }
}

/**
 * CPU time and read/write syscalls per run over `count` runs: what one run costs the process,
 * independent of how busy the machine is (a page missing from SQLite's cache is one pread).
 */
async function perRunCost(op: () => Promise<unknown>, count: number) {
  const cpu0 = process.cpuUsage();
  const io0 = io();
  for (let i = 0; i < count; i++) await op();
  const cpu = process.cpuUsage(cpu0);
  const io1 = io();
  return {
    cpuMs: (cpu.user + cpu.system) / 1000 / count,
    sysMs: cpu.system / 1000 / count,
    reads: (io1.syscr - io0.syscr) / count,
    writes: (io1.syscw - io0.syscw) / count,
  };
}

/** The implementations compared; each runs in a fresh process (bench/run.ts). */
export const cells = ['libsql-empty', 'libsql-history', 'pg-empty', 'pg-history'] as const;
type Cell = (typeof cells)[number];

const CELLS = (quick: boolean): Record<Cell, { stored: number; dialect: 'libsql' | 'postgres'; impl: string }> => ({
  'libsql-empty': { stored: 0, dialect: 'libsql', impl: IMPL },
  'libsql-history': { stored: quick ? 50_000 : 1_000_000, dialect: 'libsql', impl: IMPL },
  'pg-empty': { stored: 0, dialect: 'postgres', impl: PG_IMPL },
  'pg-history': { stored: quick ? 20_000 : 100_000, dialect: 'postgres', impl: PG_IMPL },
});

const perS = (ms: number) => 1000 / ms;
const n = (v: number) => v.toLocaleString('en-US');

export default async function historySuite(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const method = ctx.quick ? METHOD.quick : METHOD.full;
  const rows: BenchRow[] = [];
  for (const cell of ctx.cell ? [ctx.cell as Cell] : cells) {
    const { stored, dialect, impl } = CELLS(ctx.quick)[cell];
    const r = await measureCell(method, stored, dialect);
    const size = `${(r.bytes / 2 ** 20).toFixed(0)} MiB ${dialect === 'libsql' ? 'file' : 'of tables'}`;
    const grown = stored > 0 ? `history bulk-inserted in ${r.grownS.toFixed(0)} s` : '';
    const windows = r.stats.values.map(perS);
    rows.push({
      suite: 'history',
      case: `${CASE}, ${n(stored)} stored runs`,
      impl,
      value: perS(r.stats.median),
      unit: 'runs/s',
      note: [`median; ${describe(method)}`, range(r.stats, perS), window(windows), size, grown]
        .filter(Boolean)
        .join('; '),
      stored,
      windows,
    });
    rows.push({
      suite: 'history',
      case: `CPU per run, ${n(stored)} stored runs`,
      impl,
      value: r.cost.cpuMs,
      unit: 'ms',
      note: `mean over ${COST_RUNS} runs after the windows (process.cpuUsage, /proc/self/io${dialect === 'postgres' ? '; this process only, the server is not counted' : ''}): ${r.cost.sysMs.toFixed(2)} ms of it in the kernel, ${r.cost.reads.toFixed(1)} read + ${r.cost.writes.toFixed(1)} write syscalls per run`,
      stored,
    });
    if (r.purge) {
      rows.push({
        suite: 'history',
        case: `purge oldest 10% (${n(r.purge.deleted)} runs) at ${n(stored)}: longest transaction`,
        impl,
        value: r.purge.longestTxnMs,
        unit: 'ms',
        note: `store.purgeRuns, ${r.purge.batches} batches of ≤ 500 runs (default batchSize); whole purge ${(r.purge.ms / 1000).toFixed(1)} s`,
      });
    }
  }
  return rows;
}

/**
 * The ratios (computed in the parent from both cells): the last window at the full history over
 * the first window of the empty file, the medians, and CPU per run (the figure a loaded machine
 * disturbs least).
 */
export function summary(rows: BenchRow[]): BenchRow[] {
  const out: BenchRow[] = [];
  for (const impl of [IMPL, PG_IMPL]) {
    const mine = rows.filter((r) => r.impl === impl);
    const chain = mine.filter((r) => r.case.startsWith(CASE) && r.windows?.length);
    const empty = chain.find((r) => r.stored === 0);
    const full = chain.find((r) => (r.stored ?? 0) > 0);
    const cpu = mine.filter((r) => r.case.startsWith('CPU per run'));
    const cpuEmpty = cpu.find((r) => r.stored === 0);
    const cpuFull = cpu.find((r) => (r.stored ?? 0) > 0);
    if (!empty?.windows || !full?.windows || !cpuEmpty || !cpuFull) continue;
    const first = empty.windows[0] as number;
    const last = full.windows[full.windows.length - 1] as number;
    const at = n(full.stored ?? 0);
    out.push(
      {
        suite: 'history',
        case: `runs/s at ${at} stored runs vs empty: last window / first window`,
        impl,
        value: (100 * last) / first,
        unit: '%',
        note: `${n(Math.round(last))} / ${n(Math.round(first))} runs/s; goal ≥ 90%`,
      },
      {
        suite: 'history',
        case: `runs/s at ${at} stored runs vs empty: median / median`,
        impl,
        value: (100 * full.value) / empty.value,
        unit: '%',
        note: `${n(Math.round(full.value))} / ${n(Math.round(empty.value))} runs/s (wall clock; other processes share the 2 cores)`,
      },
      {
        suite: 'history',
        case: `CPU per run at ${at} stored runs vs empty: empty / full`,
        impl,
        value: (100 * cpuEmpty.value) / cpuFull.value,
        unit: '%',
        note: `${cpuEmpty.value.toFixed(3)} ms / ${cpuFull.value.toFixed(3)} ms: runs per CPU-second at ${at} as a share of the empty store's`,
      },
    );
  }
  return out;
}

/** First and last window (repetition) in runs/s. */
function window(v: number[]): string {
  return `first window ${n(Math.round(v[0] as number))}, last ${n(Math.round(v[v.length - 1] as number))} runs/s`;
}
