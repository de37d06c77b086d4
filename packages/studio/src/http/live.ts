/**
 * Server-Sent Events for an active run: every stored event after `after` (or `Last-Event-ID` on a
 * reconnect) as `event: weft`, the run status when it changes as `event: status`, then `event: end`
 * once the run is no longer active. It follows the run with `followRun` from @weft/workflow — the
 * follower under `engine.stream()` and the SSE handler (Postgres LISTEN/NOTIFY; libsql polling with
 * backoff up to `pollMs`) — so it sees runs executed by any process: the app, a worker, another
 * machine on the same Postgres. A suspended run stays followed until it finishes.
 */
import { followRun } from '@weft/workflow';
import type { StudioStore } from '../data/source.js';

const ACTIVE = new Set(['queued', 'running', 'suspended']);

/** Options of {@link liveRunStream}. */
export interface LiveOptions {
  /** Longest pause between two reads of the run's events when other processes' commits are not signalled (libsql). */
  pollMs: number;
  /** Ends the stream (the client went away). */
  signal: AbortSignal;
  /** Heartbeat comment interval (keeps proxies from closing an idle stream). */
  heartbeatMs?: number;
}

/** The SSE body for one run. */
export function liveRunStream(
  store: StudioStore,
  runId: string,
  after: number,
  options: LiveOptions,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let closed = false;
  const stop = new AbortController();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(enc.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        stop.abort();
        try {
          controller.close();
        } catch {}
      };
      options.signal.addEventListener('abort', close, { once: true });
      send(`retry: 2000\n: weft studio live ${runId}\n\n`);
      const beat = setInterval(() => send(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
      beat.unref?.();
      const sendEvent = (e: { seq: number; type: string; path?: string; data?: unknown; at: number }) =>
        send(
          `id: ${e.seq}\nevent: weft\ndata: ${JSON.stringify({ seq: e.seq, type: e.type, path: e.path, data: e.data, at: e.at })}\n\n`,
        );
      let status: string | undefined;
      const sendStatus = async (): Promise<boolean> => {
        const run = await store.getRun(runId);
        if (run && run.status !== status) {
          status = run.status;
          send(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
        }
        return run !== undefined && ACTIVE.has(run.status);
      };
      try {
        if (await sendStatus()) {
          const events = followRun(store, runId, {
            afterSeq: after,
            signal: stop.signal,
            endOnSuspend: false,
            maxPollMs: options.pollMs,
          });
          for await (const e of events) {
            sendEvent(e);
            if (e.type.startsWith('run:')) await sendStatus();
          }
          await sendStatus();
        } else if (status !== undefined) {
          // Ended (or parked) already: what it stored after `after`, then the end.
          for (const e of await store.readEvents(runId, after > 0 ? after : undefined)) sendEvent(e);
        }
        send('event: end\ndata: {}\n\n');
      } catch (err) {
        send(`event: error\ndata: ${JSON.stringify({ message: (err as Error)?.message ?? String(err) })}\n\n`);
      }
      clearInterval(beat);
      close();
    },
    cancel() {
      closed = true;
      stop.abort();
    },
  });
}
