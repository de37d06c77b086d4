/**
 * Studio's indexes, tracked in its own migration table (`weft_studio_migrations`) so it never
 * collides with the workflow package's migrations: runs by status in list order. With it, "failed
 * runs, newest first" is an index range scan at any table size instead of a walk over every run.
 * Each costs one index entry per run row (the status one is updated when a run changes status).
 */
import { migrate } from '@weft/workflow';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Name of @weft/studio's migration table. */
export const STUDIO_MIGRATION_TABLE = 'weft_studio_migrations';

const migrations: Record<string, Migration> = {
  '0001_runs_by_status': {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('weft_studio_runs_status_created')
        .ifNotExists()
        .on('weft_runs')
        .columns(['status', 'created_at', 'id'])
        .execute();
      // The version filter (one workflow's runs of one definition hash, in list order) and the
      // filter bar's list of versions (found by seeking this index, never by scanning it).
      await db.schema
        .createIndex('weft_studio_runs_version')
        .ifNotExists()
        .on('weft_runs')
        .columns(['workflow_id', 'definition_hash', 'created_at'])
        .execute();
    },
  },
};

/** Applies Studio's migrations (idempotent, safe from several processes). */
export async function migrateStudio(db: Kysely<any>): Promise<void> {
  await migrate(db, { table: STUDIO_MIGRATION_TABLE, migrations });
}
