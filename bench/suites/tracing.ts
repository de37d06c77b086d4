// Tracing overhead, in memory: the engine's cost per step with no OpenTelemetry provider
// registered (tracing off: the default) against the same engine before tracing existed (the
// previous path: @weft/workflow at commit 1d08947; both built by this suite from their sources
// with one esbuild configuration into packages/workflow/.bench-baseline), and with a provider registered (an SDK tracer provider with
// a no-op span processor: the cost of creating the spans). Cases: the engine suite's 10-step chain
// of trivial zod-typed steps (µs per step) and a fan-out of 8 parallel branches (runs per second).
// Off and previous are paired in one process: after the same warm-up, short blocks of each
// alternate (ABBA…, 8 per repetition), so both see the same machine load, and the overhead is the
// median of the per-pair ratios (and the ratio of the fastest blocks: the least disturbed); tracing on runs in a fresh process of its own. Times are this
// process's CPU time (process.cpuUsage) per run, so other load on a shared machine does not inflate
// them; each block runs on a new engine (its in-memory store starts empty); warm-up and
// repetitions as in bench/lib/measure.ts. Goal: tracing off costs ≤ 5% over the
// previous path.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow } from '../run.ts';
import { chainAndFan } from '../lib/chain-fan.ts';
import { describe, METHOD, type Method, perOp, range, type Stats, stats } from '../lib/measure.ts';

/** The last commit before tracing: the previous path. */
const BASELINE = process.env.WEFT_BENCH_BASELINE ?? '1d08947';
const root = resolve(import.meta.dirname, '../..');
type WorkflowModule = typeof import('@weft/workflow');

/**
 * Builds @weft/workflow's sources — at a git commit, or the working tree's — with one esbuild
 * configuration into packages/workflow/.bench-baseline/<name>.js, so both sides of the comparison
 * are built the same way. Bare imports stay external: resolved from packages/workflow/node_modules.
 */
