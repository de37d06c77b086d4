/**
 * The workflow store's tables. Incremental rows only: a step commit inserts or updates one step
 * row (plus its events, suspension, timer), never a whole-run document.
 *
 * Timestamps are epoch milliseconds in `bigint` columns; JSON values are `text` (identical on
 * both dialects, and a corrupt value can be reported without the driver choking on it).
 */
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { flowControlMigration } from '../../flow-control/migration.js';
import { kysely, sql } from './kysely-module.js';

/** Migration table of @weft/workflow. */
export const WORKFLOW_MIGRATION_TABLE = 'weft_workflow_migrations';

type Db = Kysely<any>;

/** Migrations of the workflow tables, in order. Never edit one that shipped: add a new one. */
export const workflowMigrations: Record<string, Migration> = {
  '0001_init': {
    async up(db: Db) {
      // SQLite: child tables are clustered on their primary key (WITHOUT ROWID), so a step commit
      // touches one b-tree page per table instead of a table page plus an index page.
      const sqlite = db.getExecutor().adapter instanceof kysely().SqliteAdapter;
      const clustered = <T extends string, C extends string>(b: CreateTableBuilder<T, C>) =>
        sqlite ? b.modifyEnd(sql`without rowid`) : b;
      const runRef = (c: ColumnDefinitionBuilder) => c.notNull().references('weft_runs.id').onDelete('cascade');
      await db.schema
        .createTable('weft_runs')
        .ifNotExists()
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('workflow_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('definition_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('input', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('parent_run_id', 'varchar(255)')
        .addColumn('lease_owner', 'varchar(255)')
        .addColumn('lease_expires_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('weft_runs_claim')
        .ifNotExists()
        .on('weft_runs')
        .columns(['status', 'lease_expires_at'])
        .execute();
      await db.schema
        .createIndex('weft_runs_workflow')
        .ifNotExists()
        .on('weft_runs')
        .columns(['workflow_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('weft_runs_created')
        .ifNotExists()
        .on('weft_runs')
        .columns(['created_at', 'id'])
        .execute();
      // Only nested runs have a parent: a partial index costs top-level runs nothing. (No index on
      // updated_at: purge finds finished runs through the status index; every run update would pay.)
      await db.schema
        .createIndex('weft_runs_parent')
        .ifNotExists()
        .on('weft_runs')
        .column('parent_run_id')
        .where(sql.ref('parent_run_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('weft_steps')
        .ifNotExists()
        .addColumn('run_id', 'varchar(255)', runRef)
        .addColumn('path', 'varchar(1024)', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('input', 'text')
        .addColumn('output', 'text')
        .addColumn('error', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('weft_steps_pk', ['run_id', 'path', 'attempt'])
        .$call(clustered)
        .execute();

      await db.schema
        .createTable('weft_suspensions')
        .ifNotExists()
        .addColumn('run_id', 'varchar(255)', runRef)
        .addColumn('path', 'varchar(1024)', (c) => c.notNull())
        .addColumn('payload', 'text')
        .addColumn('resume_schema_id', 'varchar(255)')
        .addColumn('event_name', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('weft_suspensions_pk', ['run_id', 'path'])
        .$call(clustered)
        .execute();
      await db.schema
        .createIndex('weft_suspensions_event')
        .ifNotExists()
        .on('weft_suspensions')
        .columns(['event_name', 'created_at'])
        .execute();

      await db.schema
        .createTable('weft_events')
        .ifNotExists()
        .addColumn('run_id', 'varchar(255)', runRef)
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'varchar(255)', (c) => c.notNull())
        .addColumn('path', 'varchar(1024)')
        .addColumn('data', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('weft_events_pk', ['run_id', 'seq'])
        .$call(clustered)
        .execute();

      await db.schema
        .createTable('weft_timers')
        .ifNotExists()
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('run_id', 'varchar(255)', runRef)
        .addColumn('path', 'varchar(1024)', (c) => c.notNull())
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text')
        .addColumn('taken_until', 'bigint')
        .execute();
      await db.schema.createIndex('weft_timers_due').ifNotExists().on('weft_timers').column('due_at').execute();
      await db.schema
        .createIndex('weft_timers_run')
        .ifNotExists()
        .on('weft_timers')
        .columns(['run_id', 'path'])
        .execute();
    },
  },
  '0002_definitions': {
    // Versioning: a snapshot of each workflow definition runs started on (see src/versioning), so a
    // deploy can be compared with the definition a run started on after that one is gone.
    async up(db: Db) {
      await db.schema
        .createTable('weft_definitions')
        .ifNotExists()
        .addColumn('hash', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('workflow_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('version', 'varchar(255)')
        .addColumn('shape', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('weft_definitions_workflow')
        .ifNotExists()
        .on('weft_definitions')
        .columns(['workflow_id', 'created_at'])
        .execute();
    },
  },
  '0005_authoring': {
    // Run deadlines (enforced in process, and by a durable timer while suspended) and fork
    // lineage (a run forked from another run's step).
    async up(db: Db) {
      await db.schema.alterTable('weft_runs').addColumn('deadline_at', 'bigint').execute();
      await db.schema.alterTable('weft_runs').addColumn('forked_from_run_id', 'varchar(255)').execute();
      await db.schema.alterTable('weft_runs').addColumn('forked_from_step', 'varchar(1024)').execute();
      await db.schema
        .createIndex('weft_runs_forked_from')
        .ifNotExists()
        .on('weft_runs')
        .column('forked_from_run_id')
        .where(sql.ref('forked_from_run_id'), 'is not', null)
        .execute();
    },
  },
  // Schedules, triggers and flow control (src/flow-control, src/schedule).
  '0006_flow_control': flowControlMigration,
  '0007_tracing': {
    // The run's trace context (W3C traceparent), so a resume or takeover in another process
    // continues the same trace (src/tracing).
    async up(db: Db) {
      await db.schema.alterTable('weft_runs').addColumn('traceparent', 'varchar(64)').execute();
    },
  },
  '0009_history': {
    // History at scale (docs/scaling.md): the runs in flight, in claim order. A partial index holds
    // only queued and running runs, so it stays a few pages however much history the table keeps
    // (a run enters it when it starts and leaves when it finishes), and the claim and the start-up
    // recovery of an owner's runs read only it — with or without planner statistics (ANALYZE),
    // which would otherwise see a status index whose keys are 99% `success` and walk the whole
    // table in created order instead.
    async up(db: Db) {
      await sql`CREATE INDEX IF NOT EXISTS weft_runs_inflight ON weft_runs (status, created_at, id) WHERE status = 'queued' OR status = 'running'`.execute(
        db,
      );
    },
  },
  '0010_run_handle': {
    // Postgres: every statement that appends events notifies the runs' followers in its own
    // transaction (pg-listen.ts), once per run. libsql has no NOTIFY: followers poll and share an
    // in-process signal (event-feed.ts).
    async up(db: Db) {
      if (db.getExecutor().adapter instanceof kysely().SqliteAdapter) return;
      await sql`CREATE OR REPLACE FUNCTION weft_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('weft_events', TG_TABLE_SCHEMA || ' ' || n.run_id)
            FROM (SELECT DISTINCT run_id FROM weft_new_events) n;
          RETURN NULL;
        END $$`.execute(db);
      await sql`DROP TRIGGER IF EXISTS weft_events_notify ON weft_events`.execute(db);
      await sql`CREATE TRIGGER weft_events_notify AFTER INSERT ON weft_events
        REFERENCING NEW TABLE AS weft_new_events FOR EACH STATEMENT EXECUTE FUNCTION weft_notify_events()`.execute(db);
    },
  },
  '0011_step_commit': {
    // libsql: a step commit as one statement (kysely-store.ts, commitStep). An INSERT into this
    // empty view runs the trigger below, whose statements are one atomic statement: the lease
    // fence, the step upsert and up to two events, with no BEGIN/COMMIT around them, so an
    // uncontended step commit is one autocommit of one statement instead of four statements. The
    // fence aborts the statement (nothing written) with the message WEFT_LEASE_LOST when the run is
    // no longer running under `lease_owner` (NULL: unfenced; the foreign keys still refuse a step of
    // an unknown run). The events get seq `e1_seq` and `e1_seq + 1`, given by the caller (the
    // store's last seq of the run + 1): no read of weft_events inside the statement, and a stale
    // seq fails on the (run_id, seq) primary key instead of writing anything.
    // Postgres already commits a step as one statement (data-modifying CTEs): nothing to add.
    async up(db: Db) {
      if (!(db.getExecutor().adapter instanceof kysely().SqliteAdapter)) return;
      await sql`CREATE VIEW IF NOT EXISTS weft_step_commits AS SELECT NULL AS run_id, NULL AS path, NULL AS attempt,
        NULL AS status, NULL AS input, NULL AS output, NULL AS error, NULL AS started_at, NULL AS ended_at,
        NULL AS lease_owner, NULL AS e1_seq, NULL AS e1_type, NULL AS e1_path, NULL AS e1_data, NULL AS e1_at,
        NULL AS e2_type, NULL AS e2_path, NULL AS e2_data, NULL AS e2_at WHERE 0`.execute(db);
      await sql`CREATE TRIGGER IF NOT EXISTS weft_step_commit INSTEAD OF INSERT ON weft_step_commits BEGIN
        SELECT RAISE(ABORT, 'WEFT_LEASE_LOST') WHERE NEW.lease_owner IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM weft_runs WHERE id = NEW.run_id AND lease_owner = NEW.lease_owner AND status = 'running');
        INSERT INTO weft_steps (run_id, path, attempt, status, input, output, error, started_at, ended_at)
          VALUES (NEW.run_id, NEW.path, NEW.attempt, NEW.status, NEW.input, NEW.output, NEW.error, NEW.started_at, NEW.ended_at)
          ON CONFLICT (run_id, path, attempt) DO UPDATE SET status = excluded.status,
          input = COALESCE(excluded.input, weft_steps.input), output = excluded.output,
          error = excluded.error, ended_at = excluded.ended_at;
        INSERT INTO weft_events (run_id, seq, type, path, data, at)
          SELECT NEW.run_id, NEW.e1_seq, NEW.e1_type, NEW.e1_path, NEW.e1_data, NEW.e1_at WHERE NEW.e1_type IS NOT NULL;
        INSERT INTO weft_events (run_id, seq, type, path, data, at)
          SELECT NEW.run_id, NEW.e1_seq + 1, NEW.e2_type, NEW.e2_path, NEW.e2_data, NEW.e2_at WHERE NEW.e2_type IS NOT NULL;
      END`.execute(db);
    },
  },
};

/**
 * The predicate of the `weft_runs_inflight` partial index, verbatim: a statement that ANDs it into
 * its WHERE lets both SQLite and Postgres prove the index applies.
 */
export const INFLIGHT = "(status = 'queued' OR status = 'running')";
