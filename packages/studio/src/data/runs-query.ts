/**
 * The runs list: filters (status, workflow, version, time range, text), keyset paging on
 * `(created_at, id)` newest first, and facets (workflows and versions to filter by, counts per
 * status). Every filter maps to an index: `weft_runs_created`, `weft_runs_workflow` and Studio's
 * `weft_studio_runs_status_created`; a page never counts or offsets through the table.
 */
import type { RunStatus, SerializedError } from '@weft/workflow';
import { type RawBuilder, sql } from 'kysely';
import { StudioBadRequestError } from '../errors/errors.js';
import { num, parseJson, type StudioStore } from './source.js';

/** Every run status, in the order Studio shows them. */
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'suspended', 'queued', 'failed', 'canceled', 'success'];

/** Filters of the runs list (all optional; parsed from the query string by {@link parseRunFilter}). */
export interface RunFilter {
  /** Only runs in one of these statuses. */
  status?: RunStatus[];
  /** Only runs of this workflow id. */
  workflowId?: string;
  /** Only runs started with this definition hash (or a prefix of it, at least 4 characters). */
  version?: string;
  /** Only runs created at or after this time (epoch ms). */
  from?: number;
  /** Only runs created before this time (epoch ms). */
  to?: number;
  /** Text searched in the run id, workflow id, input and error (case-insensitive substring). */
  q?: string;
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

/** A page of the runs list. */
export interface RunListPage {
  runs: RunListItem[];
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
function conditions(store: StudioStore, f: RunFilter): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (f.status?.length) where.push(sql`status in (${sql.join(f.status)})`);
  if (f.workflowId) where.push(sql`workflow_id = ${f.workflowId}`);
  if (f.version) {
    if (f.version.length >= 40) where.push(sql`definition_hash = ${f.version}`);
    else where.push(sql`definition_hash like ${`${escapeLike(f.version)}%`} escape '\\'`);
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

/** One page of runs, newest first. */
export async function listRunsPage(store: StudioStore, f: RunFilter): Promise<RunListPage> {
  const limit = f.limit ?? 50;
  const where = conditions(store, f);
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
  // Going forwards there is a newer page when we came from a cursor; backwards, when more rows matched.
  const hasNewer = backwards ? more : f.after !== undefined;
  const hasOlder = backwards ? true : more;
  if (last && hasOlder) out.next = encodeCursor(last.createdAt, last.id);
  if (first && hasNewer) out.prev = encodeCursor(first.createdAt, first.id);
  return out;
}

/** Workflows and versions seen in the store, and run counts per status (for the filter bar). */
export interface RunFacets {
  workflows: string[];
  /** Versions (definition hashes) per workflow, newest first. */
  versions: { workflowId: string; hash: string; runs: number; lastAt: number }[];
  /** Runs per status over the whole store. */
  counts: Partial<Record<RunStatus, number>>;
}

/** Facets of the runs table; index-only scans (a few ms at 100,000 runs), cached by the handler. */
export async function runFacets(store: StudioStore): Promise<RunFacets> {
  const [counts, versions] = await Promise.all([
    sql<{ status: string; n: number | string }>`select status, count(*) as n from weft_runs group by status`.execute(
      store.db,
    ),
    sql<{
      workflow_id: string;
      definition_hash: string;
      n: number | string;
      last_at: number | string;
    }>`select workflow_id, definition_hash, count(*) as n, max(created_at) as last_at from weft_runs group by workflow_id, definition_hash`.execute(
      store.db,
    ),
  ]);
  const byStatus: Partial<Record<RunStatus, number>> = {};
  for (const r of counts.rows) byStatus[r.status as RunStatus] = num(r.n);
  const vs = versions.rows
    .map((r) => ({ workflowId: r.workflow_id, hash: r.definition_hash, runs: num(r.n), lastAt: num(r.last_at) }))
    .sort((a, b) => b.lastAt - a.lastAt);
  return { workflows: [...new Set(vs.map((v) => v.workflowId))].sort(), versions: vs, counts: byStatus };
}
