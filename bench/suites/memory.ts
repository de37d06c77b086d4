// Memory: Weft vs @mastra/core vs @langchain/langgraph. RSS after import: a fresh `node --expose-gc`
// process per sample imports only what an app imports to write a workflow (weft: @weft/workflow;
// Mastra: @mastra/core/workflows + @mastra/core/mastra; LangGraph: @langchain/langgraph), runs
// gc(), and reads process.memoryUsage().rss; the median of the samples (5, 3 with --quick) with
// min–max, beside the same process importing nothing (Node's own baseline). "After a first run"
// is the same process after importing zod too, defining a 10-step zod chain and running it once in
// memory. "10,000 suspended runs" starts 10,000 runs of a 3-step workflow whose middle step
// suspends (human in the loop) on one engine with a libsql file store (Mastra: LibSQLStore file;
// LangGraph: SqliteSaver via the node:sqlite shim), all left suspended, and reports the growth of
// the process (RSS and JS heap after gc) over the same process before the first run, its engine
// and store already open; the runs are then resumed to check they are all still reachable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { langgraphGate, mastraGate, weftGate } from '../lib/gates.ts';
import { setupFailedRow, stats } from '../lib/measure.ts';
import type { BenchRow } from '../run.ts';

const MiB = 2 ** 20;
const bench = join(import.meta.dirname, '..');

/** What each implementation imports, and a 10-step zod chain run once in memory. */
const programs: Record<string, { imports: string; firstRun: string }> = {
  node: { imports: '', firstRun: '' },
  weft: {
    imports: `await import('@weft/workflow');`,
    firstRun: `
      const { z } = await import('zod');
      const { createEngine, step, workflow } = await import('@weft/workflow');
      const S = z.object({ n: z.number() });
      let b = workflow({ id: 'chain', input: S });
      for (let i = 0; i < 10; i++) b = b.step(step({ id: 's' + i, input: S, output: S, run: async ({ input }) => ({ n: input.n + 1 }) }));
      const r = await createEngine().run(b.commit()).start({ input: { n: 0 } });
      if (r.output.n !== 10) throw new Error('wrong result');`,
  },
  mastra: {
    imports: `await import('@mastra/core/workflows'); await import('@mastra/core/mastra');`,
    firstRun: `
      const { z } = await import('zod');
      const { createWorkflow, createStep } = await import('@mastra/core/workflows');
      const { Mastra } = await import('@mastra/core/mastra');
      const S = z.object({ n: z.number() });
      let c = createWorkflow({ id: 'chain', inputSchema: S, outputSchema: S });
      for (let i = 0; i < 10; i++) c = c.then(createStep({ id: 's' + i, inputSchema: S, outputSchema: S, execute: async ({ inputData }) => ({ n: inputData.n + 1 }) }));
      const m = new Mastra({ workflows: { chain: c.commit() }, logger: false });
      const r = await (await m.getWorkflow('chain').createRun()).start({ inputData: { n: 0 } });
      if (r.result.n !== 10) throw new Error('wrong result');`,
  },
  langgraph: {
    imports: `await import('@langchain/langgraph');`,
    firstRun: `
      const { z } = await import('zod');
      const { StateGraph, Annotation, START, END } = await import('@langchain/langgraph');
      const S = z.object({ n: z.number() });
      const g = new StateGraph(Annotation.Root({ n: Annotation() }));
      for (let i = 0; i < 10; i++) g.addNode('s' + i, async (s) => ({ n: S.parse({ n: s.n + 1 }).n }));
      g.addEdge(START, 's0');
      for (let i = 0; i < 9; i++) g.addEdge('s' + i, 's' + (i + 1));
      g.addEdge('s9', END);
      const out = await g.compile().invoke({ n: 0 });
      if (out.n !== 10) throw new Error('wrong result');`,
  },
};

/** RSS (MiB) of a fresh process after `code`, gc'd. */
function rssAfter(code: string): number {
  const script = `${code}\nglobalThis.gc(); globalThis.gc(); process.stdout.write(String(process.memoryUsage().rss));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: bench,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the sample failed: ${r.stderr.slice(0, 300)}`);
  return Number(r.stdout) / MiB;
}

const N_SUSPENDED = 10_000;
const fmt = (v: number) => v.toFixed(1);

