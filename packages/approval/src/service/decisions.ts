/**
 * Continues runs whose gate another process closed (the CLI, an HTTP server without the workflow,
 * a process that died before resuming): a cheap poll of decided-but-unresumed requests, every
 * `decisionPollMs` (default 100 ms), on an index that only holds such rows. A run is resumed here
 * only while it is still `suspended` (the closer, when it can, resumes first; the engine's
 * compare-and-set `suspended → running` lets exactly one process win either way).
 */
import type { RequestRecord } from '../storage/approval-storage.js';
import type { ServiceContext } from './context.js';

/** Starts the watcher; returns a function that stops it and resolves when its round is over. */
export function watchDecisions(ctx: ServiceContext, pollMs: number): () => Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let round: Promise<void> = Promise.resolve();
  const busy = new Set<string>();
  // A row still unresumed after an attempt (the resume failed, e.g. invalid data or a parked run)
  // is tried again with backoff (1 s, 2 s, … 60 s), never every poll.
  const retry = new Map<string, { attempts: number; at: number }>();

  const continueOne = (row: RequestRecord) => {
    const prev = retry.get(row.id);
    if (prev && prev.at > Date.now()) return;
    const attempts = (prev?.attempts ?? 0) + 1;
    retry.set(row.id, { attempts, at: Date.now() + Math.min(60_000, 1000 * 2 ** (attempts - 1)) });
    if (retry.size > 10_000) retry.clear();
    busy.add(row.id);
    void ctx
      .continueRun(row, { quietRace: true })
      .catch((err: unknown) => ctx.report(err, { phase: 'resume', approvalId: row.id }))
      .finally(() => busy.delete(row.id));
  };

  const tick = async () => {
    await ctx.init();
    const rows = await ctx.storage.listUnresumed(50);
    for (const row of rows) {
      if (busy.has(row.id) || ctx.resuming(row.id)) continue;
      const run = await ctx.options.store.getRun?.(row.runId);
      // Someone is on it (running) or it is parked by a deploy (the service waits for its migration).
      if (run && run.status !== 'suspended') {
        if (run.status !== 'running' && run.status !== 'parked') continueOne(row); // finished/canceled: let resume mark it
        continue;
      }
      continueOne(row);
    }
  };

  const loop = () => {
    if (stopped) return;
    round = tick()
      .catch((err: unknown) => ctx.report(err, { phase: 'sync' }))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(loop, pollMs);
          timer.unref?.();
        }
      });
  };
  loop();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await round;
  };
}
