/**
 * Migration `0006_flow_control`: flow fields on runs (a run with `available_at` is gated: only the
 * flow claim takes it), idempotency keys, start windows (throttle, rate limits), schedules and
 * their ticks — the unique key (schedule, tick time) makes a tick start at most one run.
 */
import type { Kysely } from 'kysely';
import { sql } from '../store/kysely/kysely-module.js';
import type { Migration } from 'kysely/migration';

export const flowControlMigration: Migration = {
  async up(db: Kysely<any>) {
    const columns: [string, 'bigint' | 'integer' | 'varchar(512)'][] = [
      ['available_at', 'bigint'],
      ['claim_order', 'bigint'],
      ['priority', 'integer'],
      ['concurrency_key', 'varchar(512)'],
      ['concurrency_limit', 'integer'],
      ['throttle_key', 'varchar(512)'],
      ['throttle_limit', 'integer'],
      ['throttle_period_ms', 'bigint'],
      ['debounce_key', 'varchar(512)'],
      ['idempotency_key', 'varchar(512)'],
      ['schedule_id', 'varchar(512)'],
      ['scheduled_at', 'bigint'],
    ];
    // One ALTER per column: SQLite adds one column per statement.
    for (const [name, type] of columns) await db.schema.alterTable('weft_runs').addColumn(name, type).execute();
    // Partial indexes: runs without flow fields (the common case) pay nothing for them.
    await db.schema
      .createIndex('weft_runs_gated')
      .ifNotExists()
      .on('weft_runs')
      .columns(['status', 'claim_order'])
      .where(sql.ref('available_at'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('weft_runs_concurrency_key')
      .ifNotExists()
      .on('weft_runs')
      .columns(['concurrency_key', 'status'])
      .where(sql.ref('concurrency_key'), 'is not', null)
      .execute();
    // One open (queued) debounced run per key: the database rejects a second one.
    await sql`CREATE UNIQUE INDEX IF NOT EXISTS weft_runs_debounce ON weft_runs (workflow_id, debounce_key) WHERE status = 'queued' AND debounce_key IS NOT NULL`.execute(
      db,
    );

    await db.schema
      .createTable('weft_idempotency')
      .ifNotExists()
      .addColumn('workflow_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('key', 'varchar(512)', (c) => c.notNull())
      .addColumn('run_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('weft_idempotency_pk', ['workflow_id', 'key'])
      .execute();
    await db.schema
      .createTable('weft_flow_starts')
      .ifNotExists()
      .addColumn('key', 'varchar(512)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('id', 'varchar(255)', (c) => c.notNull())
      .addPrimaryKeyConstraint('weft_flow_starts_pk', ['key', 'at', 'id'])
      .execute();
    await db.schema
      .createTable('weft_schedules')
      .ifNotExists()
      .addColumn('id', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('workflow_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('input', 'text')
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_at', 'bigint')
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('weft_schedules_due')
      .ifNotExists()
      .on('weft_schedules')
      .columns(['paused', 'next_at'])
      .execute();
    await db.schema
      .createTable('weft_schedule_ticks')
      .ifNotExists()
      .addColumn('schedule_id', 'varchar(512)', (c) => c.notNull())
      .addColumn('tick_at', 'bigint', (c) => c.notNull())
      .addColumn('run_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('weft_schedule_ticks_pk', ['schedule_id', 'tick_at'])
      .execute();
  },
};
