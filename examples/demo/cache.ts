/**
 * A tiny key-value cache in the Weft store's own database (table `weft_demo_cache`), used for the
 * workspace snapshot and the co-change pairs, so a second run re-parses only what changed. It
 * lives next to the runs, approvals, eval history and LLM calls: one file holds everything.
 */
import { migrate } from '@weft/workflow';

type Db = Parameters<typeof migrate>[0];

/** Get and set JSON values by key. */
export interface DemoCache {
  get<T>(key: string): Promise<{ value: T; updatedAt: number } | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

/** Creates the cache table on first use (its own migration table, like every Weft package). */
export async function createDemoCache(db: Db): Promise<DemoCache> {
  await migrate(db, {
    table: 'weft_demo_migrations',
    migrations: {
      '0001_cache': {
        async up(d: Db) {
          await d.schema
            .createTable('weft_demo_cache')
            .ifNotExists()
            .addColumn('key', 'text', (c) => c.primaryKey())
            .addColumn('value', 'text', (c) => c.notNull())
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .execute();
        },
      },
    },
  });
  return {
    async get<T>(key: string) {
      const row = await db
        .selectFrom('weft_demo_cache')
        .select(['value', 'updated_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? { value: JSON.parse(String(row.value)) as T, updatedAt: Number(row.updated_at) } : undefined;
    },
    async set(key: string, value: unknown) {
      const row = { key, value: JSON.stringify(value), updated_at: Date.now() };
      await db
        .insertInto('weft_demo_cache')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
        .execute();
    },
  };
}
