/**
 * Property test: random nested workflows (sequence, branch, parallel, foreach, map, nested
 * workflows, failing steps) run by the engine give the same status and output as a plain
 * reference interpreter written here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, createMemoryStore, type Runnable, step, workflow } from '../../src/index.js';

type G =
  | { t: 'step'; a: number; b: number; failMod: number }
  | { t: 'gate' }
  | { t: 'map'; k: number }
  | { t: 'branch'; branches: { m: number; r: number; body: G }[]; def: G | null }
  | { t: 'par'; kids: G[] }
  | { t: 'each'; len: number; body: G; conc: number }
  | { t: 'seq'; nodes: G[] };

/** Any JSON-ish value to a number, so every node accepts every value. */
const num = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + num(x), 0) % 1_000_003;
  if (v && typeof v === 'object') return Object.values(v).reduce((s: number, x) => s + num(x), 0) % 1_000_003;
  return 0;
};

class RefFail extends Error {}

// ---- reference interpreter -------------------------------------------------------------------
function ref(g: G, v: unknown): unknown {
  switch (g.t) {
    case 'step': {
      const n = num(v);
      if (g.failMod > 0 && n % g.failMod === 0) throw new RefFail('step failed');
      return (n * g.a + g.b) % 1_000_003;
    }
    case 'gate':
      return v;
    case 'map':
      return { m: num(v) + g.k };
    case 'branch': {
      const n = num(v);
      const hit = g.branches.find((b) => n % b.m === b.r);
      const body = hit ? hit.body : g.def;
      if (!body) throw new RefFail('no branch');
      return ref(body, v);
    }
    case 'par': {
      const out: Record<string, unknown> = {};
      let failed: unknown;
      g.kids.forEach((k, i) => {
        try {
          out[`k${i}`] = ref(k, v);
        } catch (e) {
          failed ??= e;
        }
      });
      if (failed) throw failed;
      return out;
    }
    case 'each': {
      const items = Array.from({ length: num(v) % g.len }, (_, i) => i + num(v));
      return items.map((it) => ref(g.body, it));
    }
    case 'seq':
      return g.nodes.reduce((acc, n) => ref(n, acc), v);
  }
}

// ---- building the same tree with the real builder --------------------------------------------
// Generated shapes are untyped on purpose; the typed API has its own tests.
type B = any;
let wfCounter = 0;

function add(b: B, g: G, id: string): B {
  switch (g.t) {
    case 'step':
    case 'gate':
    case 'branch':
    case 'par':
    case 'seq':
      return b.step(runnable(g, id));
    case 'map':
      return b.map(({ input }: { input: unknown }) => ({ m: num(input) + g.k }), { id });
    case 'each':
      return b
        .map(({ input }: { input: unknown }) => Array.from({ length: num(input) % g.len }, (_, i) => i + num(input)), {
          id: `${id}-items`,
        })
        .foreach(runnable(g.body, 'body'), { id, concurrency: g.conc });
  }
}

/** Executions per `runId|path`, to prove replays never re-run a completed step. */
const executions = new Map<string, number>();
const count = (ctx: { runId: string; path: string }) => {
  const k = `${ctx.runId}|${ctx.path}`;
  executions.set(k, (executions.get(k) ?? 0) + 1);
};

function runnable(g: G, id: string): Runnable {
  if (g.t === 'gate') {
    return step({
      id,
      run: async ({ input, ctx, suspend, resumeData }) => {
        count(ctx);
        if (resumeData === undefined) return suspend({ waiting: true });
        return input;
      },
    });
  }
  if (g.t === 'step') {
    return step({
      id,
      run: async ({ input, ctx }) => {
        count(ctx);
        const n = num(input);
        await Promise.resolve();
        if (g.failMod > 0 && n % g.failMod === 0) throw new Error('step failed');
        return (n * g.a + g.b) % 1_000_003;
      },
    });
  }
  let b: B = workflow({ id: `${id}-wf${wfCounter++}` });
  if (g.t === 'seq') {
    for (const [i, n] of g.nodes.entries()) b = add(b, n, `n${i}`);
  } else if (g.t === 'branch') {
    b = b.branch(
      g.branches.map((br, i) => [
        ({ input }: { input: unknown }) => num(input) % br.m === br.r,
        runnable(br.body, `b${i}`),
      ]),
      { id: 'br', default: g.def ? runnable(g.def, 'def') : undefined },
    );
  } else if (g.t === 'par')
    b = b.parallel(
      g.kids.map((k, i) => runnable(k, `k${i}`)),
      { id: 'par' },
    );
  else b = add(b, g, 'x');
  const inner = b.commit();
  // Nested workflows are steps; rename so siblings keep distinct ids.
  return { ...inner, id } as Runnable;
}

