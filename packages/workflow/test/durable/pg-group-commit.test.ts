/**
 * Group commit on Postgres (src/store/kysely/pg-group-commit.ts), on a real server, counted at the
 * driver: the step commits and run creations of one event-loop turn share one statement; each
 * run's guard holds on its own (a fenced-out commit rejects with LeaseLostError, a commit for a
 * missing run with run-not-found, an existing run id with run-exists) and a commit that fails the
 * whole statement (a path too long for its column) fails alone: the others of its group commit.
 * Two commits of one run in the same turn keep their order (event seqs).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/errors/errors.js';
import { createStore } from '../../src/store/kysely/index.js';
import type { RunRecord, StepCommit } from '../../src/store/store.js';
import { countingPool as pool, dropSchema, pgQuery, uniqueSchema } from './helpers/stores.js';

const schema = uniqueSchema('groupcommit');
afterAll(() => dropSchema(schema));

const countingPool = (texts: string[]) => pool(schema, texts);

const run = (id: string, owner = 'owner-a'): RunRecord => ({
  id,
  workflowId: 'wf',
  definitionHash: 'h',
  status: 'running',
  input: { id },
  leaseOwner: owner,
  leaseExpiresAt: Date.now() + 60_000,
  createdAt: 1000,
  updatedAt: 1000,
});

const commit = (runId: string, path: string, owner: string | undefined, at = 2000): StepCommit => ({
  step: { runId, path, attempt: 1, status: 'success', output: { path }, startedAt: at, endedAt: at + 1 },
  events: [{ type: 'step:success', path, at }],
  ...(owner === undefined ? {} : { leaseOwner: owner }),
});

describe('Postgres group commit', () => {
  it('writes one turn of commits as one statement, each guard on its own, a failing one alone', async () => {
    await pgQuery('public', `CREATE SCHEMA "${schema}"`);
    const texts: string[] = [];
    const store = createStore({ dialect: 'postgres', pool: countingPool(texts) });
    await store.init();
    await store.createRun(run('taken'));

    // 20 runs created in one turn: one INSERT; an id that exists fails alone.
    texts.length = 0;
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    const created = await Promise.allSettled([
      ...ids.map((id) => store.createRun(run(id))),
      store.createRun(run('taken')),
    ]);
    expect(created.slice(0, 20).every((c) => c.status === 'fulfilled')).toBe(true);
    expect((created[20] as PromiseRejectedResult).reason).toMatchObject({ code: 'WEFT_STORE_RUN_EXISTS' });
    expect(texts.filter((t) => /^INSERT INTO weft_runs/.test(t.trim()))).toHaveLength(2); // the group + the lone retry
    expect((await store.listRuns({ limit: 100 })).runs).toHaveLength(21);

    // One turn of step commits: 18 good ones (one of them the run's final write, with a patch), a
    // fenced-out one, one for a run that does not exist, and one whose path no column holds.
    texts.length = 0;
    const good = ids.slice(0, 18).map((id) => store.commitStep(commit(id, 'a', 'owner-a')));
    const final: StepCommit = {
      ...commit('r0', 'b', 'owner-a', 3000),
      run: { status: 'success', output: { done: true }, updatedAt: 3001 },
    };
    const results = await Promise.allSettled([
      ...good,
      store.commitStep(final), // same run as the first: waits for it, keeps its order
      store.commitStep(commit('r18', 'a', 'owner-b')),
      store.commitStep(commit('nope', 'a', undefined)),
      store.commitStep(commit('r19', 'x'.repeat(1100), 'owner-a')),
    ]);
    expect(results.slice(0, 19).map((r) => r.status)).toEqual(Array(19).fill('fulfilled'));
    expect((results[19] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    expect((results[20] as PromiseRejectedResult).reason).toMatchObject({ code: 'WEFT_STORE_RUN_NOT_FOUND' });
    expect(results[21]?.status).toBe('rejected');
    const grouped = texts.filter((t) => /json_to_recordset/.test(t) && /INSERT INTO weft_steps/.test(t));
    // The first group fails on the long path and is settled commit by commit; r0's final write
    // (held back while r0's first commit was written) follows in its own turn.
    expect(grouped.length).toBeGreaterThanOrEqual(1);
    expect(grouped.length).toBeLessThanOrEqual(2);

    for (const id of ids.slice(0, 18)) {
      const steps = await store.listSteps(id);
      expect(steps.map((s) => s.path)).toEqual(id === 'r0' ? ['a', 'b'] : ['a']);
    }
    expect(await store.listSteps('r18')).toEqual([]);
    expect(await store.listSteps('r19')).toEqual([]);
    const r0 = await store.getRun('r0');
    expect(r0).toMatchObject({ status: 'success', output: { done: true }, updatedAt: 3001 });
    expect((await store.readEvents('r0')).map((e) => [e.seq, e.path])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    await store.close();
  });

  it('a turn of 100 commits without failures is one statement', async () => {
    const texts: string[] = [];
    const store = createStore({ dialect: 'postgres', pool: countingPool(texts) });
    await store.init();
    const ids = Array.from({ length: 100 }, (_, i) => `h${i}`);
    await Promise.all(ids.map((id) => store.createRun(run(id))));
    texts.length = 0;
    await Promise.all(ids.map((id) => store.commitStep(commit(id, 's1', 'owner-a'))));
    expect(texts.filter((t) => /^(WITH|INSERT|UPDATE|BEGIN)/.test(t.trim()))).toHaveLength(1);
    const rows = (await pgQuery(
      schema,
      "SELECT COUNT(*)::int AS n FROM weft_events WHERE run_id LIKE 'h%' AND seq = 1",
    )) as { n: number }[];
    expect(rows[0]?.n).toBe(100);
    await store.close();
  });
});
