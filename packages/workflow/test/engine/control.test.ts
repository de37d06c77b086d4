import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CanceledError,
  createEngine,
  createMemoryStore,
  LeaseLostError,
  LoopLimitError,
  NonRetryableError,
  StepFailedError,
  step,
  TimeoutError,
  type WeftEvent,
  workflow,
} from '../../src/index.js';

const fast = { delay: 1, jitter: false } as const;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('retries', () => {
  it('retries until success and emits step:retry with the attempt number', async () => {
    let calls = 0;
    const flaky = step({
      id: 'flaky',
      retry: { attempts: 3, backoff: 'exponential', ...fast },
      run: async ({ ctx }) => {
        calls++;
        if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
        return ctx.attempt;
      },
    });
    const engine = createEngine();
    const retries: unknown[] = [];
    engine.on('step:retry', (e) => retries.push((e.data as { attempt: number }).attempt));
    const r = await engine.run(workflow({ id: 'r' }).step(flaky).commit()).start({ input: null });
    expect(r).toMatchObject({ status: 'success', output: 3 });
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
    const rows = await engine.store.listSteps(r.runId);
    expect(rows.map((s) => [s.attempt, s.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'success'],
    ]);
  });

  it('exhaustion fails the run with StepFailedError keeping the cause chain', async () => {
    const always = step({
      id: 'always',
      retry: { attempts: 2, ...fast },
      run: async () => Promise.reject(new Error('nope')),
    });
    const r = await createEngine()
      .run(workflow({ id: 'x' }).step(always).commit())
      .start({ input: null });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.error).toBeInstanceOf(StepFailedError);
    expect(r.error.message).toMatch(/Step "always" of workflow "x" failed after 2 attempts: nope/);
    expect((r.error.cause as Error).message).toBe('nope');
  });

  it('NonRetryableError and retryOn=false stop retrying at once', async () => {
    let a = 0;
    let b = 0;
    const s1 = step({
      id: 's1',
      retry: { attempts: 5, ...fast },
      run: async () => {
        a++;
        throw new NonRetryableError('fatal');
      },
    });
    const s2 = step({
      id: 's2',
      retry: { attempts: 5, ...fast, retryOn: (e) => !(e as Error).message.includes('4xx') },
      run: async () => {
        b++;
        throw new Error('4xx');
      },
    });
    await createEngine()
      .run(workflow({ id: 'a' }).step(s1).commit())
      .start({ input: null });
    await createEngine()
      .run(workflow({ id: 'b' }).step(s2).commit())
      .start({ input: null });
    expect([a, b]).toEqual([1, 1]);
  });
});

describe('timeouts', () => {
  it('aborts the step signal and fails with TimeoutError (retryable)', async () => {
    let aborted = 0;
    const slow = step({
      id: 'slow',
      timeout: 20,
      retry: { attempts: 2, ...fast },
      run: ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted++;
            reject(signal.reason);
          });
        }),
    });
    const r = await createEngine()
      .run(workflow({ id: 't' }).step(slow).commit())
      .start({ input: null });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    // The run's error is the TimeoutError itself (the docs' errors table), naming the step.
    expect(r.error).toBeInstanceOf(TimeoutError);
    expect((r.error as TimeoutError).timeoutMs).toBe(20);
    expect((r.error as TimeoutError).stepPath).toBe('slow');
    expect(aborted).toBe(2);
  });

  it('a step that ignores its signal still times out', async () => {
    const deaf = step({ id: 'deaf', timeout: '10ms', run: () => new Promise((r) => setTimeout(r, 200)) });
    const r = await createEngine()
      .run(workflow({ id: 't2' }).step(deaf).commit())
      .start({ input: null });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(TimeoutError);
  });
});

