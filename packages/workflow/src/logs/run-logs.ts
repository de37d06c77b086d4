/**
 * Run logs: what steps write with `ctx.logger` is stored with the run as `log` events. Lines are
 * buffered with the run's pending events and written by the step's own commit (no write per line),
 * at most `maxLines` per run; the first line over the cap is replaced by one `log:truncated` marker.
 */
import { serializeError } from '../errors/serialize.js';

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** `createEngine({ runLogs })`: how `ctx.logger` lines are stored with their run. */
export interface RunLogOptions {
  /** Lowest level stored (default `'info'`: `debug` lines only reach the engine's `logger`). */
  level?: LogLevel;
  /** Lines stored per run, over every execution of it (default {@link DEFAULT_MAX_LOG_LINES}). */
  maxLines?: number;
  /** Longest stored message, in characters (default 2000); longer ones are cut with `…`. */
  maxMessageChars?: number;
  /** Largest stored `fields` object, as JSON characters (default 4000); larger ones are replaced by a preview. */
  maxFieldsChars?: number;
}

/** Lines stored per run by default (`createEngine({ runLogs: { maxLines } })`). */
export const DEFAULT_MAX_LOG_LINES = 1000;

/** The `data` of a stored `log` event. */
export interface LogLine {
  level: LogLevel;
  message: string;
  /** The step attempt that logged it. */
  attempt: number;
  /** The structured fields given to the logger (JSON-safe: errors serialized, bigints as strings). */
  fields?: Record<string, unknown>;
}

/** The `data` of the `log:truncated` marker (stored once, when a run reaches its cap). */
export interface LogTruncated {
  /** The cap that was reached. */
  maxLines: number;
  /** Always: later lines of this run reach the engine's logger but are not stored. */
  message: string;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Resolved run-log settings. */
export interface RunLogSettings {
  minRank: number;
  maxLines: number;
  maxMessageChars: number;
  maxFieldsChars: number;
}

function whole(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min)
    throw new TypeError(
      `Expected createEngine({ runLogs: { ${name} } }) to be an integer from ${min} up, got ${value}`,
    );
  return value;
}

/** Validates `createEngine({ runLogs })`; `false` stores nothing. */
export function runLogSettings(options: RunLogOptions | false | undefined): RunLogSettings | undefined {
  if (options === false) return undefined;
  const o = options ?? {};
  if (o.level !== undefined && !(o.level in RANK))
    throw new TypeError(
      `Expected createEngine({ runLogs: { level } }) to be one of debug, info, warn, error, got ${String(o.level)}`,
    );
  return {
    minRank: RANK[o.level ?? 'info'],
    maxLines: whole(o.maxLines, DEFAULT_MAX_LOG_LINES, 'maxLines', 0),
    maxMessageChars: whole(o.maxMessageChars, 2000, 'maxMessageChars', 1),
    maxFieldsChars: whole(o.maxFieldsChars, 4000, 'maxFieldsChars', 2),
  };
}

/** True when a line of `level` is stored under `s`. */
export const stores = (s: RunLogSettings, level: LogLevel): boolean => RANK[level] >= s.minRank;

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return serializeError(value);
  return value;
}

/**
 * The common case without a JSON round trip: every value a string, finite number, boolean or
 * null, and surely under the size cap. Undefined otherwise (then the JSON path decides).
 */
function flatCopy(fields: Record<string, unknown>, max: number): Record<string, unknown> | undefined {
  let size = 2;
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    if (key === '__proto__') return undefined; // a plain copy would set the prototype: the JSON path keeps it a key
    const v = fields[key];
    if (typeof v === 'string')
      size += key.length + v.length * 6 + 6; // an escape is at most 6 characters (\u0000)
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null)
      size += key.length + 30;
    else return undefined;
    if (size > max) return undefined;
    out[key] = v;
  }
  return out;
}

/** The stored form of one line: JSON-safe (a line must never break its step's commit), cut to size. */
export function logLine(
  s: RunLogSettings,
  level: LogLevel,
  message: string,
  attempt: number,
  fields: Record<string, unknown> | undefined,
): LogLine {
  const text = String(message);
  const line: LogLine = {
    level,
    message: text.length > s.maxMessageChars ? `${text.slice(0, s.maxMessageChars - 1)}…` : text,
    attempt,
  };
  if (fields !== undefined && fields !== null && Object.keys(fields).length > 0) {
    const flat = flatCopy(fields, s.maxFieldsChars);
    if (flat) {
      line.fields = flat;
      return line;
    }
    let json: string;
    try {
      json = JSON.stringify(fields, replacer) ?? '{}';
    } catch (e) {
      json = JSON.stringify({ unserializable: e instanceof Error ? e.message : String(e) });
    }
    line.fields =
      json.length > s.maxFieldsChars
        ? { truncated: true, chars: json.length, preview: json.slice(0, s.maxFieldsChars) }
        : (JSON.parse(json) as Record<string, unknown>);
  }
  return line;
}
