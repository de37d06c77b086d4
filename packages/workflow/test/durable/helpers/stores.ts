/** Shared fixtures for durable tests: a tmp libsql file, a unique Postgres schema per test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_URL = process.env.WEFT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh tmp directory, removed by the returned cleanup. */
export function tmpDir(prefix = 'weft-durable-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A unique schema name for one test file (dropped with {@link dropSchema}). */
export function uniqueSchema(tag: string): string {
  return `weft_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs raw SQL on Postgres inside `schema`. */
export async function pgQuery(schema: string, text: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A pg Pool on `schema` whose clients record the text of every statement they send in `texts`. */
export function countingPool(schema: string, texts: string[]): pg.Pool {
  const pool = new pg.Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 4 });
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      const first = a[0] as string | { text?: string };
      texts.push(typeof first === 'string' ? first : (first?.text ?? ''));
      return query(...a);
    };
  });
  return pool;
}