describe('cancel', () => {
  it('cancel mid-parallel aborts every running branch and ends canceled', async () => {
    const started: string[] = [];
    const abortedPaths: string[] = [];
    const waiter = (id: string) =>
      step({
        id,
        run: ({ signal, ctx }) =>
          new Promise((_, reject) => {
            started.push(ctx.path);
            signal.addEventListener('abort', () => {
              abortedPaths.push(ctx.path);
              reject(signal.reason);
            });
          }),
      });
    const wf = workflow({ id: 'c' })
      .parallel([waiter('a'), waiter('b'), waiter('c')], { id: 'p' })
      .step('after', async () => 1)
      .commit();
    const engine = createEngine();
    const run = engine.run(wf);
    const pending = run.start({ input: null });
    while (started.length < 3) await new Promise((r) => setTimeout(r, 1));
    await run.cancel();
    const r = await pending;
    expect(r.status).toBe('canceled');
    if (r.status === 'canceled') expect(r.error).toBeInstanceOf(CanceledError);
    expect(abortedPaths.sort()).toEqual(['p/a', 'p/b', 'p/c']);
    expect((await engine.getRun(run.runId))?.status).toBe('canceled');
  });

  it('cancel ends the run even when a step ignores its signal', async () => {
    let started = false;
    const deaf = step({
      id: 'deaf',
      run: () => {
        started = true;
        return new Promise(() => {}); // never settles, never looks at the signal
      },
    });
    const engine = createEngine();
    const run = engine.run(workflow({ id: 'deaf' }).step(deaf).commit());
    const pending = run.start({ input: null });
    while (!started) await new Promise((r) => setTimeout(r, 1));
    await run.cancel();
    expect((await pending).status).toBe('canceled');
  });

  it('canceling a suspended run makes it canceled; resume then fails', async () => {
    const wf = workflow({ id: 'cs' }).waitForEvent('e', { event: 'go' }).commit();
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: null });
    await engine.cancel(r.runId, 'no longer needed');
    expect((await engine.getRun(r.runId))?.status).toBe('canceled');
    await expect(engine.resume(r.runId, { step: 'e', data: 1 })).rejects.toThrow(/status is "canceled"/);
  });
});

describe('concurrency limits', () => {
  const tracker = () => {
    let now = 0;
    let max = 0;
    const s = step({
      id: 'work',
      input: z.number(),
      run: async ({ input }) => {
        now++;
        max = Math.max(max, now);
        await new Promise((r) => setTimeout(r, 2));
        now--;
        return input * 2;
      },
    });
    return { s, max: () => max };
  };

  it('workflow-wide concurrency caps steps across parallel and foreach', async () => {
    const t = tracker();
    const wf = workflow({ id: 'cap', input: z.array(z.number()), concurrency: 2 })
      .foreach(t.s, { concurrency: 10 })
      .commit();
    const r = await createEngine()
      .run(wf)
      .start({ input: [1, 2, 3, 4, 5, 6] });
    expect(r).toMatchObject({ status: 'success', output: [2, 4, 6, 8, 10, 12] });
    expect(t.max()).toBe(2);
  });

  it('engine-wide concurrency caps steps across runs', async () => {
    const t = tracker();
    const wf = workflow({ id: 'cap2', input: z.number() }).step(t.s).commit();
    const engine = createEngine({ concurrency: 3 });
    const rs = await Promise.all(Array.from({ length: 9 }, (_, i) => engine.run(wf).start({ input: i })));
    expect(rs.every((r) => r.status === 'success')).toBe(true);
    expect(t.max()).toBe(3);
  });
});

describe('foreach', () => {
  it('keeps item order, respects its own concurrency and records item paths', async () => {
    let now = 0;
    let max = 0;
    const sq = step({
      id: 'sq',
      input: z.number(),
      run: async ({ input }) => {
        now++;
        max = Math.max(max, now);
        await new Promise((r) => setTimeout(r, 5 - input));
        now--;
        return input * input;
      },
    });
    const wf = workflow({ id: 'fe', input: z.array(z.number()) })
      .foreach(sq, { id: 'items', concurrency: 2 })
      .commit();
    const r = await createEngine()
      .run(wf)
      .start({ input: [1, 2, 3, 4] });
    expect(r).toMatchObject({ status: 'success', output: [1, 4, 9, 16] });
    expect(max).toBe(2);
    expect(r.steps['items[3]/sq']).toBe(16);
  });

  it('a failing item fails the foreach with the item path', async () => {
    const s = step({
      id: 'inv',
      input: z.number(),
      run: async ({ input }) => (input === 2 ? Promise.reject(new Error('two')) : 1 / input),
    });
    const wf = workflow({ id: 'fe2', input: z.array(z.number()) })
      .foreach(s, { id: 'items' })
      .commit();
    const r = await createEngine()
      .run(wf)
      .start({ input: [1, 2, 3] });
    expect(r.status).toBe('failed');
    if (r.status === 'failed') expect((r.error as StepFailedError).stepPath).toBe('items[1]/inv');
  });
});

