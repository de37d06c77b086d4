/**
 * libsql: a step commit is one statement, an INSERT into the `weft_step_commits` view whose trigger
 * (migration 0011) fences the lease, upserts the step and appends its events. These tests check,
 * on real files, what that statement writes, that a fenced-out or orphan commit writes nothing
 * (alone, and inside a group commit of several runs), and that a schema without the migration
 * still commits through the plain statements.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/errors/errors.js';
import { createStore } from '../../src/store/kysely/index.js';
import type { RunRecord, StepRecord } from '../../src/store/store.js';
import { tmpDir } from './helpers/stores.js';

const tmp = tmpDir('weft-step-commit-');
afterAll(() => tmp.cleanup());
let n = 0;

type Db = { prepare(sql: string): { run(p: unknown[]): unknown }; exec(sql: string): void; close(): void };
const Database = createRequire(import.meta.url)('libsql') as {
  new (path: string): Db;
  prototype: { prepare(sql: string): unknown };
};

// Every statement run on libsql connections is recorded while `capture` runs (prepared statements
// are cached by the store, so the hook wraps every statement prepared in this file).
let recording: string[] | undefined;
/** Values bound to each step-commit statement while recording (a merged statement: all its rows'). */
let bound: number[] | undefined;
const original = Database.prototype.prepare;
beforeAll(() => {
  Database.prototype.prepare = function (this: unknown, text: string) {
    const st = original.call(this, text) as { run(...a: unknown[]): unknown };
    const run = st.run.bind(st);
    st.run = (...a: unknown[]) => {
      recording?.push(text.replace(/\s+/g, ' ').split(' (')[0] as string);
      if (text.startsWith('INSERT INTO weft_step_commits')) bound?.push((a.flat() as unknown[]).length);
      return run(...a);
    };
    return st;
  };
});
afterAll(() => {
  Database.prototype.prepare = original;
});

/** The statements (their text up to the first parenthesis) run while `fn` runs, in order. */
async function capture(fn: () => Promise<void>): Promise<string[]> {
  recording = [];
  try {
    await fn();
    return recording;
  } finally {
    recording = undefined;
  }
}

const run = (id: string, owner = 'me'): RunRecord => ({
  id,
  workflowId: 'wf',
  definitionHash: 'h',
  status: 'running',
  input: { n: 1 },
  leaseOwner: owner,
  leaseExpiresAt: 9e12,
  createdAt: 1,
  updatedAt: 1,
});
const step = (runId: string, path: string, status: StepRecord['status'] = 'success'): StepRecord => ({
  runId,
  path,
  attempt: 1,
  status,
  input: { in: path },
  output: status === 'success' ? { out: path } : undefined,
  startedAt: 2,
  endedAt: 3,
});

