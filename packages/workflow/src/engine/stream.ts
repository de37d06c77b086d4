/** `stream(runId)`: replay stored events, then follow the ones any process commits until the run finishes or suspends. */
import { Follower, type FollowOptions } from '../follow/follower.js';
import type { EventRecord, StepRecord, Store } from '../store/store.js';
import type { EventListener, WeftEvent } from './types.js';

const TERMINAL = new Set(['run:success', 'run:failed', 'run:canceled', 'run:suspended']);
const fingerprint = (e: WeftEvent) => `${e.type}|${e.path ?? ''}|${e.at}`;

/**
 * The stored events of a run in commit order (`seq`), every one with its `seq`. A step's
 * `step:success` row carries no data (the output lives in the step row once): it is filled in
 * from the step row, as the live event has it. Runs written before success events were stored
 * get their successes rebuilt from the step rows, merged by time (those carry no `seq`).
 */
export function replayEvents(
  runId: string,
  stored: readonly EventRecord[],
  steps: readonly StepRecord[],
  legacyRows = true,
): WeftEvent[] {
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
  if (legacy.length === 0 || !legacyRows) return replay;
  // Legacy rows: merge by time; run start first, run end last at the same millisecond.
  const rank = (e: WeftEvent) =>
    e.type === 'run:start' || e.type === 'run:resume' ? -1 : TERMINAL.has(e.type) ? 1e12 : (e.seq ?? 1e9);
  for (const st of legacy)
    replay.push({ runId, type: 'step:success', path: st.path, data: st.output, at: st.endedAt as number });
  return replay.sort((a, b) => a.at - b.at || rank(a) - rank(b));
}

/** Live-only event types (never stored, or stored only for sleeps): passed on from this process as they happen. */
const LIVE_ONLY = new Set(['step:chunk', 'step:start']);

/**
 * A run's stored events from any process (see `followRun`), in commit order with their `seq`,
 * with `step:success` data filled in from the step rows; plus, while the run executes in this
 * process, its live-only events (`step:chunk`, `step:start`) as they happen. Ends after the run
 * finishes or suspends.
 */
export async function* streamRun(
  store: Store,
  runId: string,
  subscribe: (l: EventListener) => () => void,
  options: FollowOptions = {},
): AsyncGenerator<WeftEvent> {
  const follower = new Follower(store, runId, options);
  const live: WeftEvent[] = [];
  const off = subscribe((e) => {
    if (e.runId !== runId || !LIVE_ONLY.has(e.type)) return;
    live.push(e);
    follower.poke();
  });
  // A sleep's step:start is stored too: the live one seen here is not repeated.
  const seenLive = new Set<string>();
  let first = true;
  try {
    for (;;) {
      const batch = await follower.next();
      if (batch === undefined) return;
      if (batch.length > 0) {
        const needSteps = first || batch.some((e) => e.type === 'step:success' && e.data === undefined);
        const steps = needSteps ? await store.listSteps(runId) : [];
        // Rows without events only in a finished run written before success events were stored
        // (a row committed after this read has its event in a later batch).
        const legacy =
          first &&
          !batch.some((e) => e.type === 'step:success') &&
          TERMINAL.has((batch[batch.length - 1] as EventRecord).type);
        const events = replayEvents(runId, batch, steps, legacy);
        first = false;
        for (const ev of events) {
          if (ev.type === 'step:start' && seenLive.delete(fingerprint(ev))) continue;
          yield ev;
        }
      }
      while (live.length > 0) {
        const e = live.shift() as WeftEvent;
        if (e.type === 'step:start') seenLive.add(fingerprint(e));
        yield e;
      }
    }
  } finally {
    off();
    follower.close();
  }
}
