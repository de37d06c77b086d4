/**
 * Background WAL checkpoints on a libsql file (createStore `walCheckpoint: 'background'`):
 *  - a child running chains one at a time, its WAL checkpointed every 16 pages (PASSIVE, RESTART
 *    every 128), is SIGKILLed at random moments ≥ 20 times and restarted: no committed step is lost
 *    or re-run, and `PRAGMA integrity_check` is ok;
 *  - the WAL stays bounded over 5,000 runs;
 *  - close() ends the worker (the process exits by itself), and so does a store never closed;
 *  - a worker that dies turns the inline automatic checkpoint back on, and commits go on.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { LocalSqlite } from '../../src/store/kysely/local-sqlite.js';
import { startBackgroundCheckpoint, walCheckpointStats } from '../../src/store/kysely/wal-checkpointer.js';
import { type ChainData, chainWorkflow, openSideLog, STEPS } from './fixtures/chain.js';
import { spawnTs } from './helpers/child.js';
import { tmpDir } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/wal-checkpoint-child.ts', import.meta.url));
const KILLS = 20;
const AHEAD = 100;
const tmp = tmpDir('weft-wal-ckpt-');
afterAll(() => tmp.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Execution {
  seq: number;
  run_id: string;
  step: string;
  exec_id: string;
  idem: string;
  prev: string | null;
}

function integrityCheck(path: string): unknown {
  const Database = createRequire(import.meta.url)('libsql') as new (
    p: string,
  ) => { prepare(sql: string): { get(p: unknown[]): unknown }; close(): void };
  const db = new Database(path);
  try {
    return db.prepare('PRAGMA integrity_check').get([]);
  } finally {
    db.close();
  }
}

describe('background WAL checkpoint (libsql file)', () => {
  it(`loses and repeats no committed step across ${KILLS}+ SIGKILLs while checkpoints run constantly`, async () => {
    const path = join(tmp.dir, 'crash.db');
    const url = `file:${path}`;
    const sidePath = join(tmp.dir, 'side.db');
    const store = createStore({ url });
    const wf = chainWorkflow(undefined);
    const engine = createEngine({ store, workflows: [wf] });
    const ids = new Map<string, number>();
    let enqueued = 0;
    const unfinished = async () => (await store.listRuns({ status: ['queued', 'running'], limit: AHEAD })).runs.length;
    const topUp = async () => {
      const missing = AHEAD - (await unfinished());
      for (let n = 0; n < missing; n++) {
        const i = enqueued++;
        ids.set(await engine.enqueue(wf, { total: i, execs: [] } satisfies ChainData), i);
      }
    };
    const env = { WEFT_LEASE_MS: '300', WEFT_CKPT_PAGES: '16', NODE_COMPILE_CACHE: join(tmp.dir, 'compile-cache') };
    let passive = 0;
    let restart = 0;
    let midCheckpointKills = 0;
    const ckptLine = (out: string) => {
      const lines = out.split('\n').filter((l) => l.startsWith('ckpt '));
      const [, p, r] = (lines.at(-1) ?? 'ckpt 0 0').split(' ').map(Number) as [number, number, number];
      passive += p;
      restart += r;
      return p;
    };
    const spawn = () => spawnTs(CHILD, ['crash', url, sidePath], env);
    const waiting = [spawn(), spawn()];
    for (let k = 0; k < KILLS; k++) {
      await topUp();
      const child = waiting.shift() as ReturnType<typeof spawn>;
      await child.waitFor('ready');
      child.proc.kill('SIGUSR2');
      waiting.push(spawn());
      await child.waitFor('working');
      await sleep(Math.random() * 100);
      child.proc.kill('SIGKILL');
      await child.exited;
      if (ckptLine(child.output()) > 0 && (await unfinished()) > 0) midCheckpointKills++;
    }
    const last = waiting.shift() as ReturnType<typeof spawn>;
    for (const spare of waiting) spare.proc.kill('SIGKILL');
    await last.waitFor('ready');
    last.proc.kill('SIGUSR2');
    const deadline = Date.now() + 60_000;
    while ((await unfinished()) > 0 && Date.now() < deadline) await sleep(50);
    last.proc.kill('SIGTERM');
    expect(await last.exited, last.output()).toBe(0);
    ckptLine(last.output());

    expect(midCheckpointKills).toBeGreaterThanOrEqual(KILLS);
    expect(passive).toBeGreaterThan(KILLS);
    expect(restart).toBeGreaterThan(0);

    const side = openSideLog(sidePath);
    const rows = side
      .prepare('SELECT seq, run_id, step, exec_id, idem, prev FROM executions ORDER BY seq')
      .all([]) as Execution[];
    side.close();
    const byRun = new Map<string, Execution[]>();
    for (const r of rows) byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), r]);
    for (const [id, i] of ids) {
      const run = await store.getRun(id);
      expect(run?.status, `run ${id}`).toBe('success');
      const out = run?.output as ChainData;
      expect(out.total).toBe(i + (STEPS * (STEPS + 1)) / 2);
      expect(out.execs).toHaveLength(STEPS);
      const execs = byRun.get(id) ?? [];
      for (let k = 1; k <= STEPS; k++) {
        const committed = out.execs[k - 1];
        const ofStep = execs.filter((e) => e.step === `s${k}`);
        // Not re-run: the committed execution is the last one of the step ever recorded.
        expect(ofStep.at(-1)?.exec_id, `${id}/s${k}`).toBe(committed);
        // Not lost: every execution of the successor saw this very execution as its input.
        if (k < STEPS) {
          for (const next of execs.filter((e) => e.step === `s${k + 1}`)) {
            expect(next.prev, `input of ${id}/s${k + 1} (seq ${next.seq})`).toBe(committed);
          }
        }
      }
      const seqs = (await store.readEvents(id)).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, n) => n + 1));
    }
    await store.close();
    expect(integrityCheck(path)).toMatchObject({ integrity_check: 'ok' });
    console.log(
      `background checkpoint crash test: ${KILLS} SIGKILLs, ${ids.size} runs, ${passive} passive + ${restart} restart checkpoints, ${rows.length} step executions for ${ids.size * STEPS} steps`,
    );
  }, 180_000);

  it('keeps the WAL bounded over 5,000 sequential runs', async () => {
    const path = join(tmp.dir, 'bounded.db');
    const store = createStore({ url: `file:${path}`, walCheckpointPages: 100 });
    const wf = chainWorkflow(undefined, 0);
    const engine = createEngine({ store, workflows: [wf] });
    const before = { ...walCheckpointStats };
    let largest = 0;
    for (let i = 0; i < 5000; i++) {
      const r = await engine.run(wf).start({ input: { total: 0, execs: [] } satisfies ChainData });
      expect(r.status).toBe('success');
      if (i % 25 === 0) largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    const dbBytes = statSync(path).size;
    await store.close();
    // Never checkpointed, the WAL would hold every page written (≈ 150,000 frames of 4 KiB, 600 MB);
    // the restart point is 800 frames (3.3 MB), plus what commits add while a checkpoint of the
    // worker holds the checkpoint lock (the store's connection checkpoints itself past 1,600 frames
    // when it can take that lock). On a loaded 2-core machine: 23–81 MB.
    expect(walCheckpointStats.restart - before.restart).toBeGreaterThan(10);
    expect(walCheckpointStats.fallbacks).toBe(before.fallbacks);
    expect(largest).toBeLessThan(128 * 1024 * 1024);
    expect(dbBytes).toBeGreaterThan(largest / 4);
    expect(integrityCheck(path)).toMatchObject({ integrity_check: 'ok' });
    console.log(
      `bounded WAL: largest ${(largest / 1e6).toFixed(1)} MB over 5,000 runs, database ${(dbBytes / 1e6).toFixed(1)} MB`,
    );
  }, 120_000);

  it('close() ends the worker: the process exits by itself, closed or not', async () => {
    for (const mode of ['close', 'leave']) {
      const child = spawnTs(CHILD, [mode, `file:${join(tmp.dir, `${mode}.db`)}`], { WEFT_CKPT_PAGES: '8' });
      const timer = setTimeout(() => child.proc.kill('SIGKILL'), 20_000);
      const code = await child.exited;
      clearTimeout(timer);
      expect(code, child.output()).toBe(0);
      expect(child.output()).toContain(mode === 'close' ? 'closed' : 'ran');
    }
  }, 60_000);

  it('a worker that dies turns the inline checkpoint back on; commits go on', async () => {
    const path = join(tmp.dir, 'fallback.db');
    const sqlite = new LocalSqlite(path);
    const pragma = () => sqlite.db.prepare('PRAGMA wal_autocheckpoint').get([]) as { wal_autocheckpoint: number };
    const checkpoint = startBackgroundCheckpoint(sqlite, {
      pages: 4,
      restartPages: 32,
      synchronous: 'NORMAL',
      busyTimeoutMs: 5000,
      fallbackPages: 777,
    });
    expect(checkpoint?.active).toBe(true);
    expect(pragma().wal_autocheckpoint).toBe(32 * 2); // only the safety valve
    sqlite.db.exec('CREATE TABLE t (x)');
    for (let i = 0; i < 200; i++) sqlite.run('INSERT INTO t VALUES (randomblob(2000))', []);
    await checkpoint?.crashForTest();
    expect(checkpoint?.active).toBe(false);
    expect(pragma().wal_autocheckpoint).toBe(777);
    for (let i = 0; i < 200; i++) sqlite.run('INSERT INTO t VALUES (randomblob(2000))', []);
    await checkpoint?.close(); // nothing left to stop
    expect(sqlite.all('SELECT count(*) AS n FROM t', [])).toMatchObject([{ n: 400 }]);
    sqlite.close();
    expect(integrityCheck(path)).toMatchObject({ integrity_check: 'ok' });
  });

  it("walCheckpoint: 'inline' keeps SQLite's automatic checkpoint; bad options are refused", async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'inline.db')}`, walCheckpoint: 'inline' });
    await store.init();
    await store.close();
    expect(() => createStore({ url: `file:${join(tmp.dir, 'bad.db')}`, walCheckpointPages: 0 })).toThrow(
      /walCheckpointPages/,
    );
    expect(() =>
      createStore({ url: `file:${join(tmp.dir, 'bad.db')}`, walCheckpoint: 'sometimes' as 'inline' }),
    ).toThrow(/walCheckpoint/);
    const memory = createStore({ url: ':memory:', walCheckpoint: 'background' });
    await memory.init();
    await memory.close();
  });
});
