/**
 * Postgres chaos: 4 worker processes under load on their own database while the test terminates
 * every connection to that database 10 times (`pg_terminate_backend`) and restarts the server once
 * (`pg_ctlcluster … restart`). No worker process dies, every run finishes exactly once (one
 * `run:success` each), and every step's side effect — appended to a file by the step itself, so it
 * is counted outside the database — happened exactly once: a commit whose connection dropped was
 * settled, never applied twice and never re-run.
 *
 * Other engineers share this server: only backends of this test's own database are terminated,
 * and the server is restarted exactly once per run and always left running.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createStore } from '../../src/store/kysely/index.js';
import { chaosWorkflow as chaos } from './fixtures/chaos-flow.js';
import { type Child, spawnTs } from './helpers/child.js';
import { PG_URL, tmpDir } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/pg-chaos-child.ts', import.meta.url));
const DB = `weft_store_chaos_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;
const dbUrl = (name: string) => {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
};
const ADMIN_URL = dbUrl('postgres');
const URL_ = dbUrl(DB);
const tmp = tmpDir('weft-pg-chaos-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** One statement on a fresh admin connection (the restart kills any kept one); retried while the server starts. */
async function admin<R = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.query(text, params)).rows as R[];
    } catch (error) {
      if (attempt >= 100) throw error;
      await sleep(100);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

const pgctl = (action: 'restart' | 'start') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', action], { stdio: 'pipe' });

/** Leaves the shared server running whatever happened. */
function ensureRunning(): void {
  try {
    pgctl('start');
  } catch {
    // Already running (pg_ctlcluster exits non-zero then).
  }
}

afterAll(async () => {
  ensureRunning();
  await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`).catch(() => {});
  tmp.cleanup();
});

describe('Postgres chaos', () => {
  it('4 workers survive 10 rounds of pg_terminate_backend and a server restart; every run finishes exactly once', async () => {
    await admin(`CREATE DATABASE "${DB}"`);
    const store = createStore({ url: URL_ });
    await store.init();
    const engine = createEngine({ store, workflows: [chaos], logger: quiet });
    const ids: string[] = [];
    const enqueue = async (n: number) => {
      const batch = Array.from({ length: n }, (_, j) => engine.enqueue(chaos, { n: ids.length + j, execs: [] }));
      ids.push(...(await Promise.all(batch)));
    };
    await enqueue(400);

    const workers: Child[] = Array.from({ length: 4 }, (_, i) =>
      spawnTs(CHILD, [URL_], { WEFT_CHAOS_EFFECTS: join(tmp.dir, `effects-${i}.log`) }),
    );
    let restarted = false;
    try {
      await Promise.all(workers.map((w) => w.waitFor('ready')));
      // Load the whole time: keep enqueuing while the connections are killed.
      let feeding = true;
      const feeder = (async () => {
        while (feeding) {
          await enqueue(40);
          await sleep(50);
        }
      })();

      const killed: number[] = [];
      for (let round = 0; round < 10; round++) {
        await sleep(350);
        const rows = await admin<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [DB],
        );
        killed.push(rows.length);
        if (round === 4) {
          pgctl('restart');
          restarted = true;
        }
      }
      feeding = false;
      await feeder;

      // Every run finishes.
      const deadline = Date.now() + 20_000;
      const open = async () => (await store.listRuns({ status: ['queued', 'running'], limit: 1 })).runs.length;
      while ((await open()) > 0 && Date.now() < deadline) await sleep(100);

      // No worker died.
      for (const w of workers) expect(w.proc.exitCode, w.output()).toBeNull();
      expect(killed.every((n) => n > 0)).toBe(true);

      const statuses = (
        await sql<{ status: string; n: string }>`SELECT status, count(*) AS n FROM weft_runs GROUP BY status`.execute(
          store.db,
        )
      ).rows;
      expect(statuses.map((r) => [r.status, Number(r.n)])).toEqual([['success', ids.length]]);
      // Exactly once: one run:success event per run (the status and the event are one write).
      const successes = (
        await sql<{
          n: string;
        }>`SELECT count(*) AS n FROM weft_events WHERE type = 'run:success' GROUP BY run_id`.execute(store.db)
      ).rows;
      expect(successes).toHaveLength(ids.length);
      expect(successes.every((r) => Number(r.n) === 1)).toBe(true);

      // Every step's side effect happened exactly once, and it is the one whose result was committed.
      const effects = new Map<string, string[]>();
      for (const f of readdirSync(tmp.dir).filter((f) => f.startsWith('effects-'))) {
        for (const line of readFileSync(join(tmp.dir, f), 'utf8').split('\n')) {
          if (!line) continue;
          const [runId, step, execId] = line.split(' ') as [string, string, string];
          const key = `${runId}/${step}`;
          effects.set(key, [...(effects.get(key) ?? []), execId]);
        }
      }
      const repeated = [...effects].filter(([, execs]) => execs.length !== 1);
      expect(repeated).toEqual([]);
      expect(effects.size).toBe(ids.length * 3);
      for (const id of ids.slice(0, 200)) {
        const out = (await store.getRun(id))?.output as { execs: string[] };
        expect(out.execs).toEqual(['a', 'b', 'c'].map((s) => effects.get(`${id}/${s}`)?.[0]));
      }
      const perWorker = workers.map((_, i) =>
        existsSync(join(tmp.dir, `effects-${i}.log`))
          ? readFileSync(join(tmp.dir, `effects-${i}.log`), 'utf8').split('\n').length - 1
          : 0,
      );
      console.log(
        `pg-chaos: ${ids.length} runs, ${killed.reduce((a, b) => a + b, 0)} connections terminated in 10 rounds (${killed.join(', ')}), 1 server restart, step executions per worker ${perWorker.join('/')}`,
      );
    } finally {
      if (!restarted) ensureRunning();
      for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      ensureRunning();
      await store.close();
      expect(codes).toEqual([0, 0, 0, 0]);
    }
  }, 60_000);
});
