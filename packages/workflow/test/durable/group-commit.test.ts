/**
 * Group commit on a real libsql file: batches of one tick share a transaction, the same keyed
 * INSERTs of many batches run as one merged statement, and every batch still succeeds or fails on
 * its own — a guard that stops one batch (a lost lease) or a key conflict rejects that batch only,
 * with nothing of it written, while the others commit.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/errors/errors.js';
import { GroupCommitter, type GroupStatement, groupCommitStats } from '../../src/store/kysely/group-commit.js';
import { createStore } from '../../src/store/kysely/index.js';
import { LocalSqlite } from '../../src/store/kysely/local-sqlite.js';
import { chunkSizes, mergedText, parseInsert } from '../../src/store/kysely/statement-merge.js';
import type { RunRecord } from '../../src/store/store.js';
import { tmpDir } from './helpers/stores.js';

const tmp = tmpDir('weft-group-');
afterAll(() => tmp.cleanup());

describe('statement merging', () => {
  it('merges VALUES and SELECT inserts by text, keeping the conflict clause, and refuses other forms', () => {
    const values = 'INSERT INTO t (a, b) VALUES (?, ?)';
    const v = parseInsert(values);
    expect(v).not.toBeNull();
    expect(mergedText(values, v as NonNullable<typeof v>, 3)).toBe(
      'INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)',
    );
    const select =
      "INSERT INTO t (a, b) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM g WHERE id = ? AND s = 'on') ON CONFLICT (a) DO UPDATE SET b = excluded.b";
    const s = parseInsert(select);
    expect(mergedText(select, s as NonNullable<typeof s>, 2)).toBe(
      "INSERT INTO t (a, b) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM g WHERE id = ? AND s = 'on') UNION ALL SELECT ?, ? WHERE EXISTS (SELECT 1 FROM g WHERE id = ? AND s = 'on') ON CONFLICT (a) DO UPDATE SET b = excluded.b",
    );
    expect(parseInsert('INSERT INTO t (a) VALUES (?) RETURNING a')).toBeNull();
    expect(parseInsert('INSERT INTO t (a) SELECT ? WHERE changes() > 0')).toBeNull();
    expect(parseInsert('UPDATE t SET a = ? WHERE b = ?')).toBeNull();
    expect(parseInsert('INSERT INTO t (a) SELECT x FROM u ORDER BY x LIMIT 1')).toBeNull();
    expect(chunkSizes(100)).toEqual([64, 32, 4]);
    expect(chunkSizes(1)).toEqual([1]);
  });
});

describe('group commit (libsql file)', () => {
  function open(name: string) {
    const sqlite = new LocalSqlite(join(tmp.dir, name));
    sqlite.db.exec('CREATE TABLE g (id TEXT PRIMARY KEY, owner TEXT NOT NULL)');
    sqlite.db.exec('CREATE TABLE t (id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (id, n)) WITHOUT ROWID');
    sqlite.db.exec('CREATE TABLE e (id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (id, seq)) WITHOUT ROWID');
    return sqlite;
  }
  const GUARDED = 'INSERT INTO t (id, n) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM g WHERE id = ? AND owner = ?)';
  const EVENT = 'INSERT INTO e (id, seq) SELECT ?, COALESCE((SELECT MAX(seq) FROM e WHERE id = ?), 0) + 1';
  const batch = (id: string, owner: string): GroupStatement[] => [
    { sql: GUARDED, params: [id, 1, id, owner], rows: 1, key: id, onNoChange: () => new Error(`lost ${id}`) },
    { sql: EVENT, params: [id, id], rows: 1, key: id },
  ];

  it('commits 40 batches of one tick in one transaction with merged statements; a stopped guard fails its batch alone', async () => {
    const sqlite = open('guard.db');
    for (let i = 0; i < 40; i++)
      sqlite.run('INSERT INTO g (id, owner) VALUES (?, ?)', [`r${i}`, i === 17 ? 'other' : 'me']);
    const committer = new GroupCommitter(sqlite);
    const before = { ...groupCommitStats };
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => committer.submit(batch(`r${i}`, 'me'))),
    );
    expect(groupCommitStats.groups - before.groups).toBe(1);
    expect(groupCommitStats.largestGroup).toBeGreaterThanOrEqual(40);
    // The guard of r17 stopped its merged copy: the group fell back, and most batches merged again.
    expect(groupCommitStats.fallbacks - before.fallbacks).toBeGreaterThan(0);
    expect(groupCommitStats.mergedBatches - before.mergedBatches).toBeGreaterThanOrEqual(32);
    for (const [i, r] of results.entries()) {
      if (i === 17) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason.message).toBe('lost r17');
      } else expect(r, `r${i}`).toEqual({ status: 'fulfilled', value: [1, 1] });
    }
    const t = sqlite.all<{ id: string }>('SELECT id FROM t ORDER BY id', []).map((r) => r.id);
    const e = sqlite.all<{ id: string }>('SELECT id FROM e ORDER BY id', []).map((r) => r.id);
    const expected = Array.from({ length: 40 }, (_, i) => `r${i}`)
      .filter((id) => id !== 'r17')
      .sort();
    expect(t).toEqual(expected);
    expect(e).toEqual(expected); // r17's second statement rolled back with its first
    sqlite.close();
  });

  it('a key conflict fails only its batch; batches of one key run in order, unmerged', async () => {
    const sqlite = open('conflict.db');
    for (let i = 0; i < 12; i++) sqlite.run('INSERT INTO g (id, owner) VALUES (?, ?)', [`r${i}`, 'me']);
    sqlite.run('INSERT INTO t (id, n) VALUES (?, ?)', ['r5', 1]); // r5's insert will conflict
    const committer = new GroupCommitter(sqlite);
    const submitted = Array.from({ length: 12 }, (_, i) => committer.submit(batch(`r${i}`, 'me')));
    // Two more batches of r3 in the same tick: each sees the event its predecessor wrote.
    const again = [0, 1].map((k) =>
      committer.submit([{ sql: EVENT, params: ['r3', 'r3'], rows: 1, key: 'r3' }]).then((c) => [k, c]),
    );
    const results = await Promise.allSettled([...submitted, ...again]);
    for (const [i, r] of results.entries()) {
      if (i === 5) {
        expect(r.status).toBe('rejected');
        expect(String((r as PromiseRejectedResult).reason)).toMatch(/UNIQUE|PRIMARY/i);
      } else expect(r.status, `batch ${i}`).toBe('fulfilled');
    }
    expect(sqlite.all('SELECT seq FROM e WHERE id = ? ORDER BY seq', ['r3'])).toEqual([
      { seq: 1 },
      { seq: 2 },
      { seq: 3 },
    ]);
    expect(sqlite.all('SELECT seq FROM e WHERE id = ?', ['r5'])).toEqual([]);
    sqlite.close();
  });

  it('through the store: one lost lease among 30 concurrent step commits rejects that commit only', async () => {
    const store = createStore({ url: `file:${join(tmp.dir, 'store.db')}` });
    await store.init();
    const now = Date.now();
    const run = (i: number): RunRecord => ({
      id: `run-${i}`,
      workflowId: 'wf',
      definitionHash: 'h',
      status: 'running',
      input: { i },
      leaseOwner: i === 7 ? 'thief' : 'me',
      leaseExpiresAt: now + 60_000,
      createdAt: now,
      updatedAt: now,
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.createRun(run(i), [{ type: 'run:started', at: now }])),
    );
    const before = { ...groupCommitStats };
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        store.commitStep({
          step: {
            runId: `run-${i}`,
            path: 'a',
            attempt: 1,
            status: 'success',
            output: { i },
            startedAt: now,
            endedAt: now,
          },
          events: [{ type: 'step:success', path: 'a', at: now }],
          leaseOwner: 'me',
        }),
      ),
    );
    expect(groupCommitStats.mergedBatches - before.mergedBatches).toBeGreaterThanOrEqual(16);
    for (const [i, r] of results.entries()) {
      if (i === 7) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
      else expect(r.status, `run-${i}`).toBe('fulfilled');
      const steps = await store.listSteps(`run-${i}`);
      const seqs = (await store.readEvents(`run-${i}`)).map((e) => [e.seq, e.type]);
      if (i === 7) {
        expect(steps).toEqual([]);
        expect(seqs).toEqual([[1, 'run:started']]);
      } else {
        expect(steps.map((s) => s.output)).toEqual([{ i }]);
        expect(seqs).toEqual([
          [1, 'run:started'],
          [2, 'step:success'],
        ]);
      }
    }
    await store.close();
  });
});
