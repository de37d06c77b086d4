// The one measuring method every suite uses for its comparisons, so no implementation is timed more
// kindly than another: the same warm-up time, the same measured time split into the same number of
// repetitions, an event-loop turn between operations (as in an app, where other work interleaves),
// and the median of the repetitions reported with their min–max. Each cell (suite × implementation)
// also runs in a fresh process (bench/run.ts), so no implementation inherits another's JIT state,
// heap or open handles.

import type { BenchRow } from '../run.ts';

/** How long to warm up and measure, and in how many repetitions. */
export interface Method {
  /** Warm-up before the first repetition, in ms (operations run, nothing recorded). */
  warmupMs: number;
  /** Measured time of each repetition, in ms. */
  repMs: number;
  /** Repetitions; the median is reported. */
  reps: number;
}

/** The method of a full run, and of `--quick` (indicative only). */
export const METHOD: { full: Method; quick: Method } = {
  full: { warmupMs: 2000, repMs: 2000, reps: 5 },
  quick: { warmupMs: 300, repMs: 400, reps: 3 },
};

/** Median and range of one measured quantity over the repetitions. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  /** Every repetition's value, in order. */
  values: number[];
  /** Operations measured over all repetitions. */
  ops: number;
}

/** Median, min and max of `values`. */
export function stats(values: number[], ops = 0): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, values, ops };
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Time per operation of `op` (ms), by the method: warm up, then `reps` repetitions of `repMs` each,
 * yielding to the event loop between operations. Returns ms per operation per repetition.
 */
export async function perOp(op: () => Promise<unknown>, method: Method): Promise<Stats> {
  const warmEnd = performance.now() + method.warmupMs;
  while (performance.now() < warmEnd) {
    await op();
    await turn();
  }
  const values: number[] = [];
  let total = 0;
  for (let r = 0; r < method.reps; r++) {
    gc();
    let n = 0;
    let busy = 0;
    const end = performance.now() + method.repMs;
    while (performance.now() < end) {
      const t0 = performance.now();
      await op();
      busy += performance.now() - t0;
      n++;
      await turn();
    }
    values.push(busy / n);
    total += n;
  }
  return stats(values, total);
}

/**
 * Time of a batch operation (ms per batch), e.g. "100 runs started at once": the same warm-up and
 * repetitions, each repetition the median of the batches that fit in `repMs` (at least one).
 */
export async function perBatch(batch: () => Promise<unknown>, method: Method): Promise<Stats> {
  const warmEnd = performance.now() + method.warmupMs;
  do {
    await batch();
    await turn();
  } while (performance.now() < warmEnd);
  const values: number[] = [];
  let total = 0;
  for (let r = 0; r < method.reps; r++) {
    gc();
    const times: number[] = [];
    const end = performance.now() + method.repMs;
    do {
      const t0 = performance.now();
      await batch();
      times.push(performance.now() - t0);
      await turn();
    } while (performance.now() < end);
    values.push(stats(times).median);
    total += times.length;
  }
  return stats(values, total);
}

/** "median (min–max)" of a Stats, through `f` (e.g. ms → runs/s), formatted for a note. */
export function range(s: Stats, f: (v: number) => number = (v) => v, digits = 3): string {
  const a = f(s.min);
  const b = f(s.max);
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(digits));
  return `min–max ${fmt(lo)}–${fmt(hi)}, ${s.values.length} reps`;
}

/** Describes a Method for a note. */
export function describe(m: Method): string {
  return `${m.warmupMs / 1000} s warm-up, ${m.reps} × ${m.repMs / 1000} s`;
}

/** The Postgres the durable suites use (`WEFT_BENCH_PG_URL`, default the local `test` database). */
export const BENCH_PG_URL = process.env.WEFT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The row a suite reports when an implementation could not be set up or measured: NaN, with why. */
export function setupFailedRow(suite: string, impl: string, e: unknown): BenchRow {
  return {
    suite,
    case: 'setup',
    impl,
    value: Number.NaN,
    unit: '-',
    note: `failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200),
  };
}
