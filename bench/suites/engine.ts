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

interface Plan {
  /** Calls per round. */
  iters: number;
  rounds: number;
}

/**
 * Mean µs per call of the best of several rounds. Each round gets fresh state from `setup` (so an
 * in-memory store does not grow across rounds) and runs `iters` calls after a short warm-up; the
 * best round is reported because the machine is shared (the minimum is the least disturbed).
 */
async function measure(
  setup: () => Promise<() => Promise<unknown>> | (() => Promise<unknown>),
  plan: Plan,
): Promise<Timing> {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < plan.rounds; r++) {
    const fn = await setup();
    for (let i = 0; i < Math.min(200, plan.iters); i++) await fn();
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < plan.iters; i++) await fn();
    wall = Math.min(wall, ((performance.now() - t0) * 1000) / plan.iters);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / plan.iters);
  }
  return { wall, cpu };
}

/** µs per call: wall clock, and CPU time of this process (less sensitive to a busy machine). */
interface Timing {
  wall: number;
  cpu: number;
}

async function weft(plan: Plan) {
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
  const chainUs = await measure(() => {
    const engine = createEngine();
    return () => engine.run(chain).start({ input: { n: 0 } });
  }, plan);
  const fanUs = await measure(() => {
    const engine = createEngine();
    return () => engine.run(fan).start({ input: { n: 0 } });
  }, plan);
  const check = await createEngine()
    .run(chain)
    .start({ input: { n: 0 } });
  if (check.status !== 'success' || (check.output as N).n !== 10) throw new Error('weft chain produced a wrong result');
  return { chainUs, fanUs };
}

async function mastra(plan: Plan, withStore: boolean) {
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
  const setup = (id: string) => () => {
    const storage = withStore ? new InMemoryStore() : undefined;
    const m: any = new Mastra({ workflows: { chain, fan }, logger: false, ...(storage ? { storage } : {}) } as any);
    const wf = m.getWorkflow(id);
    return async () => {
      const r = await (await wf.createRun()).start({ inputData: { n: 0 } });
      if (r.status !== 'success') throw new Error(`mastra ${id}: ${r.status}`);
    };
  };
  return { chainUs: await measure(setup('chain'), plan), fanUs: await measure(setup('fan'), plan) };
}

async function langgraph(plan: Plan) {
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
    chainUs: await measure(() => () => chain.invoke({ n: 0 }), plan),
    fanUs: await measure(() => () => fan.invoke({ n: 0 }), plan),
  };
}

export default async function engineSuite(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const plan: Plan = ctx.quick ? { iters: 2000, rounds: 3 } : { iters: 10_000, rounds: 7 };
  const peerPlan: Plan = ctx.quick ? { iters: 100, rounds: 2 } : { iters: 400, rounds: 3 };
  const rows: BenchRow[] = [];
  const add = (impl: string, r: { chainUs: Timing; fanUs: Timing }, note?: string) => {
    const row = (c: string, value: number, unit: string, n?: string) =>
      rows.push({ suite: 'engine', case: c, impl, value, unit, ...(n ? { note: n } : {}) });
    row('10-step chain, in memory', r.chainUs.wall / 10, 'µs/step', note);
    row('10-step chain, in memory (process CPU, all threads)', r.chainUs.cpu / 10, 'µs/step');
    row('fan-out of 8 parallel branches', 1e6 / r.fanUs.wall, 'runs/s', note);
    row('fan-out of 8 parallel branches (process CPU, all threads)', 1e6 / r.fanUs.cpu, 'runs/s');
  };
  add('weft', await weft(plan), 'best of rounds; goal ≤ 2 µs/step, ≥ 25,000 runs/s');
  for (const [impl, fn] of [
    ['@mastra/core (no storage)', () => mastra(peerPlan, false)],
    ['@mastra/core (InMemoryStore)', () => mastra(peerPlan, true)],
    ['@langchain/langgraph', () => langgraph(peerPlan)],
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