// ---- arbitraries -----------------------------------------------------------------------------
const trees = (withGates: boolean) =>
  fc.letrec<{ tree: G; leaf: G }>((tie) => ({
    leaf: fc.oneof(
      ...(withGates ? [fc.constant({ t: 'gate' } as G), fc.constant({ t: 'gate' } as G)] : []),
      fc.record({
        t: fc.constant('step' as const),
        a: fc.integer({ min: 1, max: 5 }),
        b: fc.integer({ min: 0, max: 9 }),
        failMod: fc.constantFrom(0, 0, 0, 7, 11),
      }),
      fc.record({ t: fc.constant('map' as const), k: fc.integer({ min: 0, max: 9 }) }),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.record({
        t: fc.constant('branch' as const),
        branches: fc.array(
          fc.record({ m: fc.integer({ min: 2, max: 4 }), r: fc.integer({ min: 0, max: 1 }), body: tie('tree') }),
          { minLength: 1, maxLength: 3 },
        ),
        def: fc.option(tie('tree'), { nil: null }),
      }),
      fc.record({ t: fc.constant('par' as const), kids: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.record({
        t: fc.constant('each' as const),
        len: fc.integer({ min: 1, max: 4 }),
        body: tie('tree'),
        conc: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({ t: fc.constant('seq' as const), nodes: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    ),
  })).tree;
const tree = trees(false);

describe('engine vs reference interpreter', () => {
  it('random nested workflows produce the same status and output', async () => {
    const engine = createEngine();
    await fc.assert(
      fc.asyncProperty(
        fc.array(tree, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 50 }),
        async (nodes, input) => {
          let expected: { status: 'success'; output: unknown } | { status: 'failed' };
          try {
            expected = { status: 'success', output: nodes.reduce((acc: unknown, n) => ref(n, acc), input) };
          } catch (e) {
            if (!(e instanceof RefFail)) throw e;
            expected = { status: 'failed' };
          }
          let b: B = workflow({ id: `prop-${wfCounter++}` });
          for (const [i, n] of nodes.entries()) b = add(b, n, `n${i}`);
          const result = await engine.run(b.commit()).start({ input });
          if (expected.status === 'success')
            expect(result).toMatchObject({ status: 'success', output: expected.output });
          else expect(result.status).toBe('failed');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random workflows with suspension points, resumed one gate at a time from fresh engines, match the reference and never re-run a completed step', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(trees(true), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 50 }),
        async (nodes, input) => {
          let expected: { status: 'success'; output: unknown } | { status: 'failed' };
          try {
            expected = { status: 'success', output: nodes.reduce((acc: unknown, n) => ref(n, acc), input) };
          } catch (e) {
            if (!(e instanceof RefFail)) throw e;
            expected = { status: 'failed' };
          }
          let b: B = workflow({ id: `gated-${wfCounter++}` });
          for (const [i, n] of nodes.entries()) b = add(b, n, `n${i}`);
          const wf = b.commit();
          const store = createMemoryStore();
          let result = await createEngine({ store, workflows: [wf] })
            .run(wf)
            .start({ input });
          for (let guard = 0; result.status === 'suspended' && guard < 200; guard++) {
            const [next] = result.suspended;
            // A fresh engine per resume: state must come from the store, not from memory.
            result = await createEngine({ store, workflows: [wf] }).resume(result.runId, {
              step: next?.path as string,
              data: { ok: true },
            });
          }
          if (expected.status === 'success')
            expect(result).toMatchObject({ status: 'success', output: expected.output });
          else expect(result.status).toBe('failed');
          for (const [key, n] of executions) {
            if (!key.startsWith(`${result.runId}|`)) continue;
            // A gate runs twice (suspend, then resume); every other step once.
            expect(n, key).toBeLessThanOrEqual(2);
          }
          const rows = await store.listSteps(result.runId);
          const successes = new Map<string, number>();
          for (const r of rows) if (r.status === 'success') successes.set(r.path, (successes.get(r.path) ?? 0) + 1);
          for (const [path, n] of successes) expect(n, path).toBe(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});
