/**
 * Versioned migrations with kysely's Migrator, one migration table per package, so every Weft
 * package (workflow, approval, eval, …) can keep its own tables in the same database.
 */
import type { Kysely } from 'kysely';
import type { Migration, MigrationResult } from 'kysely/migration';
import { MigrationError } from './errors.js';
import { kysely, kyselyMigration, sql } from './kysely-module.js';

/** Options for {@link migrate}. */
export interface MigrateOptions {
  /** Name of this package's migration table, e.g. `weft_approval_migrations`. */
  table: string;
  /** Migrations by name; applied in name order (prefix them `0001_`, `0002_`, …). */
  migrations: Record<string, Migration>;
}

/**
 * Applies every pending migration in `migrations` to `db`, tracked in its own table `table`
 * (and lock table `${table}_lock`). Safe when several processes call it at once: Postgres takes
 * an advisory lock, libsql a write transaction (`BEGIN IMMEDIATE`) that waits on busy_timeout.
 *
 * @throws {MigrationError} when a migration fails (`details.migration` names it).
 * @example
 * ```ts
 * const store = await createStore({ url: 'file:.weft/weft.db' });
 * await migrate(store.db, {
 *   table: 'weft_approval_migrations',
 *   migrations: {
 *     '0001_init': {
 *       async up(db) {
 *         await db.schema.createTable('weft_approvals').ifNotExists()
 *           .addColumn('id', 'text', (c) => c.primaryKey()).execute();
 *       },
 *     },
 *   },
 * });
 * ```
 */
export async function migrate(db: Kysely<any>, options: MigrateOptions): Promise<MigrationResult[]> {
  // On Postgres the migration tables live in the connection's current schema (search_path), and
  // kysely must be told so: otherwise a same-named table in another schema counts as existing.
  let schema: string | undefined;
  if (db.getExecutor().adapter instanceof kysely().PostgresAdapter) {
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    schema = rows[0]?.s;
  }
  const migrator = new (kyselyMigration().Migrator)({
    db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => options.migrations },
    migrationTableName: options.table,
    migrationLockTableName: `${options.table}_lock`,
  });
  let lastError: unknown;
  // Two processes creating the migration tables at the same instant can collide on Postgres'
  // catalog (duplicate type); the loser simply retries and finds everything in place.
  for (let attempt = 0; attempt < 5; attempt++) {
    const { error, results = [] } = await migrator.migrateToLatest();
    if (!error) return results;
    lastError = error;
    const failed = results.find((r) => r.status === 'Error');
    if (failed) {
      throw new MigrationError(
        `Migration "${failed.migrationName}" of table ${options.table} failed: ${(error as Error).message ?? error}. Nothing of it was applied; fix the migration or the database and start again.`,
        { table: options.table, migration: failed.migrationName },
        error,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
  }
  throw new MigrationError(
    `Could not apply the migrations of table ${options.table}: ${(lastError as Error)?.message ?? lastError}.`,
    { table: options.table },
    lastError,
  );
}
