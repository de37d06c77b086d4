/**
 * `store.loadRun`: a run with what an execution replays of it (steps, open suspensions, the events
 * it folds). On a local libsql file that is **one** statement: the run row plus three JSON arrays
 * built by SQLite (`json_group_array … ORDER BY`, SQLite ≥ 3.44), so a resume or a recovery pays
 * one read instead of four (each read through the libsql binding costs ~15–40 µs here, however
 * small: statement, row objects, promise). The JSON columns of every row travel as JSON strings inside
 * the arrays and are decoded exactly as the single-table reads decode them (a corrupt value is the
 * same CorruptRowError). Postgres: the same one statement with `json_agg`. Remote libsql (whose
 * server's SQLite version is unknown here): the four reads, concurrently.
 */
import type { EventRecord, LoadedRun, StepRecord, SuspensionRecord } from '../store.js';
import { CorruptRowError } from './errors.js';
import {
  EVENT_COLUMNS,
  type EventRow,
  RUN_COLUMNS,
  type RunRow,
  STEP_COLUMNS,
  type StepRow,
  SUSPENSION_COLUMNS,
  type SuspensionRow,
  toEvent,
  toRun,
  toStep,
  toSuspension,
} from './rows.js';
import type { SqlBackend } from './sql-exec.js';
import { placeholders } from './statements.js';

const RUN_KEYS = RUN_COLUMNS.split(', ');
const STEP_KEYS = STEP_COLUMNS.split(', ');
const SUSPENSION_KEYS = SUSPENSION_COLUMNS.split(', ');
const EVENT_KEYS = EVENT_COLUMNS.split(', ');

const localSql = new Map<number, string>();
/** The one statement for `types` event types (cached per count: the types are parameters). */
function localStatement(types: number): string {
  let text = localSql.get(types);
  if (text === undefined) {
    const typeParams = Array.from({ length: types }, (_, i) => `?${i + 2}`).join(', ');
    text = localText(types > 0 ? ` AND type IN (${typeParams})` : ' AND 0');
    localSql.set(types, text);
  }
  return text;
}

function localText(eventFilter: string): string {
  return (
    `SELECT ${RUN_COLUMNS},` +
    ` (SELECT json_group_array(json_array(${STEP_COLUMNS}) ORDER BY started_at, attempt, path) FROM weft_steps WHERE run_id = ?1) AS steps_json,` +
    ` (SELECT json_group_array(json_array(${SUSPENSION_COLUMNS}) ORDER BY created_at, path) FROM weft_suspensions WHERE run_id = ?1) AS suspensions_json,` +
    ` (SELECT json_group_array(json_array(${EVENT_COLUMNS}) ORDER BY seq) FROM weft_events WHERE run_id = ?1${eventFilter}) AS events_json` +
    ' FROM weft_runs WHERE id = ?1'
  );
}

const LITERAL_LISTS = 8;
const localLiteralSql = new Map<string, string>();
/**
 * The statement and its parameters for `types`. The engine asks for one fixed list (its history
 * events): the first few lists get their types written into the text as quoted literals, so a read
 * binds one parameter instead of eleven (~3 µs of the read's ~20 here); any further list binds them.
 */
function localRead(runId: string, types: string[]): { text: string; params: unknown[] } {
  const key = JSON.stringify(types);
  let text = localLiteralSql.get(key);
  if (text === undefined && localLiteralSql.size < LITERAL_LISTS && !types.some((t) => t.includes('\0'))) {
    const list = types.map((t) => `'${t.replaceAll("'", "''")}'`).join(', ');
    text = localText(types.length > 0 ? ` AND type IN (${list})` : ' AND 0');
    localLiteralSql.set(key, text);
  }
  return text === undefined
    ? { text: localStatement(types.length), params: [runId, ...types] }
    : { text, params: [runId] };
}

const pgSql = new Map<number, string>();
/**
 * The same one statement on Postgres (`json_agg … ORDER BY`): one round trip and one pooled
 * connection instead of four. `$n` placeholders, written as such (the `?` rewrite leaves them).
 */
