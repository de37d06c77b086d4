/**
 * What Studio reads: a Weft store with its kysely handle (`createStore()` returns one). Studio
 * reads runs, steps, events and suspensions through the Store API, and runs its own queries (list
 * filters, text search, facets, LLM calls, evals) on `db`.
 */
import type { Kysely } from 'kysely';
import type { Store } from '@weft/workflow';

/** A Weft store with its database handle: what `createStore({ url })` returns. */
export interface StudioStore extends Store {
  /** The kysely instance on the store's database. */
  readonly db: Kysely<any>;
  /** `sqlite` for libsql, `postgres` for Postgres. */
  readonly dialect: 'sqlite' | 'postgres';
}

/** Numbers from bigint columns come back as strings on Postgres. */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Parses a JSON text column; a corrupt value is shown as its text instead of failing the page. */
export function parseJson(text: unknown): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(String(text));
  } catch {
    return String(text);
  }
}

/** True when the error is "this table does not exist" (a package whose tables were never created). */
export function isMissingTable(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /no such table|does not exist|relation .* does not exist/i.test(m);
}
