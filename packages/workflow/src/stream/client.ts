/**
 * `subscribeRun(url)`: a tiny typed client for {@link createSseHandler}'s stream, on `fetch` only
 * (Node, browsers, Deno, Bun). It parses the SSE frames into {@link WeftEvent}s, reconnects with
 * `Last-Event-ID` when the connection drops before the run ended, and stops at the run's end.
 */
import type { WeftEvent } from '../engine/types.js';

/** Options of {@link subscribeRun}. */
export interface SubscribeOptions {
  /** Extra request headers (auth). */
  headers?: Record<string, string>;
  /** Stops the subscription. */
  signal?: AbortSignal;
  /** Reconnect attempts after a dropped connection (default 5); 0 disables reconnects. */
  reconnects?: number;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
}

const TERMINAL = new Set(['run:success', 'run:failed', 'run:canceled', 'run:suspended']);

/** Parses one SSE frame (lines without the blank separator) into its fields. */
function parseFrame(frame: string): { id?: string; event?: string; data: string } | undefined {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { id, event, data: data.join('\n') } : undefined;
}

/**
 * Yields a run's events from an SSE endpoint until the run finishes or suspends.
 *
 * @example
 * ```ts
 * for await (const e of subscribeRun(`/runs/${runId}/events`)) {
 *   if (e.type === 'step:chunk') process.stdout.write(String((e.data as { chunk: string }).chunk));
 * }
 * ```
 */
export async function* subscribeRun(url: string | URL, options: SubscribeOptions = {}): AsyncGenerator<WeftEvent> {
  const doFetch = options.fetch ?? fetch;
  let lastId: string | undefined;
  let left = options.reconnects ?? 5;
  for (;;) {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (lastId !== undefined) headers['last-event-id'] = lastId;
    let ended = false;
    let got = false;
    try {
      const res = await doFetch(url, { headers, signal: options.signal });
      if (!res.ok || !res.body) {
        const text = await res.text().catch(() => '');
        throw new Error(`Expected a run event stream from ${String(url)}, got HTTP ${res.status}: ${text.trim()}`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value.replace(/\r\n?/g, '\n');
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = parseFrame(buf.slice(0, i));
            buf = buf.slice(i + 2);
            if (!frame) continue;
            if (frame.id !== undefined) lastId = frame.id;
            const e = JSON.parse(frame.data) as WeftEvent;
            got = true;
            yield e;
            if (TERMINAL.has(e.type)) {
              ended = true;
              return;
            }
          }
        }
      } finally {
        await reader.cancel().catch(() => {});
      }
      // Closed without a run end: reconnect for the rest, unless this connection brought nothing
      // new (the run has nothing more to send).
      if (!got || left-- <= 0) return;
    } catch (e) {
      if (ended || options.signal?.aborted || left-- <= 0 || (e as Error).message?.startsWith('Expected a run'))
        throw e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
