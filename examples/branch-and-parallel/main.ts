/**
 * Branch and parallel: a change is classified, the first matching branch picks how to prepare it,
 * then three checks run concurrently and the next step receives all their outputs at once —
 * typed as `{ lint, test, audit }`.
 *
 *   node examples/branch-and-parallel/main.ts
 */
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const Change = z.object({ files: z.array(z.string()), lines: z.number() });
const Prepared = z.object({ files: z.array(z.string()), review: z.enum(['quick', 'full']) });
const Check = z.object({ ok: z.boolean(), took: z.number() });

const quickReview = step({
  id: 'quick-review',
  input: Change,
  output: Prepared,
  run: async ({ input }) => ({ files: input.files, review: 'quick' as const }),
});
const fullReview = step({
  id: 'full-review',
  input: Change,
  output: Prepared,
  run: async ({ input }) => ({ files: input.files, review: 'full' as const }),
});

// Each check simulates some work; the three run at the same time.
const check = (id: 'lint' | 'test' | 'audit', ms: number) =>
  step({
    id,
    input: Prepared,
    output: Check,
    run: async ({ input }) => {
      await new Promise((r) => setTimeout(r, ms));
      return { ok: input.files.length > 0, took: ms };
    },
  });

const ci = workflow({ id: 'ci', input: Change })
  .branch(
    [
      [({ input }) => input.lines < 50, quickReview],
      [() => true, fullReview],
    ],
    { id: 'review' },
  )
  .parallel([check('lint', 150), check('test', 300), check('audit', 200)], { id: 'checks' })
  .then('decide', async ({ input }) => {
    // `input` is { lint: Check; test: Check; audit: Check }: every branch's result is kept.
    const { lint, test, audit } = input;
    const all = { lint, test, audit };
    const summary = Object.entries(all).map(([name, r]) => `${name}=${r.ok ? 'ok' : 'FAIL'}`);
    return { summary: summary.join(' '), ship: lint.ok && test.ok && audit.ok };
  })
  .commit();

const store = createStore({ url: ':memory:' });
const engine = createEngine({ store, workflows: [ci] });
const t0 = performance.now();
const result = await engine.run(ci).start({ input: { files: ['src/a.ts', 'src/b.ts'], lines: 120 } });
const ms = performance.now() - t0;

if (result.status !== 'success') throw new Error(`run ended ${result.status}`);
// Step outputs are kept by path: `review/full-review` is the branch that ran, `checks/lint` one check.
const taken = Object.keys(result.steps).find((path) => path.startsWith('review/'));
console.log(`branch taken: ${taken}`);
console.log(`checks: ${result.output.summary} → ${result.output.ship ? 'ship' : 'hold'}`);
console.log(`checks of 150, 300 and 200 ms ran in parallel: the whole run took ${ms.toFixed(0)} ms, not their sum`);
await store.close();
