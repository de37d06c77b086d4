/**
 * The streaming writer of a step (`writer.write(chunk)` in a step's arguments, `ctx.writer`).
 * Chunks reach live listeners, `run.stream()`, `engine.stream()` and the SSE handler at once as
 * `step:chunk` events, and are never stored one by one: the step's next commit carries one
 * compacted `step:stream` event (strings concatenated into `text`, other chunks in `items`), so
 * streaming costs no extra store write — one extra event row inside the commit it rides on.
 */
import type { RunExec } from '../engine/run-state.js';

/** Writes a step's partial output (LLM tokens, progress rows, …) to the run's stream. */
export interface StepWriter<T = unknown> {
  /** Emits one chunk now (a `step:chunk` event) and keeps it for the compacted `step:stream` event. */
  write(chunk: T): void;
  /**
   * Writes every chunk of `source` (e.g. the AI SDK's `textStream`) as it arrives; resolves to the
   * chunks joined when they are all strings, else to the array of chunks.
   */
  pipe<C extends T>(source: AsyncIterable<C>): Promise<[C] extends [string] ? string : C[]>;
}

/** Data of a live `step:chunk` event. */
export interface StepChunkData<T = unknown> {
  /** The chunk as written. */
  chunk: T;
  /** 0-based position of the chunk in this attempt's stream. */
  index: number;
  attempt: number;
}

/** Data of the stored `step:stream` event: what a step streamed in one attempt, compacted. */
export interface StepStreamData {
  attempt: number;
  /** How many chunks were written. */
  chunks: number;
  /** Every chunk concatenated, when all were strings. */
  text?: string;
  /** The chunks, when not all were strings. */
  items?: unknown[];
}

interface Buffer {
  attempt: number;
  count: number;
  text: string;
  items: unknown[] | undefined;
}

const buffers = new WeakMap<RunExec, Map<string, Buffer>>();

/** A writer for the step at `path` (one attempt). */
export function createWriter(x: RunExec, path: string, attempt: number): StepWriter {
  const write = (chunk: unknown): void => {
    let byPath = buffers.get(x);
    if (!byPath) buffers.set(x, (byPath = new Map()));
    let b = byPath.get(path);
    if (!b || b.attempt !== attempt) byPath.set(path, (b = { attempt, count: 0, text: '', items: undefined }));
    const index = b.count++;
    if (typeof chunk === 'string' && b.items === undefined) b.text += chunk;
    else {
      // A first non-string chunk: keep the strings so far as items too.
      if (b.items === undefined) b.items = b.text === '' ? [] : [b.text];
      b.items.push(chunk);
    }
    x.live('step:chunk', path, { chunk, index, attempt } satisfies StepChunkData, Date.now());
  };
  return {
    write,
    async pipe(source: AsyncIterable<unknown>) {
      const all: unknown[] = [];
      for await (const chunk of source) {
        write(chunk);
        all.push(chunk);
      }
      return (all.every((c) => typeof c === 'string') ? all.join('') : all) as never;
    },
  };
}

/**
 * Turns what the step at `path` streamed into one pending `step:stream` event (written with the
 * step's commit, which comes next). Called by the engine after every attempt.
 */
export function flushStream(x: RunExec, path: string): void {
  const byPath = buffers.get(x);
  const b = byPath?.get(path);
  if (!b) return;
  byPath?.delete(path);
  const data: StepStreamData = { attempt: b.attempt, chunks: b.count };
  if (b.items === undefined) data.text = b.text;
  else data.items = b.items;
  x.custom('step:stream', path, data);
}