describe('loops', () => {
  const inc = step({
    id: 'inc',
    input: z.object({ n: z.number() }),
    output: z.object({ n: z.number() }),
    run: async ({ input }) => ({ n: input.n + 1 }),
  });

  it('dowhile and dountil iterate on their own output with iteration paths', async () => {
    const w1 = workflow({ id: 'w', input: z.object({ n: z.number() }) })
      .dowhile(inc, ({ output }) => output.n < 5, { id: 'loop' })
      .commit();
    const r1 = await createEngine()
      .run(w1)
      .start({ input: { n: 0 } });
    expect(r1).toMatchObject({ status: 'success', output: { n: 5 } });
    expect(r1.steps['loop#4/inc']).toEqual({ n: 5 });
    const w2 = workflow({ id: 'u', input: z.object({ n: z.number() }) })
      .dountil(inc, ({ iteration }) => iteration === 2)
      .commit();
    expect(
      await createEngine()
        .run(w2)
        .start({ input: { n: 10 } }),
    ).toMatchObject({ output: { n: 13 } });
  });

  it('the maxIterations guard fails with LoopLimitError', async () => {
    const w = workflow({ id: 'inf', input: z.object({ n: z.number() }) })
      .dowhile(inc, () => true, { maxIterations: 3 })
      .commit();
    const r = await createEngine()
      .run(w)
      .start({ input: { n: 0 } });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(LoopLimitError);
  });
});

describe('nested workflows, resources and events', () => {
  it('a nested workflow runs under its path; custom events from nested, loop and parallel steps reach listeners and the stream', async () => {
    const emitter = (id: string) =>
      step({
        id,
        input: z.number(),
        run: async ({ input, ctx }) => {
          ctx.emit('progress', { id, input });
          return input + 1;
        },
      });
    const child = workflow({ id: 'child', input: z.number(), output: z.number() })
      .step(emitter('inner'))
      .dowhile(emitter('again'), ({ output }) => output < 3, { id: 'loop' })
      .commit();
    const parent = workflow({ id: 'parent', input: z.number() })
      .then(child)
      .parallel([emitter('x'), emitter('y')], { id: 'fan' })
      .commit();
    const engine = createEngine();
    const live: string[] = [];
    engine.on('progress', (e) => live.push(e.path as string));
    const run = engine.run(parent);
    const r = await run.start({ input: 0 });
    expect(r).toMatchObject({ status: 'success', output: { x: 4, y: 4 } });
    expect(r.steps['child/inner']).toBe(1);
    expect(live.sort()).toEqual(['child/inner', 'child/loop#0/again', 'child/loop#1/again', 'fan/x', 'fan/y']);
    const replayed: WeftEvent[] = [];
    for await (const e of run.stream()) replayed.push(e);
    expect(
      replayed
        .filter((e) => e.type === 'progress')
        .map((e) => e.path)
        .sort(),
    ).toEqual(live.sort());
    expect(replayed.at(0)?.type).toBe('run:start');
    expect(replayed.at(-1)?.type).toBe('run:success');
  });

  it('engine and workflow resources reach ctx.resources; ids and keys are stable', async () => {
    const seen: unknown[] = [];
    const wf = workflow({ id: 'res', resources: { db: 'db-handle' } })
      .step('use', async ({ ctx }) => {
        seen.push([
          ctx.resources.db,
          (ctx.resources as unknown as Record<string, unknown>).llm,
          ctx.idempotencyKey,
          ctx.stepId,
          ctx.workflowId,
        ]);
        return 1;
      })
      .commit();
    const r = await createEngine({ resources: { llm: 'router' } })
      .run(wf)
      .start({ input: null });
    expect(seen).toEqual([['db-handle', 'router', `${r.runId}:use`, 'use', 'res']]);
  });

  it('stream() follows a live run to its end', async () => {
    const wf = workflow({ id: 'live' })
      .step('a', async () => new Promise((r) => setTimeout(() => r(1), 10)))
      .step('b', async () => 2)
      .commit();
    const engine = createEngine();
    const run = engine.run(wf);
    const events: string[] = [];
    const consumer = (async () => {
      for await (const e of run.stream()) events.push(`${e.type}${e.path ? `:${e.path}` : ''}`);
    })();
    await new Promise((r) => setTimeout(r, 1));
    await run.start({ input: null });
    await consumer;
    expect(events).toContain('step:success:b');
    expect(events.at(-1)).toBe('run:success');
  });
});