function pgStatement(types: number): string {
  let text = pgSql.get(types);
  if (text === undefined) {
    const typeParams = Array.from({ length: types }, (_, i) => `$${i + 2}`).join(', ');
    const eventFilter = types > 0 ? ` AND type IN (${typeParams})` : ' AND false';
    const agg = (columns: string, order: string, table: string, filter = '') =>
      `(SELECT COALESCE(json_agg(json_build_array(${columns}) ORDER BY ${order}), '[]'::json) FROM ${table} WHERE run_id = $1${filter})::text`;
    text =
      `SELECT ${RUN_COLUMNS},` +
      ` ${agg(STEP_COLUMNS, 'started_at, attempt, path', 'weft_steps')} AS steps_json,` +
      ` ${agg(SUSPENSION_COLUMNS, 'created_at, path', 'weft_suspensions')} AS suspensions_json,` +
      ` ${agg(EVENT_COLUMNS, 'seq', 'weft_events', eventFilter)} AS events_json` +
      ' FROM weft_runs WHERE id = $1';
    pgSql.set(types, text);
  }
  return text;
}

type LocalRow = RunRow & { steps_json: string; suspensions_json: string; events_json: string };

/** Rows of one JSON array column, as objects keyed like the single-table reads' rows. */
function rowsOf<R>(json: string, keys: readonly string[], table: string, runId: string): R[] {
  let arrays: unknown[][];
  try {
    arrays = JSON.parse(json) as unknown[][];
  } catch (cause) {
    // SQLite built this text: only a value it could not represent gets here.
    throw new CorruptRowError(table, `run ${runId}`, 'json_group_array', cause);
  }
  return arrays.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) row[keys[i] as string] = values[i];
    return row as R;
  });
}

function loadedOf(row: LocalRow, runId: string): LoadedRun {
  return {
    run: toRun(row),
    steps: rowsOf<StepRow>(row.steps_json, STEP_KEYS, 'weft_steps', runId).map(toStep),
    suspensions: rowsOf<SuspensionRow>(row.suspensions_json, SUSPENSION_KEYS, 'weft_suspensions', runId).map(
      toSuspension,
    ),
    events: rowsOf<EventRow>(row.events_json, EVENT_KEYS, 'weft_events', runId).map(toEvent),
  };
}

/** The local statement's one row, read raw (column values in SELECT order), keyed like `all`'s rows. */
function localRowOf(values: unknown[]): LocalRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < RUN_KEYS.length; i++) row[RUN_KEYS[i] as string] = values[i];
  const n = RUN_KEYS.length;
  row.steps_json = values[n];
  row.suspensions_json = values[n + 1];
  row.events_json = values[n + 2];
  return row as unknown as LocalRow;
}

/** Reads `runId` with its steps, open suspensions and events of `types`; undefined when no such run. */
export async function loadRun(sql: SqlBackend, runId: string, types: string[]): Promise<LoadedRun | undefined> {
  if (sql.firstRaw) {
    // A local file: the one row raw (no row object of 19 columns built, then rebuilt here).
    const { text, params } = localRead(runId, types);
    const values = await sql.firstRaw(text, params);
    return values ? loadedOf(localRowOf(values), runId) : undefined;
  }
  if (sql.dialect === 'postgres') {
    const rows = await sql.all<LocalRow>(pgStatement(types.length), [runId, ...types]);
    const row = rows[0];
    return row ? loadedOf(row, runId) : undefined;
  }
  const filter = types.length > 0 ? ` AND type IN (${placeholders(types.length)})` : ' AND 1 = 0';
  const [runs, steps, suspensions, events] = await Promise.all([
    sql.all<RunRow>(`SELECT ${RUN_COLUMNS} FROM weft_runs WHERE id = ?`, [runId]),
    sql.all<StepRow>(`SELECT ${STEP_COLUMNS} FROM weft_steps WHERE run_id = ? ORDER BY started_at, attempt, path`, [
      runId,
    ]),
    sql.all<SuspensionRow>(
      `SELECT ${SUSPENSION_COLUMNS} FROM weft_suspensions WHERE run_id = ? ORDER BY created_at, path`,
      [runId],
    ),
    sql.all<EventRow>(`SELECT ${EVENT_COLUMNS} FROM weft_events WHERE run_id = ? AND seq > ?${filter} ORDER BY seq`, [
      runId,
      0,
      ...types,
    ]),
  ]);
  const run = runs[0];
  if (!run) return undefined;
  return {
    run: toRun(run),
    steps: steps.map(toStep) as StepRecord[],
    suspensions: suspensions.map(toSuspension) as SuspensionRecord[],
    events: events.map(toEvent) as EventRecord[],
  };
}
