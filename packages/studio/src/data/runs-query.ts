/**
 * The runs list: filters (status, workflow, version, time range, text), keyset paging on
 * `(created_at, id)` newest first, and facets (workflows and versions to filter by, counts per
 * status). Every filter maps to an index: `weft_runs_created`, `weft_runs_workflow` and Studio's
 * `weft_studio_runs_status_created`; a page never counts or offsets through the table.
 */
import type { RunStatus, SerializedError } from '@weft/workflow';
import { type RawBuilder, sql } from 'kysely';
import { StudioBadRequestError } from '../errors/errors.js';
import { isMissingTable, num, parseJson, type StudioStore } from './source.js';

/** Every run status, in the order Studio shows them. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'suspended',
  'queued',
  'parked',
  'failed',
  'canceled',
  'success',
];

/** Filters of the runs list (all optional; parsed from the query string by {@link parseRunFilter}). */
export interface RunFilter {
  /** Only runs in one of these statuses. */
  status?: RunStatus[];
  /** Only runs of this workflow id. */
  workflowId?: string;
  /** Only runs started with this definition hash (or a prefix of it), or this workflow `version` label. */
  version?: string;
  /** Only runs created at or after this time (epoch ms). */
  from?: number;
  /** Only runs created before this time (epoch ms). */
  to?: number;
  /** Text searched in the run id, workflow id, input and error (case-insensitive substring). */
  q?: string;
  /**
   * Search every run instead of the newest {@link SEARCH_WINDOW} that match the other filters
   * (text search reads each row, so by default it is bounded; `deep=1` in the query string).
   */
  deep?: boolean;
  /** Page size (1–200, default 50). */
  limit?: number;
  /** Cursor of the next (older) page. */
  after?: string;
  /** Cursor of the previous (newer) page. */
  before?: string;
}

/** One row of the runs list. */
export interface RunListItem {
  id: string;
  workflowId: string;
  definitionHash: string;
  status: RunStatus;
  parentRunId?: string;
  createdAt: number;
  updatedAt: number;
  /** Name and message of the run's error (failed and canceled runs). */
  error?: Pick<SerializedError, 'name' | 'message' | 'code'>;
}

/** A text search reads at most this many of the newest matching runs unless `deep` is set. */
export const SEARCH_WINDOW = 20_000;

/** A page of the runs list. */
export interface RunListPage {
  runs: RunListItem[];
  /**
   * Set when a text search was bounded to the newest {@link SEARCH_WINDOW} runs: the creation
   * time of the oldest run searched. Older runs were not searched (ask again with `deep`).
   */
  searchedSince?: number;
  /** Cursor for older runs, when there are more. */
  next?: string;
  /** Cursor for newer runs, when this is not the first page. */
  prev?: string;
}

const RANGES: Record<string, number> = {
  '15m': 900_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};

function parseTime(value: string, field: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n))
    throw new StudioBadRequestError(
      `Expected "${field}" to be a date (2026-01-31, 2026-01-31T12:00) or epoch ms, got "${value}".`,
      { field },
    );
  return n;
}

/** Reads a {@link RunFilter} from URL search params (`status` may repeat or be comma-separated). */
export function parseRunFilter(params: URLSearchParams, now: number): RunFilter {
  const f: RunFilter = {};
  const statuses = params
    .getAll('status')
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of statuses)
    if (!RUN_STATUSES.includes(s as RunStatus))
      throw new StudioBadRequestError(`Unknown status "${s}": expected one of ${RUN_STATUSES.join(', ')}.`, {
        field: 'status',
      });
  if (statuses.length) f.status = [...new Set(statuses)] as RunStatus[];
  const text = (k: string) => params.get(k)?.trim() || undefined;
  const workflowId = text('workflow');
  if (workflowId) f.workflowId = workflowId;
  const version = text('version');
  if (version) f.version = version;
  const range = text('range');
  if (range && range !== 'all') {
    const ms = RANGES[range];
    if (ms === undefined)
      throw new StudioBadRequestError(
        `Unknown range "${range}": expected one of ${Object.keys(RANGES).join(', ')} or all.`,
        { field: 'range' },
      );
    f.from = now - ms;
  }
  const from = text('from');
  if (from) f.from = parseTime(from, 'from');
  const to = text('to');
  if (to) f.to = parseTime(to, 'to');
  const q = text('q');
  if (q) f.q = q.slice(0, 200);
  const limit = text('limit');
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200)
      throw new StudioBadRequestError(`Expected "limit" to be an integer from 1 to 200, got "${limit}".`, {
        field: 'limit',
      });
    f.limit = n;
  }
  if (params.get('deep') === '1') f.deep = true;
  const after = text('after');
  if (after) f.after = after;
  const before = text('before');
  if (before) f.before = before;
  return f;
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {}
  throw new StudioBadRequestError('The page cursor is malformed or from another version; go back to the first page.', {
    field: 'cursor',
  });
}