async function buildWorkflow(name: string, commit?: string): Promise<WorkflowModule> {
  const tmp = mkdtempSync(join(tmpdir(), 'weft-bench-baseline-'));
  try {
    let src = join(root, 'packages/workflow/src');
    if (commit) {
      const tar = execFileSync('git', ['-C', root, 'archive', commit, 'packages/workflow/src'], {
        maxBuffer: 64 * 2 ** 20,
      });
      execFileSync('tar', ['-x', '-C', tmp], { input: tar });
      src = join(tmp, 'packages/workflow/src');
    }
    const tsup = createRequire(join(root, 'package.json')).resolve('tsup');
    const esbuild = createRequire(tsup)('esbuild') as { build(o: Record<string, unknown>): Promise<unknown> };
    const outfile = join(root, `packages/workflow/.bench-baseline/${name}.js`);
    await esbuild.build({
      entryPoints: [join(src, 'index.ts')],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile,
      logLevel: 'error',
    });
    const mod = (await import(pathToFileURL(outfile).href)) as WorkflowModule;
    rmSync(outfile, { force: true }); // loaded: the build leaves nothing in the tree
    return mod;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The cells; each runs in a fresh process (bench/run.ts). */
export const cells = ['off-vs-previous', 'on'] as const;

type Op = () => Promise<unknown>;

/**
 * The two workflows of the cases. Each call of `chain()` / `fan()` gives an op (one run) on a new
 * engine, so a block's in-memory store starts empty and the heap does not grow across blocks.
 */
async function ops(wf: WorkflowModule): Promise<{ chain: () => Op; fan: () => Op }> {
  const { chain, fan, createEngine } = await chainAndFan(wf);
  return {
    chain: () => {
      const engine = createEngine();
      return () => engine.run(chain).start({ input: { n: 0 } });
    },
    fan: () => {
      const engine = createEngine();
      return () => engine.run(fan).start({ input: { n: 0 } });
    },
  };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * CPU time per operation (ms) over a block of `ms` wall time: `process.cpuUsage()` counts only
 * this process's time, so other load on the machine does not inflate it (wall time would).
 */
async function cpuPerOp(make: () => Op, ms: number): Promise<number> {
  const op = make();
  (globalThis as { gc?: () => void }).gc?.();
  const end = performance.now() + ms;
  const c0 = process.cpuUsage();
  let n = 0;
  while (performance.now() < end) {
    await op();
    n++;
    await turn();
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

/**
 * Paired A/B in CPU time: the same warm-up each, then 8 × `reps` short alternating blocks (ABBA…)
 * of `repMs / 8` each; the ratio is taken per pair of blocks.
 */
async function paired(a: () => Op, b: () => Op, m: Method) {
  await perOp(a(), { warmupMs: m.warmupMs, repMs: 1, reps: 1 });
  await perOp(b(), { warmupMs: m.warmupMs, repMs: 1, reps: 1 });
  const av: number[] = [];
  const bv: number[] = [];
  for (let r = 0; r < m.reps * 8; r++) {
    const order: [() => Op, number[]][] =
      r % 2
        ? [
            [b, bv],
            [a, av],
          ]
        : [
            [a, av],
            [b, bv],
          ];
    for (const [op, into] of order) into.push(await cpuPerOp(op, m.repMs / 8));
  }
  return { a: stats(av), b: stats(bv), ratio: stats(av.map((v, i) => v / (bv[i] as number))) };
}

/** CPU time per operation over `reps` blocks of `repMs` after the warm-up (the unpaired cell). */
async function cpuStats(make: () => Op, m: Method): Promise<Stats> {
  await perOp(make(), { warmupMs: m.warmupMs, repMs: 1, reps: 1 });
  const v: number[] = [];
  for (let r = 0; r < m.reps; r++) v.push(await cpuPerOp(make, m.repMs));
  return stats(v);
}

export default async function tracingSuite(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const method = ctx.quick ? METHOD.quick : METHOD.full;
  const how = `CPU time, median; ${describe(method)}`;
  const rows: BenchRow[] = [];
  const row = (c: string, impl: string, value: number, unit: string, note: string) =>
    rows.push({ suite: 'tracing', case: c, impl, value, unit, note });
  const chainCase = '10-step chain, in memory';
  const fanCase = 'fan-out of 8 parallel branches';
  const perStep = (ms: number) => (ms * 1000) / 10;
  const perSec = (ms: number) => 1000 / ms;
  for (const cell of ctx.cell ? [ctx.cell as (typeof cells)[number]] : cells) {
    try {
      if (cell === 'off-vs-previous') {
        const off = await ops(await buildWorkflow('current'));
        const previous = await ops(await buildWorkflow('previous', BASELINE));
        const prev = `weft before tracing (${BASELINE})`;
        const offName = 'weft, tracing off (no provider)';
        const c = await paired(off.chain, previous.chain, method);
        row(
          chainCase,
          prev,
          perStep(c.b.median),
          'µs/step',
          `${how}; ${range(c.b, perStep)}; paired with the next row`,
        );
        row(chainCase, offName, perStep(c.a.median), 'µs/step', `${how}; ${range(c.a, perStep)}`);
        const pct = (s: Stats) => (s.median - 1) * 100;
        // The fastest block of each is the least disturbed by other load: their ratio, too.
        const fastest = (p: { a: Stats; b: Stats }) => (p.a.min / p.b.min - 1) * 100;
        row(
          chainCase,
          'tracing off over previous',
          pct(c.ratio),
          '%',
          `median of per-pair ratios; ${range(c.ratio, (r) => (r - 1) * 100)}; goal ≤ 5%`,
        );
        row(
          chainCase,
          'tracing off over previous, fastest blocks',
          fastest(c),
          '%',
          'ratio of the two fastest blocks; goal ≤ 5%',
        );
        const f = await paired(off.fan, previous.fan, method);
        row(fanCase, prev, perSec(f.b.median), 'runs/s', `${how}; ${range(f.b, perSec)}; paired with the next row`);
        row(fanCase, offName, perSec(f.a.median), 'runs/s', `${how}; ${range(f.a, perSec)}`);
        row(
          fanCase,
          'tracing off over previous (time per run)',
          pct(f.ratio),
          '%',
          `median of per-pair ratios; ${range(f.ratio, (r) => (r - 1) * 100)}; goal ≤ 5%`,
        );
        row(
          fanCase,
          'tracing off over previous, fastest blocks',
          fastest(f),
          '%',
          'ratio of the two fastest blocks; goal ≤ 5%',
        );
      } else {
        const { BasicTracerProvider, NoopSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
        const { trace } = await import('@opentelemetry/api');
        trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] }));
        const on = await ops(await import('@weft/workflow'));
        const name = 'weft, tracing on (SDK provider, no-op processor)';
        const c = await cpuStats(on.chain, method);
        row(chainCase, name, perStep(c.median), 'µs/step', `${how}; ${range(c, perStep)}; 11 spans per run`);
        const f = await cpuStats(on.fan, method);
        row(fanCase, name, perSec(f.median), 'runs/s', `${how}; ${range(f, perSec)}; 10 spans per run`);
      }
    } catch (e) {
      row('setup', cell, Number.NaN, '-', `failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200));
    }
  }
  return rows;
}
