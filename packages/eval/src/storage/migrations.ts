/** Schema of @weft/eval's tables; applied with kysely's Migrator (table `weft_eval_migrations`). */
import { migrate } from '@weft/workflow';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { EvalStorageError } from '../errors/errors.js';

const migrations: Record<string, Migration> = {
  '0001_eval_history': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('weft_eval_runs')
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('eval_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('variant', 'varchar(255)', (c) => c.notNull())
        .addColumn('git_commit', 'varchar(64)')
        .addColumn('task_version', 'text', (c) => c.notNull())
        .addColumn('model_id', 'varchar(255)')
        .addColumn('task_tag', 'varchar(255)')
        .addColumn('trials', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('weft_eval_runs_by_eval')
        .ifNotExists()
        .on('weft_eval_runs')
        .columns(['eval_name', 'started_at'])
        .execute();
      await db.schema
        .createTable('weft_eval_results')
        .ifNotExists()
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('weft_eval_runs.id').onDelete('cascade'))
        .addColumn('item_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('trial', 'integer', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('expected', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision')
        .addColumn('usage', 'text')
        .addColumn('task_run_id', 'varchar(64)')
        .addColumn('model', 'varchar(255)')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('cached', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('weft_eval_results_pk', ['run_id', 'item_id', 'trial'])
        .execute();
      await db.schema
        .createTable('weft_eval_scores')
        .ifNotExists()
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull().references('weft_eval_runs.id').onDelete('cascade'))
        .addColumn('item_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('trial', 'integer', (c) => c.notNull())
        .addColumn('scorer', 'varchar(255)', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('rationale', 'text')
        .addColumn('metadata', 'text')
        .addPrimaryKeyConstraint('weft_eval_scores_pk', ['run_id', 'item_id', 'trial', 'scorer'])
        .execute();
      await db.schema
        .createTable('weft_eval_cache')
        .ifNotExists()
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('output', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // A scorer that threw or returned NaN is stored with its serialized error; `score` (NOT NULL
  // since 0001) then holds a placeholder that reads back as NaN, never as a score of 0.
  '0002_score_errors': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('weft_eval_scores').addColumn('error', 'text').execute();
    },
  },
};

/** Name of @weft/eval's migration table. */
export const EVAL_MIGRATION_TABLE = 'weft_eval_migrations';

/**
 * Applies @weft/eval's migrations with @weft/workflow's `migrate` (own table
 * `weft_eval_migrations`); safe to call repeatedly and from several processes.
 */
export async function migrateEvalTables(db: Kysely<any>): Promise<void> {
  try {
    await migrate(db, { table: EVAL_MIGRATION_TABLE, migrations });
  } catch (cause) {
    throw new EvalStorageError(
      `Expected @weft/eval's tables to migrate, but the migration failed: ${(cause as Error)?.message ?? String(cause)}. Check the database URL and permissions.`,
      { cause },
    );
  }
}
