/**
 * Run handles and followers in one process: status, result with timeout and abort, typed errors,
 * streams of runs executed by another engine on another store over the same libsql file (the
 * in-process signal) and by another engine over Postgres (LISTEN/NOTIFY, surviving a terminated
 * LISTEN connection).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  createMemoryStore,
  createStore,
  createWorker,
  followRun,
  RunNotFoundError,
  RunWaitTimeoutError,
  type WeftEvent,
} from '../../src/index.js';
import { tmpDir } from '../durable/helpers/stores.js';
import { chainWorkflow } from './fixtures/chain.js';
import { ownDatabase, pgAdmin } from './fixtures/database.js';

const tmp = tmpDir('weft-handle-unit-');
const db = ownDatabase('handle_unit');
afterAll(async () => {
  tmp.cleanup();
  await db.drop();
});
const chain = chainWorkflow(3, 5);

describe('run handle', () => {
  it('status(), result() at once for an ended run, typed errors for unknown runs, timeouts and aborts', async () => {
    const engine = createEngine({ store: createMemoryStore(), workflows: [chain] });
    await expect(engine.handle('nope').status()).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(engine.handle('nope').result()).rejects.toMatchObject({ code: 'WEFT_RUN_NOT_FOUND' });
    const queued = await engine.enqueue(chain, { n: 1 });
    const handle = engine.handle(queued, chain);
    expect(await handle.status()).toBe('queued');
    const timedOut = await handle.result({ timeout: 30 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(RunWaitTimeoutError);
    expect(timedOut).toMatchObject({ code: 'WEFT_RUN_WAIT_TIMEOUT', runId: queued, timeoutMs: 30, status: 'queued' });
    const ac = new AbortController();
    const aborted = handle.result({ signal: ac.signal });
    ac.abort(new Error('client went away'));
    await expect(aborted).rejects.toThrow('client went away');
    await expect(handle.result({ timeout: 'soon' as never })).rejects.toThrow(
      /Expected handle.result\(\{ timeout \}\)/,
    );
    // A worker runs it: the pending result resolves; a later one resolves at once.
    const waiting = handle.result({ timeout: '10s' });
    const worker = createWorker({ engine, pollMs: 5 });
    worker.start();
    const r = await waiting;
    expect(r).toMatchObject({ status: 'success', output: { n: 4 } });
    expect(await handle.result()).toMatchObject({ status: 'success', output: { n: 4 } });
    expect(await handle.status()).toBe('success');
    await worker.close();
  });

  it('libsql file: stream() of a run executed by another engine over another store on the same file', async () => {
    const url = `file:${join(tmp.dir, 'weft.db')}`;
    const apiStore = createStore({ url });
    const workStore = createStore({ url });
    const api = createEngine({ store: apiStore, workflows: [chain] });
    const workerEngine = createEngine({ store: workStore, workflows: [chain] });
    const runId = await api.enqueue(chain, { n: 10 });
    const seen: WeftEvent[] = [];
    const streaming = (async () => {
      for await (const e of api.handle(runId).stream()) seen.push(e);
    })();
    const worker = createWorker({ engine: workerEngine, pollMs: 5 });
    worker.start();
    await streaming;
    const stored = await apiStore.readEvents(runId);
    expect(seen.map((e) => [e.seq, e.type, e.path])).toEqual(stored.map((e) => [e.seq, e.type, e.path]));
    // Step outputs ride on the followed successes, as they do live.
    expect(seen.filter((e) => e.type === 'step:success').map((e) => e.data)).toEqual([{ n: 11 }, { n: 12 }, { n: 13 }]);
    // After a seq: only what came later.
    const later: string[] = [];
    for await (const e of followRun(apiStore, runId, { afterSeq: stored.at(-2)?.seq ?? 0 })) later.push(e.type);
    expect(later).toEqual(['run:success']);
    await worker.close();
    await Promise.all([api.close(), workerEngine.close()]);
    await Promise.all([apiStore.close(), workStore.close()]);
  });

  it('Postgres: followers are woken by NOTIFY, and a terminated LISTEN connection is replaced', async () => {
    const url = await db.create();
    const apiStore = createStore({ url });
    const workStore = createStore({ url });
    await Promise.all([apiStore.init(), workStore.init()]);
    expect(apiStore.eventsScope).toBe('database');
    const woken: string[] = [];
    const stop = apiStore.watchEvents((id) => woken.push(id));
    const waitFor = async (pred: () => boolean) => {
      const until = Date.now() + 10_000;
      while (!pred() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      expect(pred()).toBe(true);
    };
    await waitFor(() => woken.includes('*')); // listening
    const api = createEngine({ store: apiStore, workflows: [chain] });
    const workerEngine = createEngine({ store: workStore, workflows: [chain] });
    const first = await api.enqueue(chain, { n: 0 });
    await waitFor(() => woken.includes(first));
    // Kill the LISTEN connection: the feed reconnects and tells followers to re-read ('*').
    woken.length = 0;
    await pgAdmin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND query LIKE 'LISTEN%'`,
    );
    await waitFor(() => woken.includes('*'));
    const runId = await api.enqueue(chain, { n: 20 });
    await waitFor(() => woken.includes(runId));
    const worker = createWorker({ engine: workerEngine, pollMs: 5 });
    worker.start();
    const types: string[] = [];
    for await (const e of api.stream(runId)) types.push(e.type);
    expect(types).toEqual(['run:queued', 'run:start', 'step:success', 'step:success', 'step:success', 'run:success']);
    expect(await api.handle(runId, chain).result()).toMatchObject({ status: 'success', output: { n: 23 } });
    stop();
    await worker.close();
    await Promise.all([api.close(), workerEngine.close()]);
    await Promise.all([apiStore.close(), workStore.close()]);
  });
});
