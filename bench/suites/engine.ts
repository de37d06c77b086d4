// Engine overhead per step, in memory: Weft vs @mastra/core vs @langchain/langgraph, same process.
// Cases: a 10-step chain of trivial zod-typed steps (µs per step) and a fan-out of 8 parallel
// branches (runs per second). Every implementation validates with zod where it supports it.
import { z } from 'zod';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

const S = z.object({ n: z.number() });
type N = z.infer<typeof S>;

/** Runs `fn` until `ms` elapsed (after a warm-up) and returns the mean time per call in µs. */
async function measure(fn: () => Promise<unknown>, opts: { warm: number; ms: number }): Promise<number> {
  for (let i = 0; i < opts.warm; i++) await fn();
  (globalThis as { gc?: () => void }).gc?.();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < opts.ms) {
    for (let i = 0; i < 50; i++) await fn();
    n += 50;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

async function weft(opts: { warm: number; ms: number }) {
  const { createEngine, step, workflow } = await import('@weft/workflow');
  const steps = Array.from({ length: 10 }, (_, i) =>
    step({ id: `s${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + 1 }) }),
  );
  let b: any = workflow({ id: 'chain', input: S });
  for (const s of steps) b = b.step(s);
  const chain = b.commit();
  const branches = Array.from({ length: 8 }, (_, i) =>
    step({ id: `p${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + i }) }),
  );
  const fan = workflow({ id: 'fan', input: S }).parallel(branches).commit();
  const engine = createEngine();
  const chainUs = await measure(() => engine.run(chain).start({ input: { n: 0 } }), opts);
  const fanUs = await measure(() => engine.run(fan).start({ input: { n: 0 } }), opts);
  const check = await engine.run(chain).start({ input: { n: 0 } });
  if (check.status !== 'success' || (check.output as N).n !== 10) throw new Error('weft chain produced a wrong result');
  return { chainUs, fanUs };
}

async function mastra(opts: { warm: number; ms: number }, withStore: boolean) {
  const { createWorkflow, createStep } = await import('@mastra/core/workflows');
  const { Mastra } = await import('@mastra/core/mastra');
  const storage = withStore ? new (await import('@mastra/core/storage')).InMemoryStore() : undefined;
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
  const m: any = new Mastra({ workflows: { chain, fan }, logger: false, ...(storage ? { storage } : {}) } as any);
  const run = async (id: string) => {
    const r = await (await m.getWorkflow(id).createRun()).start({ inputData: { n: 0 } });
    if (r.status !== 'success') throw new Error(`mastra ${id}: ${r.status}`);
  };
  return { chainUs: await measure(() => run('chain'), opts), fanUs: await measure(() => run('fan'), opts) };
}

async function langgraph(opts: { warm: number; ms: number }) {
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
    chainUs: await measure(() => chain.invoke({ n: 0 }), opts),
    fanUs: await measure(() => fan.invoke({ n: 0 }), opts),
  };
}

export default async function engineSuite(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const opts = ctx.quick ? { warm: 200, ms: 400 } : { warm: 2000, ms: 2000 };
  const peerOpts = ctx.quick ? { warm: 20, ms: 400 } : { warm: 200, ms: 2000 };
  const rows: BenchRow[] = [];
  const add = (impl: string, r: { chainUs: number; fanUs: number }, note?: string) => {
    rows.push({
      suite: 'engine',
      case: '10-step chain, in memory',
      impl,
      value: r.chainUs / 10,
      unit: 'µs/step',
      note,
    });
    rows.push({
      suite: 'engine',
      case: 'fan-out of 8 parallel branches',
      impl,
      value: 1e6 / r.fanUs,
      unit: 'runs/s',
      note,
    });
  };
  add('weft', await weft(opts), 'goal ≤ 2 µs/step, ≥ 25,000 runs/s');
  for (const [impl, fn] of [
    ['@mastra/core (no storage)', () => mastra(peerOpts, false)],
    ['@mastra/core (InMemoryStore)', () => mastra(peerOpts, true)],
    ['@langchain/langgraph', () => langgraph(peerOpts)],
  ] as const) {
    try {
      add(impl, await fn());
    } catch (e) {
      rows.push({
        suite: 'engine',
        case: 'setup',
        impl,
        value: Number.NaN,
        unit: '-',
        note: `failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200),
      });
    }
  }
  return rows;
}
