/**
 * kysely, loaded on first use instead of at import: an app that runs workflows in memory never
 * pays for it (about 20 MiB of RSS for its ~400 modules). A store loads it when it first needs the
 * query builder: migrations on `init()`, `store.db`, or a remote libsql / Postgres query. kysely is
 * ESM; `require()` of ESM (Node >= 22.12) returns the same module instance an `import` would.
 */
import { createRequire } from 'node:module';

type KyselyModule = typeof import('kysely');
type MigrationModule = typeof import('kysely/migration');

let core: KyselyModule | undefined;
let migration: MigrationModule | undefined;

/** The `kysely` module (loaded on the first call). */
export function kysely(): KyselyModule {
  core ??= createRequire(import.meta.url)('kysely') as KyselyModule;
  return core;
}

/** The `kysely/migration` module (loaded on the first call). */
export function kyselyMigration(): MigrationModule {
  migration ??= createRequire(import.meta.url)('kysely/migration') as MigrationModule;
  return migration;
}

/** kysely's `sql` tag (`` sql`…` ``, `sql.ref(…)`, …), loading kysely on its first use. */
export const sql: KyselyModule['sql'] = new Proxy(function lazySql() {} as unknown as KyselyModule['sql'], {
  apply: (_target, self, args) => Reflect.apply(kysely().sql, self, args),
  get: (_target, key) => Reflect.get(kysely().sql, key),
});
