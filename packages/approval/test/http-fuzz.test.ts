/**
 * Fuzz: 1,200 malformed requests (fast-check, seeded) over raw sockets to a real node:http server
 * on 127.0.0.1 with a libsql store: broken headers and Host, bad paths and encodings, wrong
 * methods, bad or missing identity, bodies that are huge, empty, not JSON, not UTF-8, the wrong
 * shape or schema, forged CSRF and link tokens. Every answer must be a 4xx; the server must stay
 * up; nothing may be decided, voted, audited or consumed (checked in the store afterwards), and
 * nothing may be logged as an error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApprovalActor, createApprovalHandler, toNodeHandler } from '@weft/approval';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readOnly, simple } from './fixtures/workflows.js';
import { approvalOf, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';
import { rawRequest } from './raw-http.js';

const USERS: Record<string, ApprovalActor> = { alice: { id: 'alice' }, mallory: { id: 'mallory' } };
const LIMIT = 32 * 1024;
const RUNS = 1200;

interface Raw {
  method: string;
  path: string;
  headers: [string, string][];
  body?: Buffer;
  /** When set, no Content-Length is added (the case brings its own framing). */
  framing?: boolean;
}

function serialize(r: Raw): Buffer {
  const head = [`${r.method} ${r.path} HTTP/1.1`, ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  if (r.body && !r.framing) head.push(`content-length: ${r.body.byteLength}`);
  head.push('connection: close');
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), r.body ?? Buffer.alloc(0)]);
}

