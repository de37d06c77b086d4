// Engine overhead per step, in memory: Weft vs @mastra/core vs @langchain/langgraph, each in a fresh
// process, by the shared method (bench/lib/measure.ts: equal warm-up and measured time, an event-loop
// turn between runs, median of the repetitions with min–max). Cases: a 10-step chain of trivial
// zod-typed steps (µs per step) and a fan-out of 8 parallel branches (runs per second). Every
// implementation validates with zod where it supports it; one engine per cell keeps its in-memory
// state across repetitions, as an app's would.
import { z } from 'zod';
import { chainAndFan, type N, S } from '../lib/chain-fan.ts';
import { describe, METHOD, type Method, perOp, range, type Stats, setupFailedRow } from '../lib/measure.ts';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

/** ms per operation: median and range over the repetitions of the shared method. */
type Timing = Stats;

async function weft(plan: Method) {
  const { chain, fan, createEngine } = await chainAndFan(await import('@weft/workflow'));
  const engine = createEngine();
  const chainUs = await perOp(() => engine.run(chain).start({ input: { n: 0 } }), plan);
  const fanUs = await perOp(() => engine.run(fan).start({ input: { n: 0 } }), plan);
  return { chainUs, fanUs };
}

async function mastra(plan: Method, withStore: boolean) {
  const { createWorkflow, createStep } = await import('@mastra/core/workflows');
  const { Mastra } = await import('@mastra/core/mastra');
  const { InMemoryStore } = await import('@mastra/core/storage');
  const mk = (id: string, add: number) =>
    createStep({
      id,
      inputSchema: S,
      outputSchema: S,
      execute: async ({ inputData }: { inputData: N }) => ({ n: inputData.n + add }),
    });
  let c: any = createWorkflow({ id: 'chain', inputSchema: S, outputSchema: S });
  for (let i = 0; i < 10; i++) c = c.then(mk(`s${i}`, 1));
  const chain = c.commit();
  const fan = createWorkflow({ id: 'fan', inputSchema: S, outputSchema: z.any() })
    .parallel(Array.from({ length: 8 }, (_, i) => mk(`p${i}`, i)))
    .commit();
  const storage = withStore ? new InMemoryStore() : undefined;
  const m: any = new Mastra({ workflows: { chain, fan }, logger: false, ...(storage ? { storage } : {}) } as any);
  const op = (id: string) => {
    const wf = m.getWorkflow(id);
    return async () => {
      const r = await (await wf.createRun()).start({ inputData: { n: 0 } });
      if (r.status !== 'success') throw new Error(`mastra ${id}: ${r.status}`);
    };
  };
  return { chainUs: await perOp(op('chain'), plan), fanUs: await perOp(op('fan'), plan) };
}

async function langgraph(plan: Method) {
  const { StateGraph, Annotation, START, END } = await import('@langchain/langgraph');
  const State = Annotation.Root({
    n: Annotation<number>(),
    outs: Annotation<number[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const g: any = new StateGraph(State);
  for (let i = 0; i < 10; i++) g.addNode(`s${i}`, async (s: { n: number }) => ({ n: S.parse({ n: s.n + 1 }).n }));
  g.addEdge(START, 's0');
  for (let i = 0; i < 9; i++) g.addEdge(`s${i}`, `s${i + 1}`);
  g.addEdge('s9', END);
  const chain = g.compile();
  const f: any = new StateGraph(State);
  for (let i = 0; i < 8; i++) {
    f.addNode(`p${i}`, async (s: { n: number }) => ({ outs: [S.parse({ n: s.n + i }).n] }));
    f.addEdge(START, `p${i}`);
    f.addEdge(`p${i}`, END);
  }
  const fan = f.compile();
  return {
    chainUs: await perOp(() => chain.invoke({ n: 0 }), plan),
    fanUs: await perOp(() => fan.invoke({ n: 0 }), plan),
  };
}

/** The implementations compared; each runs in a fresh process (bench/run.ts). */
export const cells = ['weft', 'mastra', 'mastra-store', 'langgraph'] as const;

const impls: Record<
  (typeof cells)[number],
  [string, (m: Method) => Promise<{ chainUs: Timing; fanUs: Timing }>, string?]
> = {
  weft: ['weft', weft, 'goal ≤ 1 µs/step'],
  mastra: ['@mastra/core (no storage)', (m) => mastra(m, false)],
  'mastra-store': ['@mastra/core (InMemoryStore)', (m) => mastra(m, true)],
  langgraph: ['@langchain/langgraph', langgraph],
};

export default async function engineSuite(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const method = ctx.quick ? METHOD.quick : METHOD.full;
  const rows: BenchRow[] = [];
  for (const cell of ctx.cell ? [ctx.cell as (typeof cells)[number]] : cells) {
    const [impl, fn, goal] = impls[cell];
    try {
      const r = await fn(method);
      const how = `median; ${describe(method)}`;
      rows.push({
        suite: 'engine',
        case: '10-step chain, in memory',
        impl,
        value: (r.chainUs.median * 1000) / 10,
        unit: 'µs/step',
        note: [how, range(r.chainUs, (ms) => (ms * 1000) / 10), goal].filter(Boolean).join('; '),
      });
      rows.push({
        suite: 'engine',
        case: 'fan-out of 8 parallel branches',
        impl,
        value: 1000 / r.fanUs.median,
        unit: 'runs/s',
        note: [how, range(r.fanUs, (ms) => 1000 / ms)].join('; '),
      });
    } catch (e) {
      rows.push(setupFailedRow('engine', impl, e));
    }
  }
  return rows;
}
