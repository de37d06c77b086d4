/** Raw HTTP/1.1 over a socket, for requests fetch refuses to send (bad Host, broken framing). */
import { connect } from 'node:net';

/** Sends raw bytes, returns the status code of the first response (or the socket's error). */
export function rawRequest(port: number, raw: string | Buffer, opts: { abortAfterMs?: number } = {}) {
  return new Promise<{ status?: number; text: string; error?: string }>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = (error?: string) => {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ ...(status ? { status: Number(status) } : {}), text, ...(error ? { error } : {}) });
      socket.destroy();
    };
    socket.on('data', (d) => {
      text += d.toString('latin1');
    });
    socket.on('end', () => done());
    socket.on('error', (e) => done(e.message));
    socket.write(raw);
    if (opts.abortAfterMs !== undefined) setTimeout(() => done('aborted by the test'), opts.abortAfterMs);
  });
}
