/**
 * The Postgres claim (statements.ts: two index walks, queued runs and expired leases, then the
 * oldest of their union) claims exactly what the single OR'd scan claimed: queued runs without
 * `available_at` and running runs whose lease expired (or has none), oldest first, never a live
 * lease, never a finished run; the workflow filters apply to both walks; concurrent claimers on
 * separate pools never take the same run and together take every run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/index.js';
import { dropSchema, PG_URL, pgQuery, uniqueSchema } from './helpers/stores.js';

const schema = uniqueSchema('claim');
type Store = ReturnType<typeof createStore> & {
  claimRunsLimited(o: {
    owner: string;
    leaseMs: number;
    limit: number;
    workflowId: string;
    maxRunning: number;
  }): Promise<{ id: string }[]>;
};
let store: Store;

beforeAll(async () => {
  store = createStore({ url: PG_URL, schema }) as Store;
  await store.init();
});
afterAll(async () => {
  await store.close();
  await dropSchema(schema);
});

interface Row {
  id: string;
  workflow: string;
  status: string;
  createdAt: number;
  owner?: string | null;
  expiresAt?: number | null;
  availableAt?: number;
}

/** Replaces every run with `rows` (raw inserts: the claim reads only these columns). */
async function seed(rows: Row[]): Promise<void> {
  await pgQuery(schema, 'DELETE FROM weft_runs');
  await pgQuery(
    schema,
    `INSERT INTO weft_runs (id, workflow_id, definition_hash, status, created_at, updated_at, lease_owner, lease_expires_at, available_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::bigint[])`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.workflow),
      rows.map(() => 'h'),
      rows.map((r) => r.status),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.owner ?? null),
      rows.map((r) => r.expiresAt ?? null),
      rows.map((r) => r.availableAt ?? null),
    ],
  );
}

const ids = (runs: { id: string }[]) => runs.map((r) => r.id);

/** Runs of every kind, interleaved in age so the oldest-first order spans both walks. */
function mixed(now: number): Row[] {
  return [
    { id: 'q1', workflow: 'a', status: 'queued', createdAt: 1 },
    { id: 'e1', workflow: 'b', status: 'running', createdAt: 2, owner: 'dead', expiresAt: now - 1 },
    { id: 'live', workflow: 'a', status: 'running', createdAt: 3, owner: 'alive', expiresAt: now + 60_000 },
    { id: 'n1', workflow: 'a', status: 'running', createdAt: 4, owner: null, expiresAt: null },
    { id: 'flow', workflow: 'a', status: 'queued', createdAt: 5, availableAt: now - 1 },
    { id: 'done', workflow: 'a', status: 'success', createdAt: 6 },
    { id: 'q2', workflow: 'b', status: 'queued', createdAt: 7 },
    { id: 'e2', workflow: 'a', status: 'running', createdAt: 8, owner: 'dead', expiresAt: now },
    { id: 'susp', workflow: 'a', status: 'suspended', createdAt: 9 },
    { id: 'q3', workflow: 'a', status: 'queued', createdAt: 10 },
  ];
}