describe('step commit as one statement (libsql file)', () => {
  it('writes the step and its events in one autocommitted statement; events past two follow it in order', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, `s${++n}.db`)}` });
    await store.init();
    await store.createRun(run('r1'), [{ type: 'run:start', at: 1 }]);
    const statements = await capture(async () => {
      await store.commitStep({ step: step('r1', 'a', 'running'), leaseOwner: 'me' });
      await store.commitStep({
        step: step('r1', 'a'),
        events: [{ type: 'step:success', path: 'a', data: { d: 1 }, at: 4 }],
        leaseOwner: 'me',
      });
    });
    expect(statements).toEqual(['INSERT INTO weft_step_commits', 'INSERT INTO weft_step_commits']);
    const more = await capture(() =>
      store.commitStep({
        step: step('r1', 'b'),
        events: [1, 2, 3, 4].map((i) => ({ type: `e${i}`, path: 'b', data: i, at: 5 + i })),
        leaseOwner: 'me',
      }),
    );
    expect(more).toEqual(['BEGIN IMMEDIATE', 'INSERT INTO weft_step_commits', 'INSERT INTO weft_events', 'COMMIT']);
    expect(await store.listSteps('r1')).toMatchObject([
      { path: 'a', status: 'success', input: { in: 'a' }, output: { out: 'a' } },
      { path: 'b', status: 'success', output: { out: 'b' } },
    ]);
    const events = await store.readEvents('r1');
    expect(events.map((e) => [e.seq, e.type, e.path ?? null, e.data ?? null])).toEqual([
      [1, 'run:start', null, null],
      [2, 'step:success', 'a', { d: 1 }],
      [3, 'e1', 'b', 1],
      [4, 'e2', 'b', 2],
      [5, 'e3', 'b', 3],
      [6, 'e4', 'b', 4],
    ]);
    await store.close();
  });

  it("a step's success without error or event data binds 13 values, and stores what the full statement does", async () => {
    const store = createStore({ url: `file:${join(tmp.dir, `s${++n}.db`)}` });
    await store.init();
    await store.createRun(run('r1'), [{ type: 'run:start', at: 1 }]);
    bound = [];
    const commits = [
      // The lean statement: a success, one event without data.
      { step: step('r1', 'a'), events: [{ type: 'step:success', path: 'a', at: 4 }], leaseOwner: 'me' },
      // The full one: an event with data, an error, no event, two events.
      { step: step('r1', 'b'), events: [{ type: 'step:success', path: 'b', data: { d: 1 }, at: 5 }], leaseOwner: 'me' },
      {
        step: { ...step('r1', 'c', 'failed'), error: { name: 'Error', message: 'no' } },
        events: [{ type: 'step:failed', path: 'c', at: 6 }],
        leaseOwner: 'me',
      },
      { step: step('r1', 'd', 'running') },
      {
        step: step('r1', 'e'),
        events: [
          { type: 'x', path: 'e', at: 7 },
          { type: 'step:success', path: 'e', at: 8 },
        ],
      },
    ];
    try {
      for (const c of commits) await store.commitStep(c);
    } finally {
      const counts = bound;
      bound = undefined;
      expect(counts).toEqual([13, 19, 19, 19, 19]);
    }
    expect(await store.listSteps('r1')).toMatchObject([
      { path: 'a', status: 'success', input: { in: 'a' }, output: { out: 'a' }, startedAt: 2, endedAt: 3 },
      { path: 'b', status: 'success', output: { out: 'b' } },
      { path: 'c', status: 'failed', error: { message: 'no' } },
      { path: 'd', status: 'running' },
      { path: 'e', status: 'success' },
    ]);
    const steps = await store.listSteps('r1');
    expect(steps[0]?.error).toBeUndefined();
    const events = await store.readEvents('r1');
    expect(events.map((e) => [e.seq, e.type, e.path ?? null, e.data ?? null, e.at])).toEqual([
      [1, 'run:start', null, null, 1],
      [2, 'step:success', 'a', null, 4],
      [3, 'step:success', 'b', { d: 1 }, 5],
      [4, 'step:failed', 'c', null, 6],
      [5, 'x', 'e', null, 7],
      [6, 'step:success', 'e', null, 8],
    ]);
    // The lean statement is fenced like the full one.
    await store.createRun(run('r2', 'other'));
    await expect(
      store.commitStep({
        step: step('r2', 'a'),
        events: [{ type: 'step:success', path: 'a', at: 4 }],
        leaseOwner: 'me',
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.listSteps('r2')).toEqual([]);
    await store.close();
  });

  it('a lone commit of a lost lease, or of a run that does not exist, writes nothing', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, `s${++n}.db`)}` });
    await store.init();
    await store.createRun(run('r1', 'new-owner'));
    const stale = store.commitStep({ step: step('r1', 'a'), events: [{ type: 'x', at: 1 }], leaseOwner: 'old' });
    await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
    await expect(stale).rejects.toMatchObject({ code: 'WEFT_LEASE_LOST', runId: 'r1', owner: 'old' });
    await expect(
      store.commitStep({ step: step('gone', 'a'), events: [{ type: 'x', at: 1 }], leaseOwner: 'me' }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    await expect(store.commitStep({ step: step('gone', 'a'), events: [{ type: 'x', at: 1 }] })).rejects.toMatchObject({
      code: 'WEFT_STORE_RUN_NOT_FOUND',
    });
    expect(await store.listSteps('r1')).toEqual([]);
    expect(await store.readEvents('r1')).toEqual([]);
    expect(await store.listSteps('gone')).toEqual([]);
    // The owner's own commit still goes through.
    await store.commitStep({ step: step('r1', 'a'), events: [{ type: 'x', at: 1 }], leaseOwner: 'new-owner' });
    expect((await store.readEvents('r1')).map((e) => [e.seq, e.type])).toEqual([[1, 'x']]);
    await store.close();
  });

  it('in a group commit of several runs, only the fenced-out commit fails', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, `s${++n}.db`)}` });
    await store.init();
    const ids = ['g0', 'g1', 'g2', 'g3'];
    for (const id of ids) await store.createRun(run(id, id === 'g2' ? 'other' : 'me'));
    // Submitted in the same tick: one transaction, one savepoint per commit.
    const results = await Promise.allSettled(
      ids.map((id) =>
        store.commitStep({
          step: step(id, 'a'),
          events: [{ type: 'step:success', path: 'a', at: 4 }],
          leaseOwner: 'me',
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    for (const id of ids) {
      const expected = id === 'g2' ? 0 : 1;
      expect((await store.listSteps(id)).length).toBe(expected);
      expect((await store.readEvents(id)).map((e) => e.seq)).toEqual(expected ? [1] : []);
    }
    await store.close();
  });

  it('event seqs stay contiguous and in commit order with other writers and parallel commits of one run', async () => {
    const file = join(tmp.dir, `s${++n}.db`);
    const a = createStore({ url: `file:${file}` });
    const b = createStore({ url: `file:${file}` });
    await a.init();
    await b.init();
    await a.createRun(run('r1'), [{ type: 'run:start', at: 1 }]);
    await a.commitStep({ step: step('r1', 's1'), events: [{ type: 'a1', at: 2 }], leaseOwner: 'me' });
    // Another store (another process's view of the file) appends to the run: the first store's
    // remembered seq is stale, and its next commit takes the seqs after those.
    await b.appendEvents('r1', [
      { type: 'b1', at: 3 },
      { type: 'b2', at: 3 },
    ]);
    await a.commitStep({ step: step('r1', 's2'), events: [{ type: 'a2', at: 4 }], leaseOwner: 'me' });
    // A store that did not write the run (a resume elsewhere) reads the run's last seq once.
    await b.commitStep({ step: step('r1', 's3'), events: [{ type: 'b3', at: 5 }], leaseOwner: 'me' });
    // The first store's seq is stale again: its commit is retried after the others' events.
    await a.commitStep({ step: step('r1', 's4'), events: [{ type: 'a3', at: 5 }], leaseOwner: 'me' });
    // Parallel branches of one run commit in the same tick: consecutive seqs, submission order.
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        a.commitStep({
          step: step('r1', `p${i}`),
          events:
            i % 2
              ? [{ type: `p${i}`, at: 6 }]
              : [
                  { type: `p${i}`, at: 6 },
                  { type: `p${i}'`, at: 6 },
                ],
          leaseOwner: 'me',
        }),
      ),
    );
    const events = await a.readEvents('r1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual([
      'run:start',
      'a1',
      'b1',
      'b2',
      'a2',
      'b3',
      'a3',
      'p1',
      'p2',
      "p2'",
      'p3',
      'p4',
      "p4'",
      'p5',
    ]);
    expect((await a.listSteps('r1')).length).toBe(9);
    await a.close();
    await b.close();
  });

  it('commits of one run keep call order when the general path (awaits first) and the synchronous one mix', async () => {
    // The live order of a run's events is the order its writes were called in: a step commit that
    // reserves its seqs synchronously must not go ahead of an earlier write still awaiting its seqs
    // (an append, a run update with events, a commit with three events or a suspension).
    const file = join(tmp.dir, `s${++n}.db`);
    const a = createStore({ url: `file:${file}` });
    await a.init();
    await a.createRun(run('r1'), [{ type: 'run:start', at: 1 }]);
    const three = [1, 2, 3].map((i) => ({ type: `g${i}`, at: 2 }));
    let k = 0;
    const fast = (type: string) =>
      a.commitStep({ step: step('r1', `s${++k}`), events: [{ type, at: 2 }], leaseOwner: 'me' });
    // Each general write between two synchronous commits, called in one tick.
    await Promise.all([fast('f1'), a.appendEvents('r1', [{ type: 'append', at: 2 }]), fast('f2')]);
    await Promise.all([
      fast('f3'),
      a.commitStep({ step: step('r1', 'g'), events: three, leaseOwner: 'me' }),
      fast('f4'),
    ]);
    await Promise.all([
      fast('f5'),
      a.updateRun('r1', { updatedAt: 5 }, ['running'], [{ type: 'update', at: 2 }]),
      fast('f6'),
    ]);
    // A run with no write pending takes the synchronous path again.
    await fast('f7');
    const events = await a.readEvents('r1');
    expect(events.map((e) => e.type)).toEqual([
      'run:start',
      'f1',
      'append',
      'f2',
      'f3',
      'g1',
      'g2',
      'g3',
      'f4',
      'f5',
      'update',
      'f6',
      'f7',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect((await a.listSteps('r1')).length).toBe(8);
    await a.close();
  });

  it('a schema without migration 0011 (migrate: false) commits through the plain statements', async () => {
    const file = join(tmp.dir, `s${++n}.db`);
    const first = createStore({ url: `file:${file}` });
    await first.init();
    await first.close();
    const db = new Database(file);
    db.exec('DROP TRIGGER weft_step_commit');
    db.exec('DROP VIEW weft_step_commits');
    db.close();
    const store = createStore({ url: `file:${file}`, migrate: false });
    await store.init();
    await store.createRun(run('r1'));
    const statements = await capture(() =>
      store.commitStep({ step: step('r1', 'a'), events: [{ type: 'x', at: 1 }], leaseOwner: 'me' }),
    );
    expect(statements).toEqual(['BEGIN IMMEDIATE', 'INSERT INTO weft_steps', 'INSERT INTO weft_events', 'COMMIT']);
    await expect(
      store.commitStep({ step: step('r1', 'b'), events: [{ type: 'y', at: 1 }], leaseOwner: 'old' }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect((await store.listSteps('r1')).map((s) => s.path)).toEqual(['a']);
    expect((await store.readEvents('r1')).map((e) => e.type)).toEqual(['x']);
    await store.close();
  });
});
