/** Encoding of records into rows and back: JSON once per value, numbers from bigint columns. */
import type {
  EventRecord,
  RunRecord,
  RunStatus,
  SerializedError,
  StepRecord,
  StepStatus,
  SuspensionRecord,
  TimerRecord,
} from '../store.js';
import { CorruptRowError, StoreValueError } from './errors.js';

/**
 * Where a value belongs, for the error message of a value that cannot be stored: the record's keys,
 * and the field (`field` is added to `where` only when there is an error to report, so the hot path
 * allocates nothing for it).
 */
export type ValueWhere = Record<string, unknown> | (() => Record<string, unknown>);

/** JSON-encodes `value` (undefined → NULL), enforcing `maxBytes`. */
export function encode(value: unknown, maxBytes: number, at: ValueWhere, field?: string): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new StoreValueError(
      `Expected a JSON-serializable value at ${describe(whereOf(at, field))}, but JSON.stringify failed: ${(cause as Error).message}. Return plain data (no BigInt, cycles or class instances with state).`,
      whereOf(at, field),
      cause,
    );
  }
  if (text === undefined) return null;
  // UTF-8 is at most 3 bytes per UTF-16 unit: only measure exactly when it could matter.
  if (text.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > maxBytes) {
      throw new StoreValueError(
        `Expected a value of at most ${maxBytes} bytes at ${describe(whereOf(at, field))}, but it is ${bytes} bytes of JSON. Store large payloads elsewhere (object storage, a file) and return a reference, or raise createStore({ maxValueBytes }).`,
        { ...whereOf(at, field), bytes, maxBytes },
      );
    }
  }
  return text;
}

function whereOf(at: ValueWhere, field: string | undefined): Record<string, unknown> {
  const w = typeof at === 'function' ? at() : at;
  return field === undefined ? w : { ...w, field };
}

function describe(where: Record<string, unknown>): string {
  return Object.entries(where)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** Decodes a JSON column; a corrupt value raises {@link CorruptRowError} (the row is not touched). */
export function decode(text: unknown, table: string, key: string, column: string): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text as string);
  } catch (cause) {
    throw new CorruptRowError(table, key, column, cause);
  }
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
function optNum(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : num(value);
}
function optStr(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : (value as string);
}

export const RUN_COLUMNS =
  'id, workflow_id, definition_hash, status, input, output, error, parent_run_id, lease_owner, lease_expires_at, created_at, updated_at, deadline_at, forked_from_run_id, forked_from_step, traceparent';

export interface RunRow {
  id: string;
  workflow_id: string;
  definition_hash: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  parent_run_id: string | null;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
  deadline_at?: number | string | null;
  forked_from_run_id?: string | null;
  forked_from_step?: string | null;
  traceparent?: string | null;
}

export function toRun(row: RunRow): RunRecord {
  const key = `run ${row.id}`;
  const run: RunRecord = {
    id: row.id,
    workflowId: row.workflow_id,
    definitionHash: row.definition_hash,
    status: row.status as RunStatus,
    input: decode(row.input, 'weft_runs', key, 'input'),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
  const output = decode(row.output, 'weft_runs', key, 'output');
  if (output !== undefined) run.output = output;
  const error = decode(row.error, 'weft_runs', key, 'error') as SerializedError | undefined;
  if (error !== undefined) run.error = error;
  const parent = optStr(row.parent_run_id);
  if (parent !== undefined) run.parentRunId = parent;
  const owner = optStr(row.lease_owner);
  if (owner !== undefined) run.leaseOwner = owner;
  const expires = optNum(row.lease_expires_at);
  if (expires !== undefined) run.leaseExpiresAt = expires;
  const deadline = optNum(row.deadline_at);
  if (deadline !== undefined) run.deadlineAt = deadline;
  const forkedFrom = optStr(row.forked_from_run_id);
  if (forkedFrom !== undefined) run.forkedFrom = { runId: forkedFrom, step: optStr(row.forked_from_step) ?? '' };
  const traceparent = optStr(row.traceparent);
  if (traceparent !== undefined) run.traceparent = traceparent;
  return run;
}

export const STEP_COLUMNS = 'run_id, path, attempt, status, input, output, error, started_at, ended_at';

export interface StepRow {
  run_id: string;
  path: string;
  attempt: number | string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  started_at: number | string;
  ended_at: number | string | null;
}

export function toStep(row: StepRow): StepRecord {
  const key = `run ${row.run_id} step ${row.path}#${row.attempt}`;
  const step: StepRecord = {
    runId: row.run_id,
    path: row.path,
    attempt: num(row.attempt),
    status: row.status as StepStatus,
    startedAt: num(row.started_at),
  };
  const input = decode(row.input, 'weft_steps', key, 'input');
  if (input !== undefined) step.input = input;
  const output = decode(row.output, 'weft_steps', key, 'output');
  if (output !== undefined) step.output = output;
  const error = decode(row.error, 'weft_steps', key, 'error') as SerializedError | undefined;
  if (error !== undefined) step.error = error;
  const ended = optNum(row.ended_at);
  if (ended !== undefined) step.endedAt = ended;
  return step;
}

export const SUSPENSION_COLUMNS = 'run_id, path, payload, resume_schema_id, event_name, created_at';

export interface SuspensionRow {
  run_id: string;
  path: string;
  payload: string | null;
  resume_schema_id: string | null;
  event_name: string | null;
  created_at: number | string;
}

export function toSuspension(row: SuspensionRow): SuspensionRecord {
  const s: SuspensionRecord = {
    runId: row.run_id,
    path: row.path,
    payload: decode(row.payload, 'weft_suspensions', `run ${row.run_id} step ${row.path}`, 'payload'),
    createdAt: num(row.created_at),
  };
  const schemaId = optStr(row.resume_schema_id);
  if (schemaId !== undefined) s.resumeSchemaId = schemaId;
  const eventName = optStr(row.event_name);
  if (eventName !== undefined) s.eventName = eventName;
  return s;
}

export const EVENT_COLUMNS = 'run_id, seq, type, path, data, at';

export interface EventRow {
  run_id: string;
  seq: number | string;
  type: string;
  path: string | null;
  data: string | null;
  at: number | string;
}

export function toEvent(row: EventRow): EventRecord {
  const e: EventRecord = { runId: row.run_id, seq: num(row.seq), type: row.type, at: num(row.at) };
  const path = optStr(row.path);
  if (path !== undefined) e.path = path;
  const data = decode(row.data, 'weft_events', `run ${row.run_id} seq ${row.seq}`, 'data');
  if (data !== undefined) e.data = data;
  return e;
}

export const TIMER_COLUMNS = 'id, run_id, path, kind, due_at, data';

export interface TimerRow {
  id: string;
  run_id: string;
  path: string;
  kind: string;
  due_at: number | string;
  data: string | null;
}

export function toTimer(row: TimerRow): TimerRecord {
  const t: TimerRecord = { id: row.id, runId: row.run_id, path: row.path, kind: row.kind, dueAt: num(row.due_at) };
  const data = decode(row.data, 'weft_timers', `timer ${row.id}`, 'data');
  if (data !== undefined) t.data = data;
  return t;
}
