/**
 * One contract suite, three stores: memory, libsql file, Postgres. Every Store must behave the same.
 */
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/kysely/index.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import type { RunRecord, Store } from '../../src/store/store.js';
import { LeaseLostError } from '../../src/errors/errors.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir();
const schema = uniqueSchema('contract');
let fileN = 0;

const factories: Record<string, () => Store> = {
  memory: () => createMemoryStore(),
  libsql: () => createStore({ url: `file:${join(tmp.dir, `c${++fileN}.db`)}` }),
  postgres: () => createStore({ url: PG_URL, schema: `${schema}_${++fileN}` }),
  // The @libsql/client driver (used for remote libsql / sqld URLs), here on a local file.
  'libsql client': () => createStore({ client: createClient({ url: `file:${join(tmp.dir, `c${++fileN}.db`)}` }) }),
};

afterAll(async () => {
  tmp.cleanup();
  for (let i = 0; i <= fileN; i++) await dropSchema(`${schema}_${i}`);
});

let seq = 0;
function run(partial: Partial<RunRecord> = {}): RunRecord {
  const now = 1_000_000 + ++seq;
  return {
    id: `run-${seq}`,
    workflowId: 'wf',
    definitionHash: 'h1',
    status: 'queued',
    input: { n: seq },
    createdAt: now,
    updatedAt: now,
    ...partial,
  };
}

