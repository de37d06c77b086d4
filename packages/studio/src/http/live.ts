/**
 * Server-Sent Events for an active run: every stored event after `after` (or `Last-Event-ID` on a
 * reconnect) as `event: weft`, the run status when it changes as `event: status`, then `event: end`
 * once the run is no longer active. It polls the store (every `pollMs`), so it follows runs executed
 * by any process — the app, a worker, another machine on the same Postgres.
 */
import type { StudioStore } from '../data/source.js';

const ACTIVE = new Set(['queued', 'running', 'suspended']);

/** Options of {@link liveRunStream}. */
export interface LiveOptions {
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
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(enc.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        try {
          controller.close();
        } catch {}
      };
      options.signal.addEventListener('abort', close, { once: true });
      send(`retry: 2000\n: weft studio live ${runId}\n\n`);
      let seq = after;
      let status: string | undefined;
      let lastBeat = Date.now();
      try {
        while (!closed) {
          const run = await store.getRun(runId);
          const events = await store.readEvents(runId, seq > 0 ? seq : undefined);
          for (const e of events) {
            seq = Math.max(seq, e.seq);
            send(
              `id: ${e.seq}\nevent: weft\ndata: ${JSON.stringify({ seq: e.seq, type: e.type, path: e.path, data: e.data, at: e.at })}\n\n`,
            );
          }
          if (run && run.status !== status) {
            status = run.status;
            send(`event: status\ndata: ${JSON.stringify({ status })}\n\n`);
          }
          if (!run || !ACTIVE.has(run.status)) {
            send('event: end\ndata: {}\n\n');
            break;
          }
          if (Date.now() - lastBeat > (options.heartbeatMs ?? 15_000)) {
            send(': keep-alive\n\n');
            lastBeat = Date.now();
          }
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, options.pollMs);
            options.signal.addEventListener(
              'abort',
              () => {
                clearTimeout(t);
                resolve();
              },
              { once: true },
            );
          });
        }
      } catch (err) {
        send(`event: error\ndata: ${JSON.stringify({ message: (err as Error)?.message ?? String(err) })}\n\n`);
      }
      close();
    },
    cancel() {
      closed = true;
    },
  });
}