/** Heap and RSS growth of this process while N runs are left suspended; then resumes them all. */
async function suspended(impl: string): Promise<{ rss: number; heap: number }> {
  const gc = () => {
    (globalThis as { gc?: () => void }).gc?.();
    (globalThis as { gc?: () => void }).gc?.();
  };
  const mem = () => {
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
  };
  const dir = mkdtempSync(join(tmpdir(), `memory-${impl}-`));
  try {
    if (impl === 'weft') {
      const { createEngine, createStore } = await import('@weft/workflow');
      const gate = await weftGate();
      const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
      const engine = createEngine({ store, workflows: [gate] });
      // One run first, so the store's connection and statements exist in the "before" figure.
      const warm = await engine.run(gate).start({ input: { n: 0 } });
      await engine.resume(warm.runId, { step: 'ask', data: { ok: true } });
      const before = mem();
      const ids: string[] = [];
      for (let i = 0; i < N_SUSPENDED; i++) {
        const r = await engine.run(gate).start({ input: { n: i } });
        if (r.status !== 'suspended') throw new Error(`weft: ${r.status}`);
        ids.push(r.runId);
      }
      const after = mem();
      for (const id of ids) {
        const done = await engine.resume(id, { step: 'ask', data: { ok: true } });
        if (done.status !== 'success') throw new Error(`weft resume: ${done.status}`);
      }
      await engine.close();
      await store.close();
      return { rss: after.rss - before.rss, heap: after.heap - before.heap };
    }
    if (impl === 'mastra') {
      const { Mastra } = await import('@mastra/core/mastra');
      const { LibSQLStore } = await import('@mastra/libsql');
      const { gate } = await mastraGate();
      const storage = new LibSQLStore({ id: 'memory', url: `file:${join(dir, 'mastra.db')}` });
      const m: any = new Mastra({ workflows: { gate }, storage, logger: false } as any);
      await storage.init();
      const wf = m.getWorkflow('gate');
      const warm = await wf.createRun();
      await warm.start({ inputData: { n: 0 } });
      await warm.resume({ step: 'ask', resumeData: { ok: true } });
      const before = mem();
      const ids: string[] = [];
      for (let i = 0; i < N_SUSPENDED; i++) {
        const run = await wf.createRun();
        const r = await run.start({ inputData: { n: i } });
        if (r.status !== 'suspended') throw new Error(`mastra: ${r.status}`);
        ids.push(run.runId);
      }
      const after = mem();
      for (const runId of ids) {
        const run = await wf.createRun({ runId });
        const done = await run.resume({ step: 'ask', resumeData: { ok: true } });
        if (done.status !== 'success') throw new Error(`mastra resume: ${done.status}`);
      }
      await (storage as any).close?.();
      return { rss: after.rss - before.rss, heap: after.heap - before.heap };
    }
    const { Command } = await import('@langchain/langgraph');
    const { SqliteSaver } = await import('@langchain/langgraph-checkpoint-sqlite');
    const { ShimDatabase } = await import('../shims/better-sqlite3.ts');
    const db = new ShimDatabase(join(dir, 'lg.db'));
    db.pragma('journal_mode=WAL');
    db.pragma('synchronous=NORMAL');
    const q = await langgraphGate();
    const gate = q.compile({ checkpointer: new SqliteSaver(db as any) });
    const cfg = (i: number) => ({ configurable: { thread_id: `t${i}` } });
    await gate.invoke({ n: 0 }, cfg(-1));
    await gate.invoke(new Command({ resume: { ok: true } }), cfg(-1));
    const before = mem();
    for (let i = 0; i < N_SUSPENDED; i++) await gate.invoke({ n: i }, cfg(i));
    const after = mem();
    for (let i = 0; i < N_SUSPENDED; i++) {
      const done = await gate.invoke(new Command({ resume: { ok: true } }), cfg(i));
      if (done.n !== i + 3) throw new Error(`langgraph resume: ${done.n}`);
    }
    db.close();
    return { rss: after.rss - before.rss, heap: after.heap - before.heap };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The implementations compared; each runs in a fresh process (bench/run.ts). */
export const cells = ['weft', 'mastra', 'langgraph'] as const;
type Cell = (typeof cells)[number];

const names: Record<Cell, string> = {
  weft: 'weft',
  mastra: '@mastra/core',
  langgraph: '@langchain/langgraph',
};

export default async function memorySuite(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const samples = ctx.quick ? 3 : 5;
  const rows: BenchRow[] = [];
  for (const cell of ctx.cell ? [ctx.cell as Cell] : cells) {
    const impl = names[cell];
    const p = programs[cell] as { imports: string; firstRun: string };
    const sample = (code: string) => stats(Array.from({ length: samples }, () => rssAfter(code)));
    const how = `median of ${samples} fresh processes`;
    try {
      const node = sample('');
      const imported = sample(p.imports);
      const firstRun = sample(p.firstRun);
      const range = (s: ReturnType<typeof stats>) => `min–max ${fmt(s.min)}–${fmt(s.max)}`;
      rows.push({
        suite: 'memory',
        case: 'RSS after import',
        impl,
        value: imported.median,
        unit: 'MiB',
        note: `${how}; ${range(imported)}; node alone ${fmt(node.median)} MiB${cell === 'weft' ? '; goal ≤ 70 MiB' : ''}`,
      });
      rows.push({
        suite: 'memory',
        case: 'RSS after a first 10-step run (in memory)',
        impl,
        value: firstRun.median,
        unit: 'MiB',
        note: `${how}; ${range(firstRun)}; zod imported too`,
      });
      const s = await suspended(cell);
      rows.push({
        suite: 'memory',
        case: `${N_SUSPENDED.toLocaleString('en-US')} suspended runs held by one engine`,
        impl,
        value: s.rss,
        unit: 'MiB',
        note: `RSS growth (JS heap ${fmt(s.heap)} MiB); libsql/SQLite file store${cell === 'weft' ? '; goal ≤ 50 MiB' : ''}`,
      });
    } catch (e) {
      rows.push(setupFailedRow('memory', impl, e));
    }
  }
  return rows;
}
