/**
 * Data sources of an eval: arrays, iterables, async generators, and JSONL / CSV / JSON files.
 * Everything is normalized to {@link EvalItem}s with stable ids, so runs pair item by item.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EvalDataError } from '../errors/errors.js';
import { stableStringify } from '../scorers/scorer.js';
import { parseCsv } from './csv.js';

/** One data item. */
export interface EvalItem<I = unknown, E = unknown> {
  /** Stable id used to pair items across runs; defaults to a hash of the input. */
  id?: string;
  input: I;
  expected?: E;
  /** Task tags (e.g. `summarize`, `math`): group results and feed per-tag quality records. */
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/** An item after normalization: id, tags and metadata are always present. */
export interface NormalizedItem<I = unknown, E = unknown> {
  id: string;
  input: I;
  expected: E | undefined;
  tags: string[];
  metadata: Record<string, unknown>;
}

/** Where items come from: values, (async) iterables, a function returning one, or a file path. */
export type EvalData<I = unknown, E = unknown> =
  | readonly EvalItem<I, E>[]
  | Iterable<EvalItem<I, E>>
  | AsyncIterable<EvalItem<I, E>>
  | (() => Iterable<EvalItem<I, E>> | AsyncIterable<EvalItem<I, E>> | Promise<readonly EvalItem<I, E>[]>)
  | string;

/** Short stable hash of any JSON value. */
export function hashValue(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 16);
}

/**
 * Loads and normalizes all items of a data source. Files: `.jsonl` (one item per line), `.json`
 * (an array of items), `.csv` (header row; columns `input`, `expected`, `id`, `tags` separated by
 * `|`; without an `input` column the other columns form the input object).
 *
 * @example
 * ```ts
 * const items = await loadData('./cases.jsonl');
 * ```
 */
export async function loadData<I, E>(data: EvalData<I, E>): Promise<NormalizedItem<I, E>[]> {
  const raw: EvalItem<I, E>[] = [];
  if (typeof data === 'string') {
    raw.push(...((await loadFile(data)) as EvalItem<I, E>[]));
  } else {
    const source = typeof data === 'function' ? await data() : data;
    if (Symbol.asyncIterator in Object(source)) {
      for await (const item of source as AsyncIterable<EvalItem<I, E>>) raw.push(item);
    } else {
      for (const item of source as Iterable<EvalItem<I, E>>) raw.push(item);
    }
  }
  const seen = new Map<string, number>();
  return raw.map((item, index) => {
    if (item === null || typeof item !== 'object' || !('input' in item)) {
      throw new EvalDataError(
        `Expected data item ${index} to be an object with an \`input\` field, but found ${JSON.stringify(item)}. Wrap raw values as { input, expected }.`,
        { details: { index } },
      );
    }
    let id = item.id ?? hashValue(item.input);
    const count = seen.get(id) ?? 0;
    seen.set(id, count + 1);
    if (count > 0) id = `${id}#${count}`;
    return { id, input: item.input, expected: item.expected, tags: item.tags ?? [], metadata: item.metadata ?? {} };
  });
}

async function loadFile(path: string): Promise<EvalItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EvalDataError(`Expected a readable data file at ${path}, but it could not be read. Check the path.`, {
      cause,
      details: { path },
    });
  }
  if (path.endsWith('.jsonl') || path.endsWith('.ndjson')) {
    return text.split(/\r?\n/).flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as EvalItem];
      } catch (cause) {
        throw new EvalDataError(`Expected JSON on line ${i + 1} of ${path}, but it does not parse. Fix that line.`, {
          cause,
          details: { path, line: i + 1 },
        });
      }
    });
  }
  if (path.endsWith('.csv')) return csvItems(parseCsv(text));
  if (path.endsWith('.json')) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed))
      throw new EvalDataError(`Expected ${path} to hold a JSON array of items.`, { details: { path } });
    return parsed as EvalItem[];
  }
  throw new EvalDataError(`Expected a .jsonl, .json or .csv data file, but got ${path}.`, { details: { path } });
}

function csvItems(rows: string[][]): EvalItem[] {
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((fields) => {
    const row: Record<string, string> = {};
    header.forEach((name, i) => {
      row[name] = fields[i] ?? '';
    });
    const { input, expected, id, tags, ...rest } = row;
    const item: EvalItem = { input: input ?? rest };
    if (expected !== undefined) item.expected = expected;
    if (id) item.id = id;
    if (tags) item.tags = tags.split('|').filter(Boolean);
    return item;
  });
}
