/**
 * A local OpenAI-compatible chat-completions server on 127.0.0.1 for integration tests. Each request
 * takes the next behaviour from `script`, or `mode` when the script is empty, so tests can inject 500s,
 * 429 with Retry-After, slow answers and dropped connections, for JSON and SSE responses alike.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | 'ok'
  | '500'
  | '400'
  | '401'
  | { status: 429; retryAfter: string }
  | { slowMs: number }
  | 'drop'
  /** Streaming only: 200 + SSE headers, then the socket is destroyed before any token. */
  | 'stream-drop-before-token'
  /** Streaming only: one token, then the socket is destroyed. */
  | 'stream-drop-after-token';

export interface FakeServer {
  readonly baseURL: string;
  mode: Behaviour;
  script: Behaviour[];
  /** Requests received (all behaviours). */
  requests: number;
  /** Reply text. */
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number };
  /** Request bodies received. */
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeServer(options: { text?: string; mode?: Behaviour } = {}): Promise<FakeServer> {
  const sockets = new Set<import('node:net').Socket>();
  const state: Omit<FakeServer, 'baseURL' | 'close'> = {
    mode: options.mode ?? 'ok',
    script: [],
    requests: 0,
    text: options.text ?? 'Hello from the fake server',
    usage: { prompt_tokens: 12, completion_tokens: 6 },
    bodies: [],
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    state.requests++;
    const body = JSON.parse(raw || '{}') as { stream?: boolean; model?: string };
    state.bodies.push(body);
    const b = state.script.length ? (state.script.shift() as Behaviour) : state.mode;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    if (b === 'drop') return req.socket.destroy();
    if (b === '500') return json(500, { error: { message: 'internal error (injected)', type: 'server_error' } });
    if (b === '400') return json(400, { error: { message: 'bad request (injected)', type: 'invalid_request_error' } });
    if (b === '401') return json(401, { error: { message: 'invalid api key (injected)', type: 'auth_error' } });
    if (typeof b === 'object' && 'status' in b) {
      return json(
        429,
        { error: { message: 'rate limited (injected)', type: 'rate_limit' } },
        { 'retry-after': b.retryAfter },
      );
    }
    if (typeof b === 'object' && 'slowMs' in b) await new Promise((r) => setTimeout(r, b.slowMs));
    if (res.destroyed) return;
    const id = `chatcmpl-${state.requests}`;
    const model = body.model ?? 'fake';
    const usage = { ...state.usage, total_tokens: state.usage.prompt_tokens + state.usage.completion_tokens };
    if (!body.stream) {
      return json(200, {
        id,
        object: 'chat.completion',
        created: 1,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: state.text }, finish_reason: 'stop' }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (v: unknown) => res.write(`data: ${JSON.stringify(v)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
      send({
        id,
        object: 'chat.completion.chunk',
        created: 1,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...extra,
      });
    if (b === 'stream-drop-before-token') {
      res.flushHeaders();
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    const words = state.text.split(/(?<= )/);
    chunk({ role: 'assistant', content: words[0] });
    if (b === 'stream-drop-after-token') {
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    for (const w of words.slice(1)) chunk({ content: w });
    chunk({}, 'stop');
    send({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
