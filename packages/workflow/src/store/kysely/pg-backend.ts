/**
 * The store's statements on Postgres, straight on the `pg` pool the kysely instance also uses, as
 * **named prepared statements**: Postgres parses and plans each statement once per connection
 * instead of on every step commit (measured here: ≈ 0.1 ms instead of ≈ 0.4 ms per commit).
 */
import type { PostgresPool } from 'kysely';
import type { SqlBackend, SqlExec, SqlStatement } from './sql-exec.js';

interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}
interface PgClient {
  query(config: { name?: string; text: string; values: readonly unknown[] }): Promise<PgResult>;
  release(error?: unknown): void;
}

const texts = new Map<string, { text: string; name: string | undefined }>();
/** `?` → `$n`, and a stable statement name (the first 2,000 distinct texts; later ones unnamed). */
function prepared(sql: string): { text: string; name: string | undefined } {
  let p = texts.get(sql);
  if (p === undefined) {
    let i = 0;
    const text = sql.replace(/\?/g, () => `$${++i}`);
    p = { text, name: texts.size < 2000 ? `weft_${texts.size}` : undefined };
    texts.set(sql, p);
  }
  return p;
}

function execOn(client: PgClient): SqlExec {
  const query = (sql: string, params: readonly unknown[]) => {
    const p = prepared(sql);
    return client.query({ ...(p.name ? { name: p.name } : {}), text: p.text, values: params });
  };
  return {
    async all<R>(sql: string, params: readonly unknown[]) {
      return (await query(sql, params)).rows as R[];
    },
    async run(sql: string, params: readonly unknown[]) {
      return (await query(sql, params)).rowCount ?? 0;
    },
  };
}

/** A backend over a pg Pool (or a function creating it once). */
export function pgBackend(pool: () => Promise<PostgresPool>): SqlBackend {
  const withClient = async <T>(fn: (client: PgClient) => Promise<T>): Promise<T> => {
    const client = (await (await pool()).connect()) as unknown as PgClient;
    let failed: unknown;
    try {
      return await fn(client);
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      // A connection whose query failed mid-protocol is discarded rather than reused.
      client.release(failed instanceof Error && !('code' in failed) ? failed : undefined);
    }
  };
  const transaction = <T>(fn: (tx: SqlExec) => Promise<T>): Promise<T> =>
    withClient(async (client) => {
      await client.query({ text: 'BEGIN', values: [] });
      try {
        const result = await fn(execOn(client));
        await client.query({ text: 'COMMIT', values: [] });
        return result;
      } catch (error) {
        await client.query({ text: 'ROLLBACK', values: [] }).catch(() => undefined);
        throw error;
      }
    });
  return {
    dialect: 'postgres',
    all: <R>(sql: string, params: readonly unknown[]) => withClient((c) => execOn(c).all<R>(sql, params)),
    run: (sql: string, params: readonly unknown[]) => withClient((c) => execOn(c).run(sql, params)),
    transaction,
    batch: (statements: readonly SqlStatement[]) =>
      transaction(async (tx) => {
        const changes: number[] = [];
        for (const s of statements) changes.push(await tx.run(s.sql, s.params));
        return changes;
      }),
  };
}
