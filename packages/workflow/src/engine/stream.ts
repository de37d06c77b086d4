/** `stream(runId)`: replay stored events, then follow live ones until the run finishes or suspends. */
import type { Store } from '../store/store.js';
import type { EventListener, WeftEvent } from './types.js';

const TERMINAL = new Set(['run:success', 'run:failed', 'run:canceled', 'run:suspended']);
const FINISHED = new Set(['success', 'failed', 'canceled', 'suspended']);
const fingerprint = (e: WeftEvent) => `${e.type}|${e.path ?? ''}|${e.at}`;
/** Order of events with the same timestamp: run start first, run end last, steps by seq. */
const rank = (e: WeftEvent) =>
  e.type === 'run:start' || e.type === 'run:resume' ? -1 : TERMINAL.has(e.type) ? 1e12 : (e.seq ?? 1e9);

/**
 * Subscribes first, then reads the store, so nothing falls between replay and live events; live
 * events already replayed are dropped by fingerprint (type, path, time).
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
    // Successful steps are stored as rows only (no event row, to keep the hot path lean): replay
    // them as `step:success` events, merged by time with the stored events.
    const replay: WeftEvent[] = stored.map((e) => ({
      runId: e.runId,
      type: e.type,
      path: e.path,
      data: e.data,
      at: e.at,
      seq: e.seq,
    }));
    for (const st of steps) {
      if (st.status === 'success' && st.endedAt !== undefined)
        replay.push({ runId, type: 'step:success', path: st.path, at: st.endedAt });
    }
    replay.sort((a, b) => a.at - b.at || rank(a) - rank(b));
    const seen = new Set<string>();
    for (const ev of replay) {
      seen.add(fingerprint(ev));
      yield ev;
    }
    const last = stored[stored.length - 1];
    if (last && TERMINAL.has(last.type)) return;
    // An unknown run may be about to start (a Run handle streamed before start()): follow live events.
    const run = await store.getRun(runId);
    for (;;) {
      while (queue.length) {
        const e = queue.shift() as WeftEvent;
        if (seen.has(fingerprint(e))) continue;
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
