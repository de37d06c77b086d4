/**
 * Property: for 200 random workflows (chains, parallel, foreach, retries, failures, custom events,
 * state patches) on a libsql file, `engine.stream(runId)` after the run finished replays exactly
 * the stored part of what live listeners saw, in the same order, with a `seq` on every event.
 * (`step:start` is live only: it is never stored.)
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStore, step, type WeftEvent, workflow } from '../../src/index.js';
import { tmpDir } from '../durable/helpers/stores.js';

type G =
  | { t: 'step'; emits: number; failFirst: boolean; failAlways: boolean; state: boolean; delay: number }
  | { t: 'par'; kids: G[] }
  | { t: 'each'; len: number; body: G; conc: number }
  | { t: 'map' };

const leaf = fc.record({
  t: fc.constant('step' as const),
  emits: fc.nat(3),
  failFirst: fc.boolean(),
  failAlways: fc.boolean().map((b) => b && Math.random() < 0.3),
  state: fc.boolean(),
  delay: fc.nat(2),
});
const node: fc.Arbitrary<G> = fc.letrec<{ g: G }>((tie) => ({
  g: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.constant({ t: 'map' as const }),
    fc.record({ t: fc.constant('par' as const), kids: fc.array(tie('g'), { minLength: 1, maxLength: 3 }) }),
    fc.record({
      t: fc.constant('each' as const),
      len: fc.integer({ min: 0, max: 3 }),
      body: leaf,
      conc: fc.integer({ min: 1, max: 3 }),
    }),
  ),
})).g;

let n = 0;
function build(b: any, g: G): any {
  const id = `n${n++}`;
  switch (g.t) {
    case 'map':
      return b.map(({ input }: { input: unknown }) => input, { id });
    case 'step':
      return b.step(makeStep(id, g));
    case 'par':
      return b.parallel(
        g.kids.map((k) => (k.t === 'step' ? makeStep(`n${n++}`, k) : build(workflow({ id: `w${n++}` }), k).commit())),
        { id },
      );
    case 'each':
      return b
        .map(() => Array.from({ length: g.len }, (_, i) => i), { id: `${id}-items` })
        .foreach(makeStep(`n${n++}`, g.body as Extract<G, { t: 'step' }>), {
          id,
          concurrency: g.conc,
        });
  }
}
function makeStep(id: string, g: Extract<G, { t: 'step' }>) {
  return step({
    id,
    retry: { attempts: 2, delay: 0 },
    run: async ({ ctx }) => {
      for (let i = 0; i < g.emits; i++) {
        ctx.emit('progress', { i });
        if (g.delay) await new Promise((r) => setTimeout(r, g.delay));
      }
      if (g.state) ctx.setState({ [id]: ctx.attempt });
      if (g.failAlways || (g.failFirst && ctx.attempt === 1)) throw new Error(`boom ${id}`);
      return { id };
    },
  });
}

const { dir, cleanup } = tmpDir('weft-replay-');
afterAll(cleanup);

describe('stream replay order', () => {
  it('replays 200 random finished runs in live order, every event with a seq', async () => {
    const store = createStore({ url: `file:${dir}/replay.db` });
    const engine = createEngine({ store });
    await fc.assert(
      fc.asyncProperty(fc.array(node, { minLength: 1, maxLength: 4 }), async (nodes) => {
        let b: any = workflow({ id: `wf${n++}` });
        for (const g of nodes) b = build(b, g);
        const wf = b.commit();
        const run = engine.run(wf);
        const live: WeftEvent[] = [];
        const off = run.on('*', (e) => live.push(e));
        await run.start({ input: undefined });
        off();
        const replayed: WeftEvent[] = [];
        for await (const e of engine.stream(run.runId)) replayed.push(e);
        const key = (e: WeftEvent) => `${e.type}@${e.path ?? ''}`;
        expect(replayed.map(key)).toEqual(live.filter((e) => e.type !== 'step:start').map(key));
        expect(replayed.every((e) => typeof e.seq === 'number')).toBe(true);
        const seqs = replayed.map((e) => e.seq as number);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        // Data of successes and custom events replays as it was live.
        const data = (es: WeftEvent[]) =>
          es.filter((e) => e.type === 'step:success' || e.type === 'progress').map((e) => JSON.stringify(e.data));
        expect(data(replayed)).toEqual(data(live));
      }),
      { numRuns: 200 },
    );
    await store.close();
  }, 60_000);
});