describe.each(Object.keys(factories))('Store contract: %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = (factories[kind] as () => Store)();
    await store.init();
  });
  afterAll(async () => {
    await store.close();
  });

  it('creates, reads and compare-and-sets runs', async () => {
    const r = run({ parentRunId: 'p1' });
    await store.createRun(r);
    expect(await store.getRun(r.id)).toEqual(r);
    expect(await store.getRun('nope')).toBeUndefined();
    await expect(store.createRun(r)).rejects.toThrow();
    expect(await store.updateRun(r.id, { status: 'running' }, ['suspended'])).toBe(false);
    expect((await store.getRun(r.id))?.status).toBe('queued');
    expect(await store.updateRun(r.id, { status: 'running', leaseOwner: 'w', leaseExpiresAt: 5 }, ['queued'])).toBe(
      true,
    );
    expect(await store.getRun(r.id)).toMatchObject({ status: 'running', leaseOwner: 'w', leaseExpiresAt: 5 });
    expect(
      await store.updateRun(r.id, { status: 'success', output: { ok: [1, 'two'] }, updatedAt: r.updatedAt + 10 }),
    ).toBe(true);
    expect(await store.getRun(r.id)).toMatchObject({ status: 'success', output: { ok: [1, 'two'] } });
    expect(await store.updateRun('missing', { status: 'failed' })).toBe(false);
    // Events ride along atomically, only when the compare-and-set applies.
    expect(await store.updateRun(r.id, { status: 'failed' }, ['running'], [{ type: 'run:failed', at: 1 }])).toBe(false);
    expect(await store.readEvents(r.id)).toEqual([]);
    expect(
      await store.updateRun(
        r.id,
        { updatedAt: r.updatedAt + 20 },
        ['success'],
        [{ type: 'run:success', at: 2, data: { x: 1 } }],
      ),
    ).toBe(true);
    expect(await store.readEvents(r.id)).toEqual([{ runId: r.id, seq: 1, type: 'run:success', at: 2, data: { x: 1 } }]);
  });

  it('commits a step with events, run patch, suspension and timer atomically', async () => {
    const r = run({ status: 'running' });
    await store.createRun(r);
    await store.commitStep({
      step: {
        runId: r.id,
        path: 'a',
        attempt: 1,
        status: 'success',
        input: 1,
        output: { v: 'a' },
        startedAt: 10,
        endedAt: 11,
      },
      events: [
        { type: 'step:start', path: 'a', at: 10 },
        { type: 'step:success', path: 'a', at: 11, data: { v: 'a' } },
      ],
    });
    await store.commitStep({
      step: { runId: r.id, path: 'items[2]/ask', attempt: 1, status: 'suspended', startedAt: 12 },
      events: [{ type: 'step:suspended', path: 'items[2]/ask', at: 12 }],
      run: { status: 'suspended', updatedAt: 12 },
      suspension: {
        runId: r.id,
        path: 'items[2]/ask',
        payload: { q: 'ok?' },
        resumeSchemaId: 'ask',
        eventName: 'approval',
        createdAt: 12,
      },
      timer: {
        id: `t-${r.id}`,
        runId: r.id,
        path: 'items[2]/ask',
        kind: 'approval-timeout',
        dueAt: 99,
        data: { x: 1 },
      },
    });
    expect((await store.getRun(r.id))?.status).toBe('suspended');
    const steps = await store.listSteps(r.id);
    expect(steps.map((s) => [s.path, s.status])).toEqual([
      ['a', 'success'],
      ['items[2]/ask', 'suspended'],
    ]);
    expect(steps[0]).toMatchObject({ input: 1, output: { v: 'a' }, endedAt: 11 });
    const events = await store.readEvents(r.id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'step:start'],
      [2, 'step:success'],
      [3, 'step:suspended'],
    ]);
    expect(events[1]?.data).toEqual({ v: 'a' });
    expect((await store.readEvents(r.id, 2)).map((e) => e.seq)).toEqual([3]);
    const sus = await store.listSuspensions(r.id);
    expect(sus).toEqual([
      {
        runId: r.id,
        path: 'items[2]/ask',
        payload: { q: 'ok?' },
        resumeSchemaId: 'ask',
        eventName: 'approval',
        createdAt: 12,
      },
    ]);
    const found = await store.findSuspensions({ eventName: 'approval', workflowId: 'wf' });
    expect(found.some((s) => s.runId === r.id)).toBe(true);
    expect(await store.findSuspensions({ eventName: 'approval', workflowId: 'other' })).toEqual([]);

    // Resolve it: the suspension goes away in the same commit that records the resumed step.
    await store.commitStep({
      step: {
        runId: r.id,
        path: 'items[2]/ask',
        attempt: 2,
        status: 'success',
        output: 'yes',
        startedAt: 20,
        endedAt: 21,
      },
      resolvedSuspensionPath: 'items[2]/ask',
      run: { status: 'success', output: 'done', updatedAt: 21 },
    });
    expect(await store.listSuspensions(r.id)).toEqual([]);
    expect(await store.getRun(r.id)).toMatchObject({ status: 'success', output: 'done', updatedAt: 21 });
    await store.appendEvents(r.id, [{ type: 'custom', at: 30, data: [1] }]);
    expect((await store.readEvents(r.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('loads a run with its steps, open suspensions and events of some types in one read, as the single reads return them', async () => {
    expect(store.loadRun).toBeTypeOf('function');
    const load = (id: string, types: string[]) => (store.loadRun as NonNullable<Store['loadRun']>)(id, types);
    const at = 1_796_309_789_418;
    const r = run({
      status: 'running',
      deadlineAt: at + 5,
      traceparent: '00-abc-def-01',
      input: { q: 'say "hi" ☃\n' },
    });
    await store.createRun(r, [{ type: 'run:start', at }]);
    const commit = (path: string, attempt: number, status: 'success' | 'failed' | 'suspended', t: number) =>
      store.commitStep({
        step: {
          runId: r.id,
          path,
          attempt,
          status,
          input: { path, nested: [1, { x: null }] },
          ...(status === 'failed' ? { error: { name: 'Error', message: 'boom' } } : { output: `out ${path}` }),
          startedAt: t,
          endedAt: t + 1,
        },
        events: [
          { type: 'state:patch', path, data: { [path]: attempt }, at: t },
          { type: `step:${status}`, path, at: t + 1 },
        ],
        ...(status === 'suspended'
          ? { suspension: { runId: r.id, path, payload: { ask: path }, eventName: 'approval', createdAt: t + 1 } }
          : {}),
      });
    await commit('b', 1, 'failed', at + 2);
    await commit('a', 1, 'success', at + 1);
    await commit('b', 2, 'success', at + 2);
    await commit('gate2', 1, 'suspended', at + 4);
    await commit('gate1', 1, 'suspended', at + 3);
    const types = ['state:patch', 'run:start', 'step:suspended'];
    const loaded = await load(r.id, types);
    expect(loaded).toEqual({
      run: await store.getRun(r.id),
      steps: await store.listSteps(r.id),
      suspensions: await store.listSuspensions(r.id),
      events: await store.readEvents(r.id, 0, types),
    });
    expect(loaded?.run).toMatchObject({
      input: { q: 'say "hi" ☃\n' },
      deadlineAt: at + 5,
      traceparent: '00-abc-def-01',
    });
    expect(loaded?.steps.map((s) => `${s.path}#${s.attempt}:${s.status}`).sort()).toEqual([
      'a#1:success',
      'b#1:failed',
      'b#2:success',
      'gate1#1:suspended',
      'gate2#1:suspended',
    ]);
    expect(loaded?.steps.find((s) => s.status === 'failed')).toMatchObject({
      error: { message: 'boom' },
      input: { path: 'b', nested: [1, { x: null }] },
    });
    expect(loaded?.suspensions.map((x) => x.path).sort()).toEqual(['gate1', 'gate2']);
    expect(loaded?.events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'run:start'],
      [2, 'state:patch'],
      [4, 'state:patch'],
      [6, 'state:patch'],
      [8, 'state:patch'],
      [9, 'step:suspended'],
      [10, 'state:patch'],
      [11, 'step:suspended'],
    ]);
    expect((await load(r.id, []))?.events).toEqual([]);
    expect(await load('no-such-run', types)).toBeUndefined();
  });

  it('fences step commits and run updates by the lease owner (nothing written when fenced out)', async () => {
    const r = run({ status: 'running', leaseOwner: 'b', leaseExpiresAt: 9e12 });
    await store.createRun(r);
    const step = (path: string) => ({
      runId: r.id,
      path,
      attempt: 1,
      status: 'success' as const,
      output: path,
      startedAt: 1,
      endedAt: 2,
    });
    // The owner commits.
    await store.commitStep({ step: step('mine'), events: [{ type: 'x', at: 1 }], leaseOwner: 'b' });
    // A stale owner is rejected, whatever the commit carries, and nothing of it is visible.
    const stale = store.commitStep({
      step: step('stale'),
      events: [{ type: 'stale', at: 2 }],
      run: { status: 'success', updatedAt: 3 },
      suspension: { runId: r.id, path: 'stale', payload: 1, createdAt: 2 },
      leaseOwner: 'a',
    });
    await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
    await expect(stale).rejects.toMatchObject({ code: 'WEFT_LEASE_LOST', runId: r.id, owner: 'a' });
    expect((await store.listSteps(r.id)).map((s) => s.path)).toEqual(['mine']);
    expect((await store.readEvents(r.id)).map((e) => e.type)).toEqual(['x']);
    expect(await store.listSuspensions(r.id)).toEqual([]);
    expect(await store.getRun(r.id)).toMatchObject({ status: 'running', leaseOwner: 'b' });
    // Same for finishing the run.
    expect(await store.updateRun(r.id, { status: 'success' }, ['running'], [{ type: 'run:success', at: 4 }], 'a')).toBe(
      false,
    );
    expect((await store.getRun(r.id))?.status).toBe('running');
    expect(await store.updateRun(r.id, { status: 'success' }, ['running'], [{ type: 'run:success', at: 4 }], 'b')).toBe(
      true,
    );
    expect((await store.readEvents(r.id)).map((e) => e.type)).toEqual(['x', 'run:success']);
  });

  it('isolates concurrent commits: one failing commit does not take the others down', async () => {
    const runs = [run({ status: 'running' }), run({ status: 'running' }), run({ status: 'running' })];
    for (const r of runs) await store.createRun(r);
    const commit = (runId: string, path: string) =>
      store.commitStep({
        step: { runId, path, attempt: 1, status: 'success', output: path, startedAt: 1, endedAt: 2 },
        events: [{ type: 'step:success', path, at: 2 }],
      });
    const results = await Promise.allSettled([
      commit((runs[0] as RunRecord).id, 'x'),
      commit('no-such-run', 'x'),
      commit((runs[1] as RunRecord).id, 'x'),
      commit((runs[2] as RunRecord).id, 'x'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    for (const r of runs) {
      expect((await store.listSteps(r.id)).map((s) => s.output)).toEqual(['x']);
      expect((await store.readEvents(r.id)).map((e) => e.seq)).toEqual([1]);
    }
    expect(await store.listSteps('no-such-run')).toEqual([]);
  });

  it("counts a run's events of some types (run logs against their cap)", async () => {
    const r = run();
    await store.createRun(r);
    await store.appendEvents(r.id, [
      { type: 'log', path: 'a', data: { level: 'info', message: 'one', attempt: 1 }, at: 1 },
      { type: 'state:patch', path: 'a', data: { x: 1 }, at: 2 },
      { type: 'log', path: 'a', data: { level: 'warn', message: 'two', attempt: 1 }, at: 3 },
    ]);
    await store.commitStep({
      step: { runId: r.id, path: 'a', attempt: 1, status: 'success', output: 1, startedAt: 4, endedAt: 5 },
      events: [{ type: 'log', path: 'a', data: { level: 'info', message: 'three', attempt: 1 }, at: 5 }],
    });
    expect(await store.countEvents?.(r.id, ['log'])).toBe(3);
    expect(await store.countEvents?.(r.id, ['log', 'state:patch'])).toBe(4);
    expect(await store.countEvents?.(r.id, ['nothing'])).toBe(0);
    expect(await store.countEvents?.('no-such-run', ['log'])).toBe(0);
  });

  it('lists runs with filters and paging', async () => {
    const wf = `list-${kind}`;
    const made: RunRecord[] = [];
    for (let i = 0; i < 7; i++) {
      const r = run({
        workflowId: wf,
        status: i % 2 ? 'success' : 'failed',
        createdAt: 2_000_000 + i,
        updatedAt: 2_000_000 + i,
      });
      made.push(r);
      await store.createRun(r);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ workflowId: wf, limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.runs.length).toBeLessThanOrEqual(3);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((r) => r.id).reverse());
    const ok = await store.listRuns({ workflowId: wf, status: 'success' });
    expect(ok.runs).toHaveLength(3);
    const ranged = await store.listRuns({ workflowId: wf, createdAfter: 2_000_001, createdBefore: 2_000_005 });
    expect(ranged.runs.map((r) => r.createdAt)).toEqual([2_000_004, 2_000_003, 2_000_002]);
    const both = await store.listRuns({ workflowId: wf, status: ['success', 'failed'], limit: 100 });
    expect(both.runs).toHaveLength(7);
  });

  it('claims queued and expired runs exactly once and renews leases', async () => {
    const wf = `claim-${kind}`;
    const now = 5_000_000;
    const queued = run({ workflowId: wf });
    const expired = run({ workflowId: wf, status: 'running', leaseOwner: 'dead', leaseExpiresAt: now - 1 });
    const live = run({ workflowId: wf, status: 'running', leaseOwner: 'alive', leaseExpiresAt: now + 60_000 });
    const suspended = run({ workflowId: wf, status: 'suspended' });
    for (const r of [queued, expired, live, suspended]) await store.createRun(r);
    const [a, b] = await Promise.all([
      store.claimRuns({ owner: 'w1', leaseMs: 1000, limit: 10, workflowIds: [wf], now }),
      store.claimRuns({ owner: 'w2', leaseMs: 1000, limit: 10, workflowIds: [wf], now }),
    ]);
    const ids = [...a, ...b].map((r) => r.id).sort();
    expect(ids).toEqual([queued.id, expired.id].sort());
    for (const r of [...a, ...b]) expect(r).toMatchObject({ status: 'running', leaseExpiresAt: now + 1000 });
    expect(await store.claimRuns({ owner: 'w3', leaseMs: 1000, limit: 10, workflowIds: [wf], now })).toEqual([]);
    const holder = a.length > 0 ? 'w1' : 'w2';
    expect(await store.renewLeases(holder, [queued.id, live.id], 5000)).toEqual(
      [...a, ...b].some((r) => r.id === queued.id && r.leaseOwner === holder) ? [queued.id] : [],
    );
    expect(
      await store.claimRuns({ owner: 'w4', leaseMs: 1000, limit: 10, workflowIds: ['nothing-here'], now }),
    ).toEqual([]);
    // Excluding workflows: the older run of the excluded one is skipped, the newer one is claimed.
    const skipped = run({ workflowId: `${wf}-x`, createdAt: 1 });
    const taken = run({ workflowId: `${wf}-y`, createdAt: 2 });
    await store.createRun(skipped);
    await store.createRun(taken);
    const got = await store.claimRuns({
      owner: 'w5',
      leaseMs: 1000,
      limit: 5,
      workflowIds: [`${wf}-x`, `${wf}-y`],
      excludeWorkflowIds: [`${wf}-x`],
      now,
    });
    expect(got.map((r) => r.id)).toEqual([taken.id]);
    expect((await store.getRun(skipped.id))?.status).toBe('queued');
    await store.deleteRun(skipped.id);
  });

  it('takes due timers once and deletes timers', async () => {
    const r = run();
    await store.createRun(r);
    await store.addTimer({ id: `a-${r.id}`, runId: r.id, path: 's', kind: 'sleep', dueAt: 100 });
    await store.addTimer({
      id: `b-${r.id}`,
      runId: r.id,
      path: 'w',
      kind: 'event-timeout',
      dueAt: 200,
      data: { e: 1 },
    });
    await store.addTimer({ id: `c-${r.id}`, runId: r.id, path: 'x', kind: 'sleep', dueAt: 9e12 });
    const due = (await store.takeDueTimers(250, 100)).filter((t) => t.runId === r.id);
    expect(due.map((t) => t.id)).toEqual([`a-${r.id}`, `b-${r.id}`]);
    expect(due[1]).toEqual({
      id: `b-${r.id}`,
      runId: r.id,
      path: 'w',
      kind: 'event-timeout',
      dueAt: 200,
      data: { e: 1 },
    });
    expect((await store.takeDueTimers(250, 100)).filter((t) => t.runId === r.id)).toEqual([]);
    // Fired timers are deleted by the worker after firing; `x` is dropped before it is due.
    await store.deleteTimers(r.id, 's');
    await store.deleteTimers(r.id, 'w');
    await store.deleteTimers(r.id, 'x');
    expect((await store.takeDueTimers(9e12 + 1, 100)).filter((t) => t.runId === r.id)).toEqual([]);
  });

  it('deletes runs and purges old finished runs with their rows', async () => {
    // A run is never updated before it was created: the purge finds old runs by creation time.
    const old = run({ status: 'success', createdAt: 5, updatedAt: 10 });
    const oldRunning = run({ status: 'running', createdAt: 5, updatedAt: 10 });
    const fresh = run({ status: 'failed', updatedAt: 9e12 });
    for (const r of [old, oldRunning, fresh]) await store.createRun(r);
    await store.commitStep({
      step: { runId: old.id, path: 'a', attempt: 1, status: 'success', startedAt: 1 },
      events: [{ type: 'x', at: 1 }],
    });
    expect(await store.purgeRuns(1000)).toBeGreaterThanOrEqual(1);
    expect(await store.getRun(old.id)).toBeUndefined();
    expect(await store.listSteps(old.id)).toEqual([]);
    expect(await store.readEvents(old.id)).toEqual([]);
    expect(await store.getRun(oldRunning.id)).toBeDefined();
    expect(await store.getRun(fresh.id)).toBeDefined();
    await store.deleteRun(fresh.id);
    expect(await store.getRun(fresh.id)).toBeUndefined();
  });
});
