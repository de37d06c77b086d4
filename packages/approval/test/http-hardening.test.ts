/**
 * The inbox handler as an outsider meets it, over a real node:http server on 127.0.0.1 (libsql):
 * altered link signatures, content-type tricks, extra path segments, malformed Host headers,
 * aborted and oversized uploads, and edits on gates that do not allow them. Raw sockets send
 * what fetch refuses to.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApprovalActor, createApprovalHandler, toNodeHandler } from '@weft/approval';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readOnly, simple } from './fixtures/workflows.js';
import { rawRequest } from './raw-http.js';
import { approvalOf, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

const USERS: Record<string, ApprovalActor> = { alice: { id: 'alice', name: 'Alice' } };
const LIMIT = 64 * 1024;

describe('HTTP hardening (node:http on 127.0.0.1, libsql)', () => {
  let target: DbTarget;
  let o: Opened;
  let server: Server;
  let port: number;
  let base: string;
  const errors = vi.spyOn(console, 'error');

  beforeAll(async () => {
    target = dbTarget('libsql', 'hardening');
    o = await open(target, { linkSecret: 'link-secret-0123456789', publicUrl: 'http://example.invalid/approvals' });
    const handler = createApprovalHandler({
      service: o.service,
      basePath: '/approvals',
      csrfSecret: 'csrf-secret',
      maxBodyBytes: LIMIT,
      authenticate: (req) => USERS[req.headers.get('x-user') ?? ''],
    });
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}/approvals`;
  });
  afterEach(() => {
    // Nothing an outsider sends may reach the error log.
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
    errors.mockClear();
  });
  afterAll(async () => {
    errors.mockRestore();
    await new Promise((r) => server?.close(r));
    await o?.close();
    await target?.cleanup();
  });

  const decide = (id: string, body: unknown, contentType = 'application/json', path = 'decision') =>
    fetch(`${base}/api/approvals/${id}/${path}`, {
      method: 'POST',
      headers: { 'x-user': 'alice', 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('a signed link whose signature was re-spelled (invalid chars, padding, unused bits) is refused over HTTP', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'sig', amount: 5 }));
    const link = o.service.createDecisionLink({ id, actor: { id: 'bob' }, decision: 'approve' });
    const token = link.split('/links/')[1] as string;
    const [body, sig] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1) as string);
    const unusedBits = alphabet[last ^ 1] as string; // same 6-bit group except an unused low bit
    for (const altered of [
      `${sig.slice(0, 10)}!!${sig.slice(10)}`,
      `${sig}=`,
      sig.slice(0, -1) + unusedBits,
      `${sig.slice(0, 5)}%20${sig.slice(5)}`,
    ]) {
      expect(Buffer.from(decodeURIComponent(altered), 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      const res = await fetch(`${base}/links/${body}.${encodeURIComponent(decodeURIComponent(altered))}`, {
        method: 'POST',
        body: new URLSearchParams({}),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('signature');
    }
    expect((await o.service.get(id)).status).toBe('pending');
    const ok = await fetch(`${base}/links/${token}`, { method: 'POST', body: new URLSearchParams({}) });
    expect(ok.status).toBe(200);
    expect((await o.service.get(id)).status).toBe('approved');
  });

  it('the JSON API parses the media type: text/plain; x=application/json is 415, charset utf-8 is fine', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'ct', amount: 6 }));
    for (const ct of [
      'text/plain; x=application/json',
      'text/plain;application/json',
      'application/jsonx',
      'application/json-seq',
      'multipart/form-data; boundary=application/json',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      '',
    ]) {
      const res = await decide(id, { decision: 'reject' }, ct);
      expect([ct, res.status]).toEqual([ct, 415]);
    }
    expect((await o.service.get(id)).status).toBe('pending');
    const ok = await decide(id, { decision: 'approve' }, 'Application/JSON ; Charset="UTF-8"');
    expect(ok.status).toBe(200);
    expect((await o.service.get(id)).status).toBe('approved');
  });

  it('unknown routes and extra path segments are 404, a known route with another method 405', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'route', amount: 7 }));
    for (const path of ['decision/extra', 'decision/', 'audit/x', 'decisions', '']) {
      const res = await decide(id, { decision: 'approve' }, 'application/json', path);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const post = await fetch(`${base}/api/approvals/${id}`, {
      method: 'POST',
      headers: { 'x-user': 'alice', 'content-type': 'application/json' },
      body: '{"decision":"approve"}',
    });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
    const get = (p: string) => fetch(`${base}${p}`, { headers: { 'x-user': 'alice' }, redirect: 'manual' });
    expect((await get(`/api/approvals/${id}/audit/extra`)).status).toBe(404);
    expect((await get(`/api/approvals//${id}`)).status).toBe(404);
    expect((await get(`/${id}/extra`)).status).toBe(404);
    expect((await get(`/links/a/b`)).status).toBe(404);
    expect((await get(`/api`)).status).toBe(404);
    expect((await get(`/api/approvals/${id}/decision`)).status).toBe(405);
    expect((await get(`/api/approvals/${id}/decision`)).headers.get('allow')).toBe('POST');
    expect((await o.service.get(id)).status).toBe('pending');
    expect((await o.service.audit(id)).map((a) => a.action)).toEqual(['requested']);
  });

  it('a malformed Host header is a 400 from the node adapter, never a 500', async () => {
    for (const host of ['a b', '127.0.0.1:99999', '127.0.0.1:abc', 'a/b', 'user@evil', '[::1', 'a:1:2']) {
      const res = await rawRequest(
        port,
        `GET /approvals/api/approvals HTTP/1.1\r\nHost: ${host}\r\nx-user: alice\r\nConnection: close\r\n\r\n`,
      );
      expect([host, res.status]).toEqual([host, 400]);
    }
    const absolute = await rawRequest(
      port,
      'GET http://evil.example/approvals/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(absolute.status).toBe(400);
    const fine = await rawRequest(
      port,
      `GET /approvals/api/approvals HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-user: alice\r\nConnection: close\r\n\r\n`,
    );
    expect(fine.status).toBe(200);
    const trace = await rawRequest(port, `TRACE /approvals/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(trace.status).toBe(405);
  });

  it('an aborted upload is not logged (no "handler error Error: aborted") and changes nothing', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'abort', amount: 8 }));
    const paths = [
      `/approvals/${id}`, // the form route
      `/approvals/approvals/${id}`, // its pre-0.2 address
      `/approvals/api/approvals/${id}/decision`,
      '/approvals/links/x.y',
    ];
    for (const path of paths) {
      await rawRequest(
        port,
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-user: alice\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 5000\r\n\r\ndecision=appr`,
        { abortAfterMs: 30 },
      );
    }
    await new Promise((r) => setTimeout(r, 300)); // let the server see the resets
    expect((await o.service.get(id)).status).toBe('pending');
  });

  it('bodies past maxBodyBytes answer 413 (declared or streamed), and only about the limit is read', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'big', amount: 9 }));
    const huge = JSON.stringify({
      decision: 'approve',
      editedPayload: { customer: 'big', amount: 9, note: 'x'.repeat(5_000_000) },
    });
    const declared = await decide(id, huge);
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toMatchObject({ code: 'APPROVAL_PAYLOAD_TOO_LARGE', limit: LIMIT });
    // Chunked (no Content-Length): the handler counts bytes as they arrive.
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const streamed = await fetch(`${base}/api/approvals/${id}/decision`, {
      method: 'POST',
      headers: { 'x-user': 'alice', 'content-type': 'application/json' },
      body: new ReadableStream({
        pull(c) {
          if (sent >= 5_000_000) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // The form route and signed links have the same limit.
    const form = await fetch(`${base}/${id}`, {
      method: 'POST',
      headers: { 'x-user': 'alice' },
      body: new URLSearchParams({ decision: 'approve', payload: 'x'.repeat(LIMIT * 2) }),
    });
    expect(form.status).toBe(413);
    expect((await o.service.get(id)).status).toBe('pending');

    // Straight on the fetch handler: it stops pulling right after the limit instead of buffering 5 MB.
    const handler = createApprovalHandler({ service: o.service, maxBodyBytes: LIMIT, authenticate: () => USERS.alice });
    let pulled = 0;
    const res = await handler(
      new Request(`http://app.local/api/approvals/${id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(c) {
            if (pulled >= 5_000_000) return c.close();
            pulled += chunk.byteLength;
            c.enqueue(chunk);
          },
        }),
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(LIMIT + 3 * chunk.byteLength);
    expect(() => createApprovalHandler({ service: o.service, maxBodyBytes: 0, authenticate: () => null })).toThrow(
      /maxBodyBytes/,
    );
  });

  it('an edit on a gate without allowEdit is ApprovalInvalidRequestError (400), not 403', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, readOnly, { customer: 'ro', amount: 10 }));
    const res = await decide(id, { decision: 'approve', editedPayload: { customer: 'ro', amount: 1 } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toMatchObject({ name: 'ApprovalInvalidRequestError', code: 'APPROVAL_INVALID_REQUEST' });
    expect(error.message).toContain('allowEdit');
    const rejectWithEdit = await decide(
      await approvalOf(o.service, await startSuspended(o, simple, { customer: 'rw', amount: 10 })),
      { decision: 'reject', editedPayload: { customer: 'rw', amount: 1 } },
    );
    expect(rejectWithEdit.status).toBe(400);
    // The unchanged payload is not an edit.
    const same = await decide(id, { decision: 'approve', editedPayload: { customer: 'ro', amount: 10 } });
    expect(same.status).toBe(200);
    const audit = await o.service.audit(id);
    expect(audit.map((a) => a.action)).toEqual(['requested', 'approve']);
  });

  it('bad JSON shapes are 400 with a code, deep nesting included', async () => {
    const id = await approvalOf(o.service, await startSuspended(o, simple, { customer: 'shape', amount: 11 }));
    const deep = `{"decision":"approve","editedPayload":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const body of [
      'null',
      '[]',
      '"approve"',
      '{"decision":1}',
      '{"decision":"approved!"}',
      '{',
      '\u00ff',
      deep,
      '{"decision":"approve","comment":{}}',
    ]) {
      const res = await decide(id, body);
      expect([body.slice(0, 30), res.status]).toEqual([body.slice(0, 30), 400]);
      expect((await res.json()).error.code).toMatch(/^APPROVAL_/);
    }
    expect((await o.service.get(id)).status).toBe('pending');
  });
});
