/**
 * The same CLI on Postgres: runs written by an app to a schema of its own are listed and shown by
 * `weft … --db postgres://…?schema=<name>` (a unique schema per test file, dropped at the end).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createEngine, createStore, type KyselyStore, workflow } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const pg = process.env.WEFT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `weft_cli_${process.pid}_${Date.now()}`;

const double = workflow({ id: 'double', input: z.object({ n: z.number() }) })
  .step('times-two', async ({ input }) => ({ n: input.n * 2 }))
  .commit();

let store: KyselyStore;
let runId = '';

beforeAll(async () => {
  store = createStore({ url: pg, schema });
  const engine = createEngine({ store, workflows: [double] });
  runId = (await engine.run(double).start({ input: { n: 21 } })).runId;
});

afterAll(async () => {
  await store.db.schema.dropSchema(schema).ifExists().cascade().execute();
  await store.close();
});

function weft(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', join(repo, 'scripts/ts-hooks.mjs'), join(repo, 'packages/cli/src/cli.ts'), ...args],
    {
      encoding: 'utf8',
      env: { ...process.env, WEFT_DB_URL: '' },
      timeout: 30_000,
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('weft on Postgres', () => {
  it('lists and shows the runs of the schema named in the URL', () => {
    const db = `${pg}?schema=${schema}`;
    const list = weft(['runs', 'list', '--db', db, '--json']);
    expect(list.err).toBe('');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toMatchObject([{ id: runId, workflowId: 'double', status: 'success' }]);
    const show = weft(['runs', 'show', runId, '--db', db]);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/^times-two\s+1\s+success\s+\S+ ms\s+\{"n":42\}$/m);
  });
});
