/** Reading a run together with the history an execution replays (one store read where the store has `loadRun`). */
import type { RunRecord, Store } from '../store/store.js';
import { foldHistory, type History, loadHistory, STATE_EVENTS } from './drive.js';

/** The run `runId` and its history, read together; `rec` is undefined when there is no such run. */
export async function loadRunHistory(
  store: Store,
  runId: string,
): Promise<{ rec: RunRecord | undefined; history: History }> {
  if (store.loadRun) {
    const loaded = await store.loadRun(runId, STATE_EVENTS);
    if (!loaded) return { rec: undefined, history: foldHistory([], [], []) };
    return { rec: loaded.run, history: foldHistory(loaded.steps, loaded.suspensions, loaded.events) };
  }
  const [rec, history] = await Promise.all([store.getRun(runId), loadHistory(store, runId)]);
  return { rec, history };
}
