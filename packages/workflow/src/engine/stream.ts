/** `stream(runId)`: replay stored events, then follow live ones until the run finishes or suspends. */
import type { EventRecord, StepRecord, Store } from '../store/store.js';
import type { EventListener, WeftEvent } from './types.js';

const TERMINAL = new Set(['run:success', 'run:failed', 'run:canceled', 'run:suspended']);
const FINISHED = new Set(['success', 'failed', 'canceled', 'suspended']);
const fingerprint = (e: WeftEvent) => `${e.type}|${e.path ?? ''}|${e.at}`;

/**
 * The stored events of a run in commit order (`seq`), every one with its `seq`. A step's
 * `step:success` row carries no data (the output lives in the step row once): it is filled in
 * from the step row, as the live event has it. Runs written before success events were stored
 * get their successes rebuilt from the step rows, merged by time (those carry no `seq`).
 */
export function replayEvents(runId: string, stored: readonly EventRecord[], steps: readonly StepRecord[]): WeftEvent[] {
  const outputs = new Map<string, unknown>();
  for (const st of steps) if (st.status === 'success') outputs.set(st.path, st.output);
  const withEvent = new Set<string>();
  const replay: WeftEvent[] = stored.map((e) => {
    const ev: WeftEvent = { runId: e.runId, type: e.type, path: e.path, data: e.data, at: e.at, seq: e.seq };
    if (e.type === 'step:success' && e.path !== undefined) {
      withEvent.add(e.path);
      if (e.data === undefined && outputs.has(e.path)) ev.data = outputs.get(e.path);
    }
    return ev;
  });
  const legacy = steps.filter((st) => st.status === 'success' && st.endedAt !== undefined && !withEvent.has(st.path));
  if (legacy.length === 0) return replay;
  // Legacy rows: merge by time; run start first, run end last at the same millisecond.
  const rank = (e: WeftEvent) =>
    e.type === 'run:start' || e.type === 'run:resume' ? -1 : TERMINAL.has(e.type) ? 1e12 : (e.seq ?? 1e9);
  for (const st of legacy)
    replay.push({ runId, type: 'step:success', path: st.path, data: st.output, at: st.endedAt as number });
  return replay.sort((a, b) => a.at - b.at || rank(a) - rank(b));
}

/**
 * Subscribes first, then reads the store, so nothing falls between replay and live events; live
 * events already replayed are dropped (matched by type, path and time, each replayed event
 * dropping at most one live one).
 */
export async function* streamRun(
  store: Store,
  runId: string,
  subscribe: (l: EventListener) => () => void,
): AsyncGenerator<WeftEvent> {
  const queue: WeftEvent[] = [];
  let wake: (() => void) | undefined;
  const off = subscribe((e) => {
    if (e.runId !== runId) return;
    queue.push(e);
    wake?.();
  });
  try {
    const [stored, steps] = await Promise.all([store.readEvents(runId), store.listSteps(runId)]);
    const seen = new Map<string, number>();
    for (const ev of replayEvents(runId, stored, steps)) {
      const f = fingerprint(ev);
      seen.set(f, (seen.get(f) ?? 0) + 1);
      yield ev;
    }
    const last = stored[stored.length - 1];
    if (last && TERMINAL.has(last.type)) return;
    // An unknown run may be about to start (a Run handle streamed before start()): follow live events.
    const run = await store.getRun(runId);
    for (;;) {
      while (queue.length) {
        const e = queue.shift() as WeftEvent;
        const f = fingerprint(e);
        const n = seen.get(f);
        if (n !== undefined) {
          if (n <= 1) seen.delete(f);
          else seen.set(f, n - 1);
          continue;
        }
        yield e;
        if (TERMINAL.has(e.type)) return;
      }
      if (run && !stored.length && FINISHED.has(run.status) && !queue.length) return;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
  } finally {
    off();
  }
}
