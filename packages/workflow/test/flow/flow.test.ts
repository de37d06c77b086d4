/**
 * Flow control, triggers and schedules in one process, on the memory store and a libsql file:
 * idempotent starts, priorities, per-key concurrency, debounce, event triggers, schedule API.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import { FlowConfigError, RateLimitedError } from '../../src/flow-control/errors.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createStore } from '../../src/store/kysely/index.js';
import type { Store } from '../../src/store/store.js';
import { EventPayloadError } from '../../src/trigger/errors.js';
import { createEventHandler } from '../../src/trigger/http.js';
import { defineTrigger } from '../../src/trigger/types.js';
import { createWorker } from '../../src/worker/worker.js';
import { tmpDir } from '../durable/helpers/stores.js';

const tmp = tmpDir('weft-flow-');
afterAll(() => tmp.cleanup());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let n = 0;
const stores: [string, () => Store][] = [
  ['memory', () => createMemoryStore()],
  ['libsql file', () => createStore({ url: `file:${join(tmp.dir, `f${n++}.db`)}` })],
];

describe.each(stores)('flow control on %s', (_name, makeStore) => {
  it('an idempotency key returns the same run for enqueue and start', async () => {
    const store = makeStore();
    const wf = workflow({ id: 'idem', input: z.object({ x: z.number() }) })
      .step('double', ({ input }) => ({ y: input.x * 2 }))
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const a = await engine.enqueue(wf, { x: 1 }, { idempotencyKey: 'k1' });
    const b = await engine.enqueue(wf, { x: 2 }, { idempotencyKey: 'k1' });
    const c = await engine.enqueue(wf, { x: 3 }, { idempotencyKey: 'k2' });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect((await engine.getRun(a))?.idempotencyKey).toBe('k1');
    const first = await engine.run(wf).start({ input: { x: 5 }, idempotencyKey: 's1' });
    const again = await engine.run(wf).start({ input: { x: 6 }, idempotencyKey: 's1' });
    expect(again.runId).toBe(first.runId);
    expect(again.status === 'success' && again.output).toEqual({ y: 10 });
    await expect(engine.enqueue(wf, { x: 1 }, { idempotencyKey: '' })).rejects.toBeInstanceOf(FlowConfigError);
    // A run timeout still applies to runs created through an idempotency key.
    const timed = await engine.enqueue(wf, { x: 7 }, { idempotencyKey: 't1', timeout: '1h' });
    expect((await engine.getRun(timed))?.deadlineAt).toBeGreaterThan(Date.now() + 3_500_000);
    await store.close();
  });

  it('queued runs start by priority, and the run says why it waits', async () => {
    const store = makeStore();
    const order: string[] = [];
    const wf = workflow({ id: 'prio', input: z.object({ name: z.string() }) })
      .step('record', ({ input }) => {
        order.push(input.name);
        return input;
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    for (let i = 0; i < 5; i++) await engine.enqueue(wf, { name: `low${i}` }, { priority: 0 });
    const hi = await engine.enqueue(wf, { name: 'high' }, { priority: 5 });
    expect((await engine.getRun(hi))?.waitReason).toBe('queued');
    expect((await engine.getRun(hi))?.priority).toBe(5);
    const worker = createWorker({ engine, concurrency: 1, pollMs: 5 });
    worker.start();
    while (order.length < 6) await sleep(10);
    await worker.stop();
    expect(order[0]).toBe('high');
    // Same priority, same millisecond: no order among them is promised.
    expect(order.slice(1).sort()).toEqual(['low0', 'low1', 'low2', 'low3', 'low4']);
    await store.close();
  });

  it('per-key concurrency holds, debounce collapses a burst into one run with the last input', async () => {
    const store = makeStore();
    let running = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const limited = workflow({
      id: 'limited',
      input: z.object({ tenant: z.string(), i: z.number() }),
      flow: { concurrency: { key: (input) => input.tenant, limit: 2 } },
    })
      .step('work', async ({ input }) => {
        running++;
        peak = Math.max(peak, running);
        await gate;
        await sleep(5);
        running--;
        return input;
      })
      .commit();
    const seen: number[] = [];
    const debounced = workflow({
      id: 'debounced',
      input: z.object({ user: z.string(), v: z.number() }),
      flow: { debounce: { key: (input) => input.user, period: '150ms' } },
    })
      .step('save', ({ input }) => {
        seen.push(input.v);
        return input;
      })
      .commit();
    const engine = createEngine({ store, workflows: [limited, debounced] });
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => engine.enqueue(limited, { tenant: 'a', i })));
    const burst = new Set<string>();
    for (let v = 0; v < 20; v++) burst.add(await engine.enqueue(debounced, { user: 'u', v }));
    expect(burst.size).toBe(1);
    const [pending] = [...burst];
    expect((await engine.getRun(pending as string))?.waitReason).toBe('debounced');
    const worker = createWorker({ engine, concurrency: 8, pollMs: 5 });
    // One poll: tenant a gets its 2 slots, the other 8 wait on the limit (the steps hold until released).
    await worker.tick();
    const reasons = await Promise.all(ids.map(async (id) => (await engine.getRun(id))?.waitReason));
    expect(reasons.filter((r) => r === 'concurrency-limited')).toHaveLength(8);
    expect(reasons.filter((r) => r === undefined)).toHaveLength(2); // the 2 running
    const depth = await engine.queueDepth('limited');
    expect(depth).toEqual([expect.objectContaining({ workflowId: 'limited', queued: 8, limited: 8, running: 2 })]);
    release();
    worker.start();
    while ((await store.listRuns({ status: ['queued', 'running'] })).runs.length > 0) await sleep(10);
    await worker.stop();
    expect(peak).toBe(2);
    expect(seen).toEqual([19]);
    await store.close();
  });

  it('events start the workflows whose triggers match; a bad payload starts nothing', async () => {
    const store = makeStore();
    const wf = workflow({
      id: 'welcome',
      input: z.object({ userId: z.string() }),
      triggers: [
        defineTrigger({
          event: 'user.signup',
          schema: z.object({ userId: z.string(), plan: z.enum(['free', 'pro']) }),
          filter: (e) => e.plan === 'pro',
          input: (e) => ({ userId: e.userId }),
        }),
      ],
    })
      .step('hello', ({ input }) => ({ hi: input.userId }))
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    await expect(engine.sendEvent('user.signup', { userId: 1 })).rejects.toBeInstanceOf(EventPayloadError);
    expect((await store.listRuns()).runs).toHaveLength(0);
    const sent = await engine.sendEvent('user.signup', { userId: 'u1', plan: 'pro' }, { id: 'evt-1' });
    expect(sent.started).toHaveLength(1);
    expect(sent).toEqual([]);
    const dup = await engine.sendEvent('user.signup', { userId: 'u1', plan: 'pro' }, { id: 'evt-1' });
    expect(dup.duplicate).toBe(true);
    const free = await engine.sendEvent('user.signup', { userId: 'u2', plan: 'free' });
    expect(free.skipped).toEqual([{ workflowId: 'welcome', reason: 'filtered' }]);
    expect((await store.listRuns()).runs).toHaveLength(1);
    const handle = createEventHandler({ engine });
    const bad = await handle(new Request('http://x/events/user.signup', { method: 'POST', body: '{"userId":2}' }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('WEFT_EVENT_PAYLOAD');
    const ok = await handle(
      new Request('http://x/events/user.signup', { method: 'POST', body: '{"userId":"u3","plan":"pro"}' }),
    );
    expect(ok.status).toBe(202);
    expect((await store.listRuns()).runs).toHaveLength(2);
    expect((await handle(new Request('http://x/events/user.signup'))).status).toBe(405);
    expect((await handle(new Request('http://x/events/user.signup', { method: 'POST', body: '{nope' }))).status).toBe(
      400,
    );
    expect((await handle(new Request('http://x/other', { method: 'POST', body: '{}' }))).status).toBe(404);
    const locked = createEventHandler({ engine, authorize: () => false });
    expect((await locked(new Request('http://x/events/user.signup', { method: 'POST', body: '{}' }))).status).toBe(401);
    const dupHttp = () =>
      handle(
        new Request('http://x/events/user.signup', {
          method: 'POST',
          headers: { 'idempotency-key': 'h1' },
          body: '{"userId":"u4","plan":"pro"}',
        }),
      );
    expect(((await (await dupHttp()).json()) as { duplicate: boolean }).duplicate).toBe(false);
    expect(((await (await dupHttp()).json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect((await store.listRuns()).runs).toHaveLength(3);
    await store.close();
  });

  it('a throttle lets `limit` runs start per period and keeps the rest queued as throttled', async () => {
    const store = makeStore();
    const wf = workflow({
      id: 'throttled',
      input: z.object({ k: z.string(), i: z.number() }),
      flow: { throttle: { key: (i) => i.k, limit: 3, period: '10s' } },
    })
      .step('s', ({ input }) => input)
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await engine.enqueue(wf, { k: 'a', i }));
    const other = await engine.enqueue(wf, { k: 'b', i: 0 });
    const worker = createWorker({ engine, pollMs: 5 });
    worker.start();
    const done = async () => (await store.listRuns({ status: 'success', limit: 100 })).runs.length;
    while ((await done()) < 4) await sleep(10);
    await sleep(100); // more polls: still nothing more may start within the period
    await worker.stop();
    expect(await done()).toBe(4); // 3 of key a, 1 of key b
    expect((await engine.getRun(other))?.status).toBe('success');
    const reasons = await Promise.all(ids.map(async (id) => (await engine.getRun(id))?.waitReason));
    expect(reasons.filter((r) => r === 'throttled')).toHaveLength(5);
    await store.close();
  });

  it('sendEvent starts triggered runs and resumes waitForEvent waits in one call', async () => {
    const store = makeStore();
    const ev = z.object({ order: z.string() });
    const waiter = workflow({ id: 'waiter', input: z.object({}) })
      .waitForEvent('paid', { event: 'order.paid', schema: ev })
      .commit();
    const starter = workflow({
      id: 'starter',
      input: ev,
      triggers: [defineTrigger({ event: 'order.paid', schema: ev })],
    })
      .step('ship', ({ input }) => input)
      .commit();
    const engine = createEngine({ store, workflows: [waiter, starter] });
    const waiting = await engine.run(waiter).start({ input: {} });
    expect(waiting.status).toBe('suspended');
    const out = await engine.sendEvent('order.paid', { order: 'o1' });
    expect(out.map((r) => [r.runId, r.status])).toEqual([[waiting.runId, 'success']]);
    expect(out.started).toEqual([expect.objectContaining({ workflowId: 'starter', created: true })]);
    expect((await engine.getRun(out.started[0]?.runId as string))?.status).toBe('queued');
    await store.close();
  });

  it('start() of a limited workflow waits for a slot in this process (no worker)', async () => {
    const store = makeStore();
    let running = 0;
    let peak = 0;
    const wf = workflow({
      id: 'solo',
      input: z.object({ i: z.number() }),
      flow: { concurrency: { limit: 1 } },
    })
      .step('s', async ({ input }) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(20);
        running--;
        return input;
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const results = await Promise.all([0, 1, 2].map((i) => engine.run(wf).start({ input: { i } })));
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(peak).toBe(1);
    await store.close();
  });

  it('a rate limit rejects starts beyond it with a typed error', async () => {
    const store = makeStore();
    const wf = workflow({
      id: 'rated',
      input: z.object({ k: z.string() }),
      flow: { rateLimit: { key: (i) => i.k, limit: 3, period: '1h' } },
    })
      .step('s', ({ input }) => input)
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    for (let i = 0; i < 3; i++) await engine.enqueue(wf, { k: 'a' });
    await expect(engine.enqueue(wf, { k: 'a' })).rejects.toBeInstanceOf(RateLimitedError);
    await engine.enqueue(wf, { k: 'b' });
    expect((await store.listRuns()).runs).toHaveLength(4);
    await store.close();
  });

  it('schedules: declared in code, run per tick with their scheduled time; pause, resume, trigger, delete', async () => {
    const store = makeStore();
    const wf = workflow({
      id: 'ticker',
      input: z.object({ scheduledAt: z.string(), scheduleId: z.string() }),
      schedules: [{ id: 'fast', every: '100ms' }],
    })
      .step('tick', ({ input }) => input)
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const worker = createWorker({ engine, pollMs: 10 });
    worker.start();
    await sleep(650);
    await engine.schedules.pause('ticker:fast');
    await sleep(50);
    await worker.idle();
    const runs = (await store.listRuns({ limit: 1000 })).runs;
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const times = await Promise.all(runs.map(async (r) => (await engine.getRun(r.id))?.scheduledAt as number));
    expect(new Set(times).size).toBe(times.length);
    for (const t of times) expect(t % 100).toBe(0);
    const [s] = await engine.schedules.list();
    expect(s?.paused).toBe(true);
    const manual = await engine.schedules.trigger('ticker:fast');
    expect((await engine.getRun(manual))?.scheduleId).toBe('ticker:fast');
    await engine.schedules.resume('ticker:fast');
    expect(await engine.schedules.delete('ticker:fast')).toBe(true);
    await worker.stop();
    await store.close();
  });
});
