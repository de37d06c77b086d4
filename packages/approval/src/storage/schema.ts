/**
 * The approval tables, in the same database as the workflow store, tracked in their own migration
 * table (`weft_approval_migrations`). Timestamps are epoch ms in `bigint`; JSON values are `text`.
 *
 * - weft_approval_requests: one row per gate (run id + step path), its status, current payload and
 *   votes. Every change is a compare-and-set on `version`, which is what makes two processes
 *   deciding at once end with exactly one outcome on both libsql and Postgres.
 * - weft_approval_audit: append-only log (who, what, when, via which interface, payload before/after).
 * - weft_approval_tokens: nonces of used decision links (primary key = single use).
 * - weft_approval_timers: durable deadlines and reminders, claimed with a lease so a crash between
 *   claiming and handling only delays a timer.
 */
import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { ApprovalError } from '../errors/errors.js';

/** Name of @weft/approval's migration table. */
export const APPROVAL_MIGRATION_TABLE = 'weft_approval_migrations';

type Db = Kysely<any>;

const migrations: Record<string, Migration> = {
  '0001_init': {
    async up(db: Db) {
      await db.schema
        .createTable('weft_approval_requests')
        .ifNotExists()
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('run_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('path', 'varchar(1024)', (c) => c.notNull())
        .addColumn('workflow_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('payload', 'text')
        .addColumn('original_payload', 'text')
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('votes', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .addColumn('closed_by', 'varchar(16)')
        .addColumn('resumed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('weft_approval_requests_status')
        .ifNotExists()
        .on('weft_approval_requests')
        .columns(['status', 'created_at'])
        .execute();
      await db.schema
        .createIndex('weft_approval_requests_run')
        .ifNotExists()
        .unique()
        .on('weft_approval_requests')
        .columns(['run_id', 'path'])
        .execute();
      await db.schema
        .createTable('weft_approval_audit')
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('approval_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'varchar(32)', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('via', 'varchar(32)', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('payload_before', 'text')
        .addColumn('payload_after', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema
        .createIndex('weft_approval_audit_approval')
        .ifNotExists()
        .on('weft_approval_audit')
        .columns(['approval_id', 'at'])
        .execute();
      await db.schema
        .createTable('weft_approval_tokens')
        .ifNotExists()
        .addColumn('nonce', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('approval_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('used_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('weft_approval_timers')
        .ifNotExists()
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('approval_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .execute();
      await db.schema
        .createIndex('weft_approval_timers_due')
        .ifNotExists()
        .on('weft_approval_timers')
        .column('due_at')
        .execute();
    },
  },
  '0002_unresumed_index': {
    // The decision watcher polls decided-but-unresumed requests every ~100 ms: a partial index holds
    // only those rows, so the poll costs the same with millions of closed requests.
    async up(db: Db) {
      await db.schema
        .createIndex('weft_approval_requests_unresumed')
        .ifNotExists()
        .on('weft_approval_requests')
        .column('decided_at')
        .where(sql.ref('resumed_at'), 'is', null)
        .execute();
    },
  },
};

/** Creates / upgrades the approval tables. Idempotent; safe when several processes call it at once. */
export async function migrateApprovalTables(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: APPROVAL_MIGRATION_TABLE,
    migrationLockTableName: `${APPROVAL_MIGRATION_TABLE}_lock`,
  });
  let last: unknown;
  // Two processes creating the same tables at once can collide in Postgres' catalog; retry.
  for (let attempt = 0; attempt < 6; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (!error) return;
    last = error;
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 100));
  }
  throw new ApprovalError(
    'APPROVAL_MIGRATION_FAILED',
    `Could not create the approval tables (migration table ${APPROVAL_MIGRATION_TABLE}): ${(last as Error)?.message ?? last}. Check the database connection and permissions.`,
    { cause: last },
  );
}
