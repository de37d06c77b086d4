/** Public API of the durable kysely store (re-exported from the package entry). */
export { createStore, DEFAULT_STORE_URL } from './create-store.js';
export type { ClientStoreOptions, CreateStoreOptions, PoolStoreOptions, UrlStoreOptions } from './create-store.js';
export type { LibsqlClientLike } from './libsql-dialect.js';
export type { KyselyStore } from './kysely-store.js';
export { migrate } from './migrate.js';
export type { MigrateOptions } from './migrate.js';
export { WORKFLOW_MIGRATION_TABLE, workflowMigrations } from './schema.js';
export {
  CorruptRowError,
  MigrationError,
  StoreBusyError,
  StoreConfigError,
  StoreConnectionError,
  StoreError,
  StoreFullError,
  StoreReadOnlyError,
  StoreUnavailableError,
  StoreValueError,
} from './errors.js';
export type { StoreFailureSource } from './errors.js';