describe('sleep', () => {
  it('sleeps durably: the due time is committed and a re-execution waits only the rest', async () => {
    const store = createMemoryStore();
    const wf = workflow({ id: 'nap', input: z.number() })
      .sleep(40, { id: 'nap' })
      .step('after', async ({ input }) => input + 1)
      .commit();
    const a = createEngine({ store, workflows: [wf], leaseMs: 60_000, logger: quiet });
    const run = a.run(wf);
    const pending = run.start({ input: 1 }).catch((e: unknown) => e); // see below
    await new Promise((r) => setTimeout(r, 5));
    const [row] = await store.listSteps(run.runId);
    expect(row).toMatchObject({ path: 'nap', status: 'running' });
    const dueAt = (row?.input as { dueAt: number } | undefined)?.dueAt ?? 0;
    // A second engine executing the same run (as after a crash: A's lease expired) waits until the same dueAt.
    // (execute() respects live leases, so the crash is simulated by expiring A's.)
    await store.updateRun(run.runId, { leaseExpiresAt: Date.now() - 1 });
    const b = createEngine({ store, workflows: [wf], logger: quiet });
    const r2 = await b.execute(run.runId);
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    expect(r2).toMatchObject({ status: 'success', output: 2 });
    // B took the run over, so A's commits are fenced out: A reports B's outcome, or (if B was still
    // executing when A woke) rejects with LeaseLostError. Either way the run finished once, by B.
    const ra = await pending;
    if (ra instanceof LeaseLostError) expect(ra.runId).toBe(run.runId);
    else expect(ra).toMatchObject({ status: 'success', output: 2 });
    expect((await store.readEvents(run.runId)).filter((e) => e.type === 'run:success')).toHaveLength(1);
  });

  it('a sleep longer than maxInProcessSleep suspends the run; its timer wakes it', async () => {
    const store = createMemoryStore();
    const wf = workflow({ id: 'long-nap', input: z.number() })
      .sleep('2h', { id: 'nap' })
      .step('after', async ({ input }) => input + 1)
      .commit();
    const engine = createEngine({ store, workflows: [wf], maxInProcessSleep: '1m' });
    const r = await engine.run(wf).start({ input: 1 });
    expect(r.status === 'suspended' && r.suspended).toMatchObject([{ path: 'nap', payload: { kind: 'sleep' } }]);
    expect(await store.takeDueTimers(Date.now(), 10)).toEqual([]); // not due yet
    const [timer] = await store.takeDueTimers(Date.now() + 3 * 3_600_000, 10);
    expect(timer).toMatchObject({ kind: 'sleep', path: 'nap' });
    // Another engine (a worker) fires it.
    const woke = await createEngine({ store, workflows: [wf] }).fireTimer(timer as NonNullable<typeof timer>);
    expect(woke).toMatchObject({ status: 'success', output: 2 });
  });

  it('sleepUntil a past date does not wait', async () => {
    const wf = workflow({ id: 'past', input: z.number() }).sleepUntil(new Date(0)).commit();
    expect(await createEngine().run(wf).start({ input: 3 })).toMatchObject({ status: 'success', output: 3 });
  });
});