describe('HTTP fuzz: malformed requests get a 4xx and change nothing', () => {
  let target: DbTarget;
  let o: Opened;
  let server: Server;
  let port: number;
  let ids: string[];
  let runIds: string[];
  let token: string;
  let csrf: string;
  const errors = vi.spyOn(console, 'error');

  beforeAll(async () => {
    target = dbTarget('libsql', 'fuzz');
    o = await open(target, { linkSecret: 'link-secret-0123456789', publicUrl: 'http://127.0.0.1/approvals' });
    runIds = [
      await startSuspended(o, simple, { customer: 'fuzz-a', amount: 10 }),
      await startSuspended(o, readOnly, { customer: 'fuzz-b', amount: 20 }),
    ];
    ids = await Promise.all(runIds.map((r) => approvalOf(o.service, r)));
    token = o.service.createDecisionToken({ id: ids[0] as string, actor: { id: 'alice' }, decision: 'approve' });
    const handler = createApprovalHandler({
      service: o.service,
      basePath: '/approvals',
      csrfSecret: 'fuzz-csrf-secret',
      maxBodyBytes: LIMIT,
      authenticate: (req) => USERS[req.headers.get('x-user') ?? ''],
    });
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    const page = await (
      await fetch(`http://127.0.0.1:${port}/approvals/${ids[0]}`, { headers: { 'x-user': 'alice' } })
    ).text();
    csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(csrf).not.toBe('');
  });
  afterAll(async () => {
    errors.mockRestore();
    await new Promise((r) => server?.close(r));
    await o?.close();
    await target?.cleanup();
  });

  it(`${RUNS} malformed requests: only 4xx, no crash, no state change`, async () => {
    const id = fc.constantFrom(...ids);
    const host = fc.constant(['host', '127.0.0.1'] as [string, string]);
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const jsonType: [string, string] = ['content-type', 'application/json'];
    const alice: [string, string] = ['x-user', 'alice'];
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const segment = fc.oneof(
      fc.constantFrom('api', 'approvals', 'links', 'decision', 'audit', 'x', '%E0%A4%A', '%zz', '%00', '..%2f', '~'),
      fc.stringMatching(/^[A-Za-z0-9_~-]{1,20}$/),
    );
    /** A real decision endpoint with a defect in the body, the headers or the actor. */
    const badDecision = fc.oneof(
      // 1. wrong or tricky content types (a well-formed decision otherwise)
      fc
        .record({
          id,
          ct: fc.constantFrom(
            'text/plain; x=application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'application/jsonp',
            'json',
            '',
            'application/json, text/plain',
          ),
          decision: fc.constantFrom('approve', 'reject', 'request_changes'),
        })
        .map(
          ({ id, ct, decision }): Raw => ({
            method: 'POST',
            path: `/approvals/api/approvals/${id}/decision`,
            headers: [['host', '127.0.0.1'], alice, ['content-type', ct]],
            body: json({ decision }),
          }),
        ),
      // 2. bodies: not JSON, not UTF-8, empty, the wrong shape, an unknown decision, too deep, too big
      fc
        .record({
          id,
          body: fc.oneof(
            text.map((t) => Buffer.from(`{${t}`)),
            fc.constantFrom(
              Buffer.alloc(0),
              Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
              Buffer.from('{"decision":"appr\xc3\x28ve"}', 'latin1'),
              json(null),
              json([]),
              json('approve'),
              json({}),
              json({ decision: 'approved' }),
              json({ decision: 'APPROVE' }),
              json({ decision: ['approve'] }),
              json({ decision: 'approve', comment: { x: 1 } }),
              Buffer.from(`{"decision":"approve","editedPayload":${'['.repeat(5000)}${']'.repeat(5000)}}`),
              Buffer.from(`{"decision":"approve","pad":"${'x'.repeat(LIMIT)}"}`),
            ),
            fc
              .jsonValue()
              .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
              .map(json),
            fc
              .string()
              .filter((s) => !['approve', 'reject', 'request_changes'].includes(s))
              .map((d) => json({ decision: d })),
          ),
        })
        .map(
          ({ id, body }): Raw => ({
            method: 'POST',
            path: `/approvals/api/approvals/${id}/decision`,
            headers: [['host', '127.0.0.1'], alice, jsonType],
            body,
          }),
        ),
      // 3. an edit the schema or the gate refuses (invalid fields; an edit on the read-only gate; an edit with reject)
      fc
        .record({
          payload: fc.constantFrom<unknown>(
            { customer: '', amount: 5 },
            { customer: 'x', amount: -1 },
            { customer: 'x', amount: 'ten' },
            { amount: 5 },
            'not an object',
            null,
            [],
          ),
          decision: fc.constantFrom('approve', 'reject', 'request_changes'),
        })
        .map(
          ({ payload, decision }): Raw => ({
            method: 'POST',
            path: `/approvals/api/approvals/${ids[0]}/decision`,
            headers: [['host', '127.0.0.1'], alice, jsonType],
            body: json({ decision, editedPayload: payload }),
          }),
        ),
      fc.constantFrom<Raw>({
        method: 'POST',
        path: `/approvals/api/approvals/${ids[1]}/decision`,
        headers: [['host', '127.0.0.1'], alice, jsonType],
        body: json({ decision: 'approve', editedPayload: { customer: 'fuzz-b', amount: 1 } }),
      }),
      // 4. the wrong actor, no actor, a cross-site browser request
      fc
        .record({
          id,
          who: fc.constantFrom<[string, string][]>(
            [['x-user', 'mallory']],
            [],
            [['x-user', '']],
            [['x-user', 'Alice']],
          ),
          decision: fc.constantFrom('approve', 'reject', 'request_changes'),
        })
        .map(
          ({ id, who, decision }): Raw => ({
            method: 'POST',
            path: `/approvals/api/approvals/${id}/decision`,
            headers: [['host', '127.0.0.1'], ...who, jsonType],
            body: json({ decision }),
          }),
        ),
      fc.record({ id, site: fc.constantFrom('cross-site', 'same-site') }).map(
        ({ id, site }): Raw => ({
          method: 'POST',
          path: `/approvals/api/approvals/${id}/decision`,
          headers: [['host', '127.0.0.1'], alice, jsonType, ['sec-fetch-site', site]],
          body: json({ decision: 'approve' }),
        }),
      ),
      // 5. a chunked body past the limit
      fc.constant<Raw>({
        method: 'POST',
        path: `/approvals/api/approvals/${ids[0]}/decision`,
        headers: [['host', '127.0.0.1'], alice, jsonType, ['transfer-encoding', 'chunked']],
        body: Buffer.from(`${(LIMIT * 2).toString(16)}\r\n${'x'.repeat(LIMIT * 2)}\r\n0\r\n\r\n`),
        framing: true,
      }),
    );
    /** Inbox form posts without a valid CSRF token, or with one and an invalid form. */
    const badForm = fc.oneof(
      fc.record({ id, csrfValue: fc.oneof(fc.constant(''), text, fc.constant(`1.${'A'.repeat(43)}`)) }).map(
        ({ id, csrfValue }): Raw => ({
          method: 'POST',
          path: `/approvals/${id}`,
          headers: [['host', '127.0.0.1'], alice, ['content-type', 'application/x-www-form-urlencoded']],
          body: Buffer.from(new URLSearchParams({ decision: 'approve', csrf: csrfValue }).toString()),
        }),
      ),
      fc
        .record({
          fields: fc.constantFrom<Record<string, string>>(
            { decision: 'maybe' },
            { decision: '' },
            { decision: 'approve', payload: '{ "customer": ' },
            { decision: 'approve', payload: '{"customer":"fuzz-a","amount":-5}' },
            { decision: 'approve', payload: `${'['.repeat(200)}${']'.repeat(200)}` },
            { decision: 'approve', payload: 'x'.repeat(LIMIT + 10) },
          ),
        })
        .map(
          ({ fields }): Raw => ({
            method: 'POST',
            path: `/approvals/${ids[0]}`,
            headers: [['host', '127.0.0.1'], alice, ['content-type', 'application/x-www-form-urlencoded']],
            body: Buffer.from(new URLSearchParams({ ...fields, csrf }).toString()),
          }),
        ),
      fc.record({ id, user: fc.constantFrom('mallory', 'nobody') }).map(
        ({ id, user }): Raw => ({
          method: 'POST',
          path: `/approvals/${id}`,
          headers: [
            ['host', '127.0.0.1'],
            ['x-user', user],
            ['content-type', 'application/x-www-form-urlencoded'],
          ],
          body: Buffer.from(new URLSearchParams({ decision: 'approve', csrf }).toString()),
        }),
      ),
    );
    /** Signed links that are forged, altered, re-spelled or truncated. */
    const badLink = fc
      .record({
        method: fc.constantFrom('GET', 'POST'),
        tok: fc.oneof(
          text.map((t) => encodeURIComponent(t)),
          fc.nat(token.length - 1).map((i) => token.slice(0, i)),
          fc
            .tuple(fc.nat(token.length - 1), fc.constantFrom(...'!=+/ .~%Aa0_-'))
            .map(([i, ch]) => encodeURIComponent(token.slice(0, i) + ch + token.slice(i)))
            .filter((t) => t !== token),
          fc.constantFrom(`${token}=`, `${token}.x`, `.${token}`, token.replace('.', '..')),
        ),
      })
      .map(
        ({ method, tok }): Raw => ({
          method,
          path: `/approvals/links/${tok}`,
          headers: [['host', '127.0.0.1']],
          ...(method === 'POST' ? { body: Buffer.from('comment=x') } : {}),
        }),
      );
    /** Unknown routes, extra segments, bad encodings, wrong methods (as alice: only the defect counts). */
    const badRoute = fc.oneof(
      fc
        .record({
          segs: fc.array(segment, { minLength: 1, maxLength: 6 }),
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        })
        .filter(({ segs, method }) => {
          // Exclude the few combinations that are valid requests (those answer 2xx/3xx by design).
          const p = segs.join('/');
          if (segs.some((s) => s.includes('..'))) return false;
          if (segs[0] === 'approvals' && segs.length === 2) return false; // pre-0.2 redirect
          if (
            method === 'GET' &&
            (p === 'api/approvals' || (segs.length === 1 && !['api', 'links', 'approvals'].includes(segs[0] as string)))
          )
            return false;
          return true;
        })
        .map(
          ({ segs, method }): Raw => ({
            method,
            path: `/approvals/${segs.join('/')}`,
            headers: [['host', '127.0.0.1'], alice],
          }),
        ),
      fc
        .record({
          id,
          suffix: fc.constantFrom('/decision/extra', '/audit/x', '/', '//', '/decision/', '/Decision', '/audit%2f'),
        })
        .map(
          ({ id, suffix }): Raw => ({
            method: suffix.startsWith('/decision') ? 'POST' : 'GET',
            path: `/approvals/api/approvals/${id}${suffix}`,
            headers: [['host', '127.0.0.1'], alice, jsonType],
            body: json({ decision: 'approve' }),
          }),
        ),
      fc.record({ id, method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET', 'HEAD') }).map(
        ({ id, method }): Raw => ({
          method,
          path: `/approvals/api/approvals/${id}/decision`,
          headers: [['host', '127.0.0.1'], alice, jsonType],
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: json({ decision: 'approve' }) }),
        }),
      ),
      fc.constantFrom('minAgeMs=abc', 'maxAgeMs=-1', 'minAgeMs=', 'maxAgeMs=1e999', 'minAgeMs=NaN').map(
        (q): Raw => ({
          method: 'GET',
          path: `/approvals/api/approvals?${q}`,
          headers: [['host', '127.0.0.1'], alice],
        }),
      ),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/).map(
        (junk): Raw => ({
          method: 'GET',
          path: `/approvals/api/approvals/apr_${junk}`,
          headers: [['host', '127.0.0.1'], alice],
        }),
      ),
    );
    /** Broken HTTP: Host, header syntax, framing, methods, sizes (node's parser or the adapter answers). */
    const badHttp = fc.oneof(
      fc
        .constantFrom('a b', '127.0.0.1:99999', '127.0.0.1:abc', 'a/b', 'u@h', '[::1', '', ' ', 'a\tb', 'h:-1')
        .map((h): Raw => ({ method: 'GET', path: '/approvals/api/approvals', headers: [['host', h], alice] })),
      fc
        .constantFrom<[string, string][]>(
          [['content-length', 'abc']],
          [['content-length', '-1']],
          [['content-length', '1, 2']],
          [
            ['content-length', '3'],
            ['content-length', '4'],
          ],
          [
            ['transfer-encoding', 'chunked'],
            ['content-length', '3'],
          ],
          [['transfer-encoding', 'gzip, chunked, x']],
          [['bad header', 'x']],
          [['x-bad', 'a\u0000b']],
          [['x-long', 'y'.repeat(20_000)]],
        )
        .map(
          (extra): Raw => ({
            method: 'POST',
            path: `/approvals/api/approvals/${ids[0]}/decision`,
            headers: [['host', '127.0.0.1'], alice, jsonType, ...extra],
            body: json({ decision: 'approve' }),
            framing: true,
          }),
        ),
      // (CONNECT is left out: node:http hands it to a 'connect' listener or closes the socket, before any handler.)
      fc.constantFrom('FOO', 'get', 'TRACE', 'TRACK', 'G ET', 'PRI').map(
        (m): Raw => ({
          method: m,
          path: '/approvals/api/approvals',
          headers: [['host', '127.0.0.1'], alice],
        }),
      ),
      fc
        .constantFrom(
          '*',
          'http://evil.example/approvals/api/approvals',
          'approvals/api/approvals',
          '/approvals/api/approvals\u0001',
        )
        .map((p): Raw => ({ method: 'GET', path: p, headers: [['host', '127.0.0.1'], alice] })),
    );
    void host;

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(badDecision, badForm, badLink, badRoute, badHttp), async (r) => {
        const res = await rawRequest(port, serialize(r));
        const status = res.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status < 400 || status > 499)
          throw new Error(`${r.method} ${r.path.slice(0, 120)} → ${status || res.error} ${res.text.slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed: 1313, endOnFailure: true },
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(RUNS);
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    console.log('fuzz status counts', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));

    // The server is still up and nothing changed.
    const list = await fetch(`http://127.0.0.1:${port}/approvals/api/approvals?all=1`, {
      headers: { 'x-user': 'alice' },
    });
    expect(list.status).toBe(200);
    for (const r of await o.service.list()) {
      expect(r).toMatchObject({ status: 'pending', votes: [], edited: false });
      expect((await o.service.audit(r.id)).map((a) => a.action)).toEqual(['requested']);
    }
    for (const runId of runIds) expect((await o.store.getRun(runId))?.status).toBe('suspended');
    // The real link was never consumed: it still works once.
    expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
    await o.service.decideWithToken(token);
    expect((await o.service.get(ids[0] as string)).status).toBe('approved');
  }, 120_000);
});
