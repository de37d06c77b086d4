// @weft/eval costs: the runner's own overhead per item (a trivial task, three text scorers), one
// A/B comparison (paired bootstrap 2000 resamples + permutation test 10 000 sign flips, 200 items,
// 2 scorers), saving and loading a 1000-result run in a libsql file, and the TF-IDF similarity scorer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

async function loadEval(): Promise<any> {
  try {
    return await import('@weft/eval' as string);
  } catch {
    // bench/package.json may not list @weft/eval yet: use the built package directly.
    return await import(new URL('../../packages/eval/dist/index.js', import.meta.url).href);
  }
}

async function time(fn: () => Promise<unknown>, reps: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

export default async function evalSuite(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const ev = await loadEval();
  const { createStore } = await import('@weft/workflow');
  const reps = ctx.quick ? 3 : 10;
  const rows: BenchRow[] = [];
  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `i${i}`, input: `question ${i}`, expected: `answer ${i}` }));

  const def = ev.defineEval({
    name: 'bench',
    data: items(1000),
    task: (q: string) => q.replace('question', 'answer'),
    scorers: [ev.exactMatch(), ev.levenshtein(), ev.includes()],
    concurrency: 8,
  });
  const runMs = await time(() => ev.runEval(def, { progress: false, gitCommit: false }), reps);
  rows.push({
    suite: 'eval',
    case: 'runner overhead per item (3 scorers)',
    impl: 'weft',
    value: (runMs * 1000) / 1000,
    unit: 'µs/item',
  });

  const mk = (shift: number, seed: number) => {
    const rng = ev.createRandom(seed);
    return ev.runEval(
      ev.defineEval({
        name: 'ab',
        data: items(200),
        task: () => Math.min(1, Math.max(0, 0.5 + shift + (rng() - 0.5) * 0.4)),
        scorers: [ev.defineScorer('q', ({ output }: { output: number }) => output), ev.defineScorer('c', () => 1)],
      }),
      { progress: false, gitCommit: false },
    );
  };
  const a = await mk(0, 1);
  const b = await mk(0.05, 2);
  const cmpMs = await time(async () => ev.compare(a, b), reps);
  rows.push({
    suite: 'eval',
    case: 'compare() 200 items × 2 scorers',
    impl: 'weft',
    value: cmpMs,
    unit: 'ms',
    note: 'bootstrap 2000 + permutation 10k',
  });

  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-eval-'));
  try {
    const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
    await store.init();
    const history = ev.createEvalStore(store);
    await history.init();
    const run = await ev.runEval(def, { progress: false, gitCommit: false });
    const saveMs = await time(() => history.saveRun({ ...run, id: crypto.randomUUID() }), reps);
    rows.push({
      suite: 'eval',
      case: 'saveRun 1000 results × 3 scores (libsql file)',
      impl: 'weft',
      value: saveMs,
      unit: 'ms',
    });
    await history.saveRun(run);
    const loadMs = await time(() => history.getRun(run.id), reps);
    rows.push({
      suite: 'eval',
      case: 'getRun 1000 results × 3 scores (libsql file)',
      impl: 'weft',
      value: loadMs,
      unit: 'ms',
    });
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const sim = ev.embeddingSimilarity();
  const n = ctx.quick ? 500 : 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await sim.score({
      input: '',
      output: `the quick brown fox ${i} jumps over the lazy dog`,
      expected: 'a quick brown dog jumps over a lazy fox',
      tags: [],
      metadata: {},
    });
  }
  rows.push({
    suite: 'eval',
    case: 'embeddingSimilarity (TF-IDF fallback)',
    impl: 'weft',
    value: ((performance.now() - t0) * 1000) / n,
    unit: 'µs/score',
  });
  return rows;
}