function errorSummary(text: unknown): RunListItem['error'] {
  if (text === null || text === undefined) return undefined;
  const e = parseJson(text);
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return {
      name: String(o.name ?? 'Error'),
      message: String(o.message ?? ''),
      ...(typeof o.code === 'string' ? { code: o.code } : {}),
    };
  }
  return { name: 'Error', message: String(e).slice(0, 300) };
}

/** Conditions of a filter (without paging). */
function conditions(store: StudioStore, f: RunFilter, versions?: RunFacets['versions']): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (f.status?.length) where.push(sql`status in (${sql.join(f.status)})`);
  if (f.workflowId) where.push(sql`workflow_id = ${f.workflowId}`);
  if (f.version) {
    // Resolved to (workflow, hash) pairs first (see listRunsPage): each pair is one range of the
    // (workflow_id, definition_hash, created_at) index, already in list order.
    const pairs = versions ?? [];
    where.push(
      pairs.length === 0
        ? sql`1 = 0`
        : sql`(${sql.join(
            pairs.map((v) => sql`(workflow_id = ${v.workflowId} and definition_hash = ${v.hash})`),
            sql` or `,
          )})`,
    );
  }
  if (f.from !== undefined) where.push(sql`created_at >= ${f.from}`);
  if (f.to !== undefined) where.push(sql`created_at < ${f.to}`);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    const op = store.dialect === 'postgres' ? sql.raw('ilike') : sql.raw('like');
    where.push(
      sql`(id ${op} ${like} escape '\\' or workflow_id ${op} ${like} escape '\\' or input ${op} ${like} escape '\\' or error ${op} ${like} escape '\\')`,
    );
  }
  return where;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface ListRow {
  id: string;
  workflow_id: string;
  definition_hash: string;
  status: string;
  parent_run_id: string | null;
  created_at: number | string;
  updated_at: number | string;
  error: string | null;
}

/** The versions a `version` filter (a full hash or a prefix) names, from the facets. */
export function matchVersions(facets: RunFacets, f: RunFilter): RunFacets['versions'] {
  const v = f.version;
  if (!v) return [];
  return facets.versions.filter(
    (x) => (x.hash.startsWith(v) || x.label === v) && (!f.workflowId || x.workflowId === f.workflowId),
  );
}

/**
 * One page of runs, newest first. `facets` (from {@link runFacets}, cached by the handler) resolve
 * a version prefix; without them they are read here.
 */
export async function listRunsPage(store: StudioStore, f: RunFilter, facets?: RunFacets): Promise<RunListPage> {
  const limit = f.limit ?? 50;
  const versions = f.version ? matchVersions(facets ?? (await runFacets(store)), f) : undefined;
  const where = conditions(store, f, versions);
  let searchedSince: number | undefined;
  if (f.q && !f.deep) {
    // Bound the scan: find where the newest SEARCH_WINDOW runs of the other filters start (an
    // index walk), and search only those.
    const rest = conditions(store, { ...f, q: undefined } as RunFilter, versions);
    const { rows: edge } = await sql<{ c: number | string }>`select created_at as c from weft_runs ${
      rest.length ? sql`where ${sql.join(rest, sql` and `)}` : sql``
    } order by created_at desc, id desc limit 1 offset ${SEARCH_WINDOW}`.execute(store.db);
    if (edge[0]) {
      searchedSince = num(edge[0].c);
      where.push(sql`created_at >= ${searchedSince}`);
    }
  }
  const backwards = f.before !== undefined;
  if (f.after !== undefined) {
    const c = decodeCursor(f.after);
    where.push(sql`(created_at < ${c.createdAt} or (created_at = ${c.createdAt} and id < ${c.id}))`);
  } else if (f.before !== undefined) {
    const c = decodeCursor(f.before);
    where.push(sql`(created_at > ${c.createdAt} or (created_at = ${c.createdAt} and id > ${c.id}))`);
  }
  const order = backwards ? sql.raw('created_at asc, id asc') : sql.raw('created_at desc, id desc');
  // The error column can hold a long stack: only its head is read (enough for name and message).
  const { rows } =
    await sql<ListRow>`select id, workflow_id, definition_hash, status, parent_run_id, created_at, updated_at, substr(error, 1, 2000) as error from weft_runs ${
      where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``
    } order by ${order} limit ${limit + 1}`.execute(store.db);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const runs = page.map((r): RunListItem => {
    const item: RunListItem = {
      id: r.id,
      workflowId: r.workflow_id,
      definitionHash: r.definition_hash,
      status: r.status as RunStatus,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    };
    if (r.parent_run_id) item.parentRunId = r.parent_run_id;
    const error = errorSummary(r.error);
    if (error) item.error = error;
    return item;
  });
  const first = runs[0];
  const last = runs[runs.length - 1];
  const out: RunListPage = { runs };
  if (searchedSince !== undefined) out.searchedSince = searchedSince;
  // Going forwards there is a newer page when we came from a cursor; backwards, when more rows matched.
  const hasNewer = backwards ? more : f.after !== undefined;
  const hasOlder = backwards ? true : more;
  if (last && hasOlder) out.next = encodeCursor(last.createdAt, last.id);
  if (first && hasNewer) out.prev = encodeCursor(first.createdAt, first.id);
  return out;
}

