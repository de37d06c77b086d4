/**
 * The grouped step commit's plan on a real Postgres (src/store/kysely/pg-group-commit.ts): the
 * fence reads each commit's run row through the primary key, whatever the planner thinks of the
 * table's size. The former join let a generic plan (fixed on a connection's 6th execution, while
 * the table was small) hash a sequential scan of every `weft_runs` row into each statement: a cost
 * that grew with the stored runs.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/kysely/index.js';
import { GROUP_COMMIT_SQL, groupParams } from '../../src/store/kysely/pg-group-commit.js';
import { dropSchema, PG_URL, uniqueSchema } from './helpers/stores.js';

const schema = uniqueSchema('gcplan');
afterAll(() => dropSchema(schema));

/** Every node of an EXPLAIN (FORMAT JSON) plan. */
function nodes(plan: Record<string, unknown>): Record<string, unknown>[] {
  const kids = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return [plan, ...kids.flatMap(nodes)];
}

describe('Postgres group commit plan', () => {
  it('fences by index, never by a scan of weft_runs (generic and custom plans)', async () => {
    const store = createStore({ url: PG_URL, schema });
    await store.init();
    await store.close();
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      // 10,000 runs (rows the size of a small run's) written after the table's statistics were taken.
      await client.query(
        `INSERT INTO weft_runs (id, workflow_id, definition_hash, status, input, lease_owner, created_at, updated_at)
         SELECT 'r' || g, 'wf', 'h', 'running', repeat('x', 200), 'owner-a', g, g FROM generate_series(1, 10000) g`,
      );
      const commits = Array.from({ length: 100 }, (_, i) => ({
        owner: 'owner-a',
        step: [`r${i * 30 + 1}`, 's1', 1, 'success', null, '{}', null, 1, 2],
        events: [{ type: 'step:success', path: 's1', data: null, at: 2 }],
      }));
      let n = 0;
      const text = GROUP_COMMIT_SQL.replace(/\?/g, () => `$${++n}`);
      await client.query(`PREPARE gc(json, json, json) AS ${text}`);
      for (const mode of ['force_generic_plan', 'force_custom_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const args = groupParams(commits).map((v) => client.escapeLiteral(v));
        const rows = (await client.query(`EXPLAIN (FORMAT JSON) EXECUTE gc(${args.join(', ')})`)).rows as {
          'QUERY PLAN': [{ Plan: Record<string, unknown> }];
        }[];
        const plan = nodes((rows[0] as (typeof rows)[0])['QUERY PLAN'][0].Plan);
        const runScans = plan.filter((p) => p['Relation Name'] === 'weft_runs' && p['Node Type'] !== 'ModifyTable');
        expect(runScans.length).toBeGreaterThan(0);
        expect(runScans.map((p) => p['Node Type'])).not.toContain('Seq Scan');
      }
      // And the statement itself: every commit applied once.
      const applied = await client.query({ text, values: groupParams(commits) });
      expect(applied.rows).toHaveLength(100);
    } finally {
      await client.end();
    }
  });
});
