/**
 * What one run costs in store calls (the hot paths the durable benchmarks measure): a 10-step chain
 * is 11 writes, a suspend + resume round trip 4 writes and 1 read — and what they leave stored.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, step, type Store, workflow } from '../../src/index.js';

function counting(store: Store) {
  const calls: string[] = [];
  const args: Record<string, unknown[][]> = {};
  const proxy = new Proxy(store, {
    get(target, prop) {
      const v = (target as unknown as Record<string | symbol, unknown>)[prop];
      if (typeof v !== 'function') return v;
      return (...a: unknown[]) => {
        // The definition snapshot is written once per engine and definition, not per run.
        if (prop !== 'saveDefinition') calls.push(String(prop));
        (args[String(prop)] ??= []).push(a);
        return (v as (...x: unknown[]) => unknown).apply(target, a);
      };
    },
  });
  return { store: proxy, calls, args };
}

const S = z.object({ n: z.number() });

describe('store calls per run', () => {
  it('a 10-step chain costs 11 writes: the last step rides on the final write', async () => {
    const { store, calls, args } = counting(createMemoryStore());
    const defs = Array.from({ length: 10 }, (_, i) =>
      step({ id: `s${i}`, input: S, output: S, run: async ({ input }) => ({ n: input.n + 1 }) }),
    );
    let b: any = workflow({ id: 'chain', input: S });
    for (const d of defs) b = b.step(d);
    const chain = b.commit();
    const engine = createEngine({ store });
    const r = await engine.run(chain).start({ input: { n: 0 } });
    expect(r).toMatchObject({ status: 'success', output: { n: 10 } });
    expect(calls).toEqual(['createRun', ...Array(10).fill('commitStep')]);
    expect(args.saveDefinition).toHaveLength(1);
    const steps = await store.listSteps(r.runId);
    expect(steps.map((s) => s.path)).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`));
    expect(await store.getRun(r.runId)).toMatchObject({ status: 'success', output: { n: 10 } });
    // One `step:success` event row per step rides in its commit (so a replay knows its place).
    expect((await store.readEvents(r.runId)).map((e) => e.type)).toEqual([
      'run:start',
      ...Array(10).fill('step:success'),
      'run:success',
    ]);
  });

  it('a suspend + resume round trip costs 4 writes and 1 read (loadRun), reading only the history events (state patches, bails, restarts, lost attempts, the log cap, lifecycle)', async () => {
    const { store, calls, args } = counting(createMemoryStore());
    const gate = workflow({ id: 'gate', input: S })
      .step(
        step({
          id: 'ask',
          input: S,
          resumeSchema: z.object({ ok: z.boolean() }),
          run: async ({ input, suspend, resumeData, ctx }) => {
            ctx.setState({ seen: ((ctx.state.seen as number | undefined) ?? 0) + 1 });
            return resumeData ? { n: input.n + 1 } : suspend({ n: input.n });
          },
        }),
      )
      .commit();
    const engine = createEngine({ store });
    const r = await engine.run(gate).start({ input: { n: 1 } });
    expect(r).toMatchObject({ status: 'suspended', suspended: [expect.objectContaining({ path: 'ask' })] });
    // The suspending step and the run's `suspended` status are one write.
    expect(calls).toEqual(['createRun', 'commitStep']);
    expect(await store.getRun(r.runId)).toMatchObject({ status: 'suspended' });
    expect((await store.listSuspensions(r.runId)).map((s) => s.path)).toEqual(['ask']);
    calls.length = 0;
    const done = await engine.resume(r.runId, { step: 'ask', data: { ok: true } });
    expect(done).toMatchObject({ status: 'success', output: { n: 2 }, state: { seen: 2 } });
    // The run, its steps, open suspensions and history events in one read; then the CAS and the commits.
    expect(calls).toEqual(['loadRun', 'updateRun', 'commitStep']);
    expect(args.loadRun?.[0]).toEqual([
      r.runId,
      [
        'state:patch',
        'step:bail',
        'run:restart',
        'step:lost',
        'log:truncated',
        'run:start',
        'run:recover',
        'run:resume',
        'run:queued',
        'run:suspended',
      ],
    ]);
    expect(await store.listSuspensions(r.runId)).toEqual([]);
    expect((await store.readEvents(r.runId)).map((e) => e.type)).toEqual([
      'run:start',
      'state:patch',
      'step:suspended',
      'run:suspended',
      'run:resume',
      'step:resume',
      'state:patch',
      'step:success',
      'run:success',
    ]);
  });
});