/** Status counts stop at this many (an exact count of a big status would walk its whole index). */
export const COUNT_CAP = 10_000;

/** Workflows and versions seen in the store, and run counts per status (for the filter bar). */
export interface RunFacets {
  workflows: string[];
  /**
   * Versions (definition hashes) per workflow, most recently used first (at most 500), with the
   * workflow's own `version` label when the store keeps definitions (`weft_definitions`).
   */
  versions: { workflowId: string; hash: string; lastAt: number; label?: string }[];
  /** Runs per status, capped at {@link COUNT_CAP} (a count equal to it means "at least"). */
  counts: Partial<Record<RunStatus, number>>;
  /** All runs in the store (exact). */
  total: number;
}

/**
 * Facets of the runs table by index seeks only: workflows and their versions with a loose index
 * scan (one seek per distinct value), status counts bounded by {@link COUNT_CAP}. A few ms at
 * 100,000 runs, whatever the size; the handler caches them for 10 s.
 */
export async function runFacets(store: StudioStore): Promise<RunFacets> {
  const db = store.db;
  const one = async <T>(q: ReturnType<typeof sql<T>>): Promise<T | undefined> => (await q.execute(db)).rows[0];
  const counts: Partial<Record<RunStatus, number>> = {};
  for (const s of RUN_STATUSES) {
    const r = await one(
      sql<{
        n: number | string;
      }>`select count(*) as n from (select 1 from weft_runs where status = ${s} limit ${COUNT_CAP}) t`,
    );
    counts[s] = num(r?.n ?? 0);
  }
  const total = num((await one(sql<{ n: number | string }>`select count(*) as n from weft_runs`))?.n ?? 0);
  const workflows: string[] = [];
  const versions: RunFacets['versions'] = [];
  let wf = (await one(sql<{ w: string | null }>`select min(workflow_id) as w from weft_runs`))?.w ?? null;
  while (wf !== null && workflows.length < 200) {
    workflows.push(wf);
    let hash =
      (await one(sql<{ h: string | null }>`select min(definition_hash) as h from weft_runs where workflow_id = ${wf}`))
        ?.h ?? null;
    while (hash !== null && versions.length < 500) {
      const last = await one(
        sql<{
          m: number | string | null;
        }>`select max(created_at) as m from weft_runs where workflow_id = ${wf} and definition_hash = ${hash}`,
      );
      versions.push({ workflowId: wf, hash, lastAt: num(last?.m ?? 0) });
      hash =
        (
          await one(
            sql<{
              h: string | null;
            }>`select min(definition_hash) as h from weft_runs where workflow_id = ${wf} and definition_hash > ${hash}`,
          )
        )?.h ?? null;
    }
    wf =
      (await one(sql<{ w: string | null }>`select min(workflow_id) as w from weft_runs where workflow_id > ${wf}`))
        ?.w ?? null;
  }
  versions.sort((a, b) => b.lastAt - a.lastAt);
  if (versions.length > 0) {
    try {
      const { rows } = await sql<{
        hash: string;
        version: string | null;
      }>`select hash, version from weft_definitions where hash in (${sql.join(versions.map((v) => v.hash))})`.execute(
        db,
      );
      const labels = new Map(rows.filter((r) => r.version).map((r) => [r.hash, String(r.version)]));
      for (const v of versions) {
        const label = labels.get(v.hash);
        if (label) v.label = label;
      }
    } catch (err) {
      if (!isMissingTable(err)) throw err;
    }
  }
  return { workflows, versions, counts, total };
}