describe('postgres claim', () => {
  it('claims queued runs and expired leases oldest first, never a live lease, flow-controlled or finished run', async () => {
    const now = Date.now();
    await seed(mixed(now));
    const all = await store.claimRuns({ owner: 'w1', leaseMs: 30_000, limit: 100, now });
    expect(ids(all)).toEqual(['q1', 'e1', 'n1', 'q2', 'e2', 'q3']);
    for (const run of all) {
      expect(run.status).toBe('running');
      expect(run.leaseOwner).toBe('w1');
      expect(run.leaseExpiresAt).toBe(now + 30_000);
    }
    // Now all leased (live): nothing left for anyone, and the live lease kept its owner.
    expect(await store.claimRuns({ owner: 'w2', leaseMs: 30_000, limit: 100, now })).toEqual([]);
    expect(await pgQuery(schema, "SELECT lease_owner FROM weft_runs WHERE id = 'live'")).toEqual([
      { lease_owner: 'alive' },
    ]);
    // Once w1's leases expire, w2 takes them over (the lease is the fence: w1 no longer owns them).
    const later = await store.claimRuns({ owner: 'w2', leaseMs: 30_000, limit: 100, now: now + 30_000 });
    expect(ids(later)).toEqual(['q1', 'e1', 'n1', 'q2', 'e2', 'q3']);
    expect(await store.renewLeases('w1', ids(all), 30_000)).toEqual([]);
  });

  it('a limit takes the oldest of both kinds together', async () => {
    const now = Date.now();
    await seed(mixed(now));
    expect(ids(await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 2, now }))).toEqual(['q1', 'e1']);
    expect(ids(await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 3, now }))).toEqual(['n1', 'q2', 'e2']);
    expect(ids(await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 3, now }))).toEqual(['q3']);
    expect(await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 3, now })).toEqual([]);
  });

  it('the workflow filters apply to queued runs and expired leases alike', async () => {
    const now = Date.now();
    await seed(mixed(now));
    const onlyB = await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 100, now, workflowIds: ['b'] });
    expect(ids(onlyB)).toEqual(['e1', 'q2']);
    await seed(mixed(now));
    const notB = await store.claimRuns({ owner: 'w', leaseMs: 30_000, limit: 100, now, excludeWorkflowIds: ['b'] });
    expect(ids(notB)).toEqual(['q1', 'n1', 'e2', 'q3']);
    await seed(mixed(now));
    const both = await store.claimRuns({
      owner: 'w',
      leaseMs: 30_000,
      limit: 100,
      now,
      workflowIds: ['a', 'b'],
      excludeWorkflowIds: ['a'],
    });
    expect(ids(both)).toEqual(['e1', 'q2']);
  });

  it('claimRunsLimited counts live leases and claims both kinds within the room left', async () => {
    const now = Date.now();
    await seed(mixed(now));
    // Workflow a: one live lease ('live'); maxRunning 3 leaves room for 2 of q1, n1, e2, q3.
    const first = await store.claimRunsLimited({
      owner: 'w',
      leaseMs: 30_000,
      limit: 10,
      workflowId: 'a',
      maxRunning: 3,
    });
    expect(ids(first)).toEqual(['q1', 'n1']);
    expect(
      await store.claimRunsLimited({ owner: 'w', leaseMs: 30_000, limit: 10, workflowId: 'a', maxRunning: 3 }),
    ).toEqual([]);
  });

  it('two claimers on separate pools never take the same run and together take all 500', async () => {
    const now = Date.now();
    const rows: Row[] = [];
    for (let i = 0; i < 500; i++) {
      const id = `r${String(i).padStart(4, '0')}`;
      rows.push(
        i % 3 === 0
          ? { id, workflow: 'a', status: 'running', createdAt: i, owner: 'dead', expiresAt: now - 1000 }
          : { id, workflow: 'a', status: 'queued', createdAt: i },
      );
    }
    // A few live leases that must never be taken.
    for (let i = 0; i < 20; i++) {
      rows.push({
        id: `live${i}`,
        workflow: 'a',
        status: 'running',
        createdAt: i * 25,
        owner: 'alive',
        expiresAt: now + 600_000,
      });
    }
    await seed(rows);
    const other = createStore({ url: PG_URL, schema });
    await other.init();
    try {
      const claimer = async (s: ReturnType<typeof createStore>, owner: string) => {
        const got: string[] = [];
        for (let empty = 0; empty < 3; ) {
          const runs = await Promise.all(
            Array.from({ length: 3 }, () => s.claimRuns({ owner, leaseMs: 600_000, limit: 7 })),
          );
          const batch = runs.flat();
          if (batch.length === 0) empty++;
          else empty = 0;
          for (const run of batch) {
            expect(run.leaseOwner).toBe(owner);
            got.push(run.id);
          }
        }
        return got;
      };
      const [a, b] = await Promise.all([claimer(store, 'A'), claimer(other, 'B')]);
      const setA = new Set(a);
      const setB = new Set(b);
      expect(setA.size).toBe(a.length); // no run twice to one claimer
      expect(setB.size).toBe(b.length);
      expect([...setA].filter((id) => setB.has(id))).toEqual([]);
      expect([...new Set([...a, ...b])].sort()).toEqual(rows.slice(0, 500).map((r) => r.id));
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      // The stored owner is the one each claimer was given.
      const owners = (await pgQuery(schema, 'SELECT id, lease_owner FROM weft_runs')) as {
        id: string;
        lease_owner: string;
      }[];
      for (const { id, lease_owner } of owners) {
        if (id.startsWith('live')) expect(lease_owner).toBe('alive');
        else expect(lease_owner).toBe(setA.has(id) ? 'A' : 'B');
      }
    } finally {
      await other.close();
    }
  });
});
