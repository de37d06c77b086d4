/**
 * Restart, fork and the run deadline across processes, on one libsql file: a child process starts
 * (or is SIGKILLed in the middle of) a run; another process restarts, forks, recovers or fires its
 * timers. A side log counts every step execution, so reuse of committed results is checked.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStore } from '../../src/index.js';
import { runTs, spawnTs } from '../durable/helpers/child.js';
import { tmpDir } from '../durable/helpers/stores.js';
import { authoringFlows } from './fixtures/flows.js';

const CHILD = fileURLToPath(new URL('./fixtures/authoring-child.ts', import.meta.url));
const tmp = tmpDir('weft-authoring-');
afterAll(() => tmp.cleanup());
const url = `file:${join(tmp.dir, 'weft.db')}`;
const result = (out: string) =>
  JSON.parse(
    out
      .split('\n')
      .find((l) => l.startsWith('RESULT '))
      ?.slice(7) ?? 'null',
  );
const lines = (log: string) => readFileSync(log, 'utf8').trim().split('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('across processes (libsql file)', () => {
  it('restarts a failed run in another process from its failure: a is not run again', async () => {
    const log = join(tmp.dir, 'restart.log');
    writeFileSync(`${log}.fail`, '');
    const first = result(await runTs(CHILD, [url, log, 'start', 'flaky', '{"n":1}']));
    expect(first).toMatchObject({ status: 'failed', error: { name: 'StepFailedError' } });
    rmSync(`${log}.fail`);
    const again = result(await runTs(CHILD, [url, log, 'restart', first.runId]));
    expect(again).toMatchObject({ status: 'success', output: { c: 21, init: { n: 1 }, state: { a: 1, b: 2 } } });
    expect(lines(log)).toEqual(['a', 'b', 'b', 'c']);
    // From a named step, in place: b and c run again, a is reused.
    writeFileSync(`${log}.fail`, '');
    const third = result(await runTs(CHILD, [url, log, 'start', 'flaky', '{"n":5}']));
    rmSync(`${log}.fail`);
    writeFileSync(log, '');
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [...authoringFlows(log)] });
    await expect(engine.restart(third.runId, { from: 'nope' })).rejects.toMatchObject({
      code: 'WEFT_RUN_NOT_RESTARTABLE',
      message: expect.stringMatching(/"a", "b"/),
    });
    const fromB = result(await runTs(CHILD, [url, log, 'restart', third.runId, 'b']));
    expect(fromB).toMatchObject({ status: 'success', output: { c: 61 } });
    expect(lines(log)).toEqual(['b', 'c']);
    await expect(engine.restart(third.runId)).rejects.toMatchObject({ code: 'WEFT_RUN_NOT_RESTARTABLE' });
    await store.close();
  });

  it('forks a finished run from a step with edited input and state, as a new run linked to its parent', async () => {
    const log = join(tmp.dir, 'fork.log');
    const parent = result(await runTs(CHILD, [url, log, 'start', 'flaky', '{"n":2}']));
    expect(parent).toMatchObject({ status: 'success', output: { c: 31 } });
    writeFileSync(log, '');
    const fork = result(await runTs(CHILD, [url, log, 'fork', parent.runId, 'c', '{"n":100}', '{"edited":true}']));
    // a and b are reused from the parent (b's output 30); c runs with the edited input and state.
    expect(fork).toMatchObject({
      status: 'success',
      output: { c: 31, init: { n: 100 }, state: { a: 2, b: 3, edited: true } },
    });
    expect(fork.runId).not.toBe(parent.runId);
    expect(lines(log)).toEqual(['c']);
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [...authoringFlows(log)] });
    expect((await engine.getRun(fork.runId))?.forkedFrom).toEqual({ runId: parent.runId, step: 'c' });
    const lineage = await engine.lineage(parent.runId);
    expect(lineage.forks).toEqual([expect.objectContaining({ runId: fork.runId, step: 'c', status: 'success' })]);
    expect((await engine.lineage(fork.runId)).forkedFrom).toEqual({ runId: parent.runId, step: 'c' });
    // The parent is untouched.
    expect((await engine.getRun(parent.runId))?.output).toMatchObject({ c: 31, init: { n: 2 } });
    await store.close();
  });

  it('a run deadline survives a SIGKILL: the recovering process fails the run with RunTimeoutError', async () => {
    const log = join(tmp.dir, 'deadline.log');
    const child = spawnTs(CHILD, [url, log, 'start', 'slow', '{"ms":60000}', '400']);
    while (!existsSync(log) || !lines(log).includes('wait')) await sleep(10);
    const runId = child.output().match(/RUN (\S+)/)?.[1] as string;
    child.proc.kill('SIGKILL');
    await child.exited;
    await sleep(500); // the lease (300 ms) expired and the deadline (400 ms) passed
    const recovered = result(await runTs(CHILD, [url, log, 'recover']));
    expect(recovered).toEqual([
      expect.objectContaining({
        runId,
        status: 'failed',
        error: { name: 'RunTimeoutError', code: 'WEFT_RUN_TIMEOUT' },
      }),
    ]);
    const store = createStore({ url });
    expect(await store.getRun(runId)).toMatchObject({ status: 'failed', error: { code: 'WEFT_RUN_TIMEOUT' } });
    await store.close();
  });

  it('a suspended run past its deadline is failed by a durable timer fired in another process', async () => {
    const log = join(tmp.dir, 'gate.log');
    const started = result(await runTs(CHILD, [url, log, 'start', 'gate', 'null', '300']));
    expect(started.status).toBe('suspended');
    await sleep(350);
    const fired = result(await runTs(CHILD, [url, log, 'timers']));
    expect(fired).toEqual([
      expect.objectContaining({
        runId: started.runId,
        status: 'failed',
        error: expect.objectContaining({ name: 'RunTimeoutError' }),
      }),
    ]);
    const store = createStore({ url });
    const engine = createEngine({ store, workflows: [...authoringFlows(log)] });
    await expect(engine.resume(started.runId, { step: 'ask', data: {} })).rejects.toMatchObject({
      code: 'WEFT_RUN_NOT_SUSPENDED',
    });
    await store.close();
  });

  it('a process killed right after its run suspended leaves the deadline timer: a worker started later fails the run', async () => {
    const log = join(tmp.dir, 'gate-killed.log');
    // The child SIGKILLs itself right after the write that makes the run suspended.
    const child = spawnTs(CHILD, [url, log, 'start-die-suspended', 'gate', 'null', '300']);
    await child.exited;
    const runId = child.output().match(/RUN (\S+)/)?.[1] as string;
    const store = createStore({ url });
    expect(await store.getRun(runId)).toMatchObject({ status: 'suspended', deadlineAt: expect.any(Number) });
    await store.close();
    await sleep(350); // the deadline passes while no process is up
    const ended = result(await runTs(CHILD, [url, log, 'worker', runId]));
    expect(ended).toMatchObject({
      runId,
      status: 'failed',
      error: { name: 'RunTimeoutError', code: 'WEFT_RUN_TIMEOUT' },
    });
    // Another engine cannot resume it: the run is over.
    const again = createStore({ url });
    const engine = createEngine({ store: again, workflows: [...authoringFlows(log)] });
    await expect(engine.resume(runId, { step: 'ask', data: {} })).rejects.toMatchObject({
      code: 'WEFT_RUN_NOT_SUSPENDED',
    });
    await again.close();
  });
});
