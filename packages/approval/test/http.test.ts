import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApprovalActor, createApprovalHandler, toNodeHandler } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple } from './fixtures/workflows.js';
import { approvalOf, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

const USERS: Record<string, ApprovalActor> = { alice: { id: 'alice', name: 'Alice' }, mallory: { id: 'mallory' } };

describe('HTTP handler (node:http on 127.0.0.1, libsql)', () => {
  let target: DbTarget;
  let o: Opened;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    target = dbTarget('libsql', 'http');
    o = await open(target, { linkSecret: 'link-secret-0123456789', publicUrl: 'http://example.invalid/approvals' });
    const handler = createApprovalHandler({
      service: o.service,
      basePath: '/approvals',
      csrfSecret: 'csrf-secret',
      // Test auth: a header names the user. Real apps read a session here.
      authenticate: (req) => USERS[req.headers.get('x-user') ?? ''],
    });
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/approvals`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await o?.close();
    await target?.cleanup();
  });

  const get = (path: string, user?: string) =>
    fetch(`${base}${path}`, { headers: user ? { 'x-user': user } : {}, redirect: 'manual' });
  const postJson = (path: string, user: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-user': user, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const postForm = (path: string, user: string, fields: Record<string, string>) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-user': user },
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
  const csrfOf = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

  it('requires the authenticate hook to name a user', async () => {
    const api = await get('/api/approvals');
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('APPROVAL_UNAUTHENTICATED');
    expect((await get('/')).status).toBe(401);
    expect((await get('/api/approvals/%E0%A4%A', 'alice')).status).toBe(400);
    expect((await get('/api/nothing', 'alice')).status).toBe(404);
  });

  it('JSON API: list, get, audit, decide; errors carry codes and field paths', async () => {
    const runId = await startSuspended(o, simple, { customer: 'api', amount: 10 });
    const id = await approvalOf(o.service, runId);
    const list = await (await get('/api/approvals', 'alice')).json();
    expect(list.approvals.map((a: { id: string }) => a.id)).toContain(id);
    expect((await (await get('/api/approvals', 'mallory')).json()).approvals).toEqual([]);
    const one = await (await get(`/api/approvals/${id}`, 'alice')).json();
    expect(one).toMatchObject({
      canDecide: true,
      approval: { id, payload: { customer: 'api', amount: 10 }, run: { id: runId } },
    });

    const forbidden = await postJson(`/api/approvals/${id}/decision`, 'mallory', { decision: 'approve' });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe('APPROVAL_FORBIDDEN');
    const notJson = await fetch(`${base}/api/approvals/${id}/decision`, {
      method: 'POST',
      headers: { 'x-user': 'alice', 'content-type': 'text/plain' },
      body: '{"decision":"approve"}',
    });
    expect(notJson.status).toBe(415);
    const crossSite = await postJson(
      `/api/approvals/${id}/decision`,
      'alice',
      { decision: 'approve' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(415);
    const invalid = await postJson(`/api/approvals/${id}/decision`, 'alice', {
      decision: 'approve',
      editedPayload: { customer: 'api', amount: 'ten' },
    });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.issues).toMatchObject([{ path: ['amount'] }]);

    const ok = await postJson(`/api/approvals/${id}/decision`, 'alice', {
      decision: 'approve',
      comment: 'via api',
      editedPayload: { customer: 'api', amount: 9 },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ changed: true, outcome: 'approved' });
    expect(await o.store.getRun(runId)).toMatchObject({
      status: 'success',
      output: { sent: { customer: 'api', amount: 9 } },
    });
    const again = await postJson(`/api/approvals/${id}/decision`, 'alice', { decision: 'reject' });
    expect(again.status).toBe(409);
    const audit = await (await get(`/api/approvals/${id}/audit`, 'alice')).json();
    expect(audit.audit.at(-1)).toMatchObject({
      action: 'approve',
      via: 'http',
      actor: { id: 'alice' },
      details: { origin: { interface: 'http' } },
    });
  });

  it('inbox forms: CSRF-protected, bound to the user; invalid JSON and schema errors re-render with the errors', async () => {
    const runId = await startSuspended(o, simple, { customer: 'form', amount: 20 });
    const id = await approvalOf(o.service, runId);
    const inbox = await (await get('/', 'alice')).text();
    expect(inbox).toContain(`href="/approvals/${id}"`);
    expect(inbox).not.toContain('/approvals/approvals/');
    const page = await get(`/${id}`, 'alice');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    const csrf = csrfOf(html);
    expect(csrf).not.toBe('');

    expect((await postForm(`/${id}`, 'alice', { decision: 'approve' })).status).toBe(403);
    const malloryPage = await (await get(`/${id}`, 'mallory')).text();
    expect(malloryPage).toContain('You cannot decide this request');
    expect((await postForm(`/${id}`, 'mallory', { decision: 'approve', csrf })).status).toBe(403); // alice's token
    const badJson = await postForm(`/${id}`, 'alice', {
      decision: 'approve',
      csrf,
      payload: '{ "customer": ',
    });
    expect(badJson.status).toBe(422);
    expect(await badJson.text()).toContain('The payload is not valid JSON');
    const badField = await postForm(`/${id}`, 'alice', {
      decision: 'approve',
      csrf,
      payload: '{"customer":"form","amount":-5}',
    });
    expect(badField.status).toBe(422);
    const badHtml = await badField.text();
    expect(badHtml).toContain('data-field="amount"');
    expect(badHtml).toContain('&#34;amount&#34;:-5'); // the user's text is kept, escaped
    expect((await o.store.getRun(runId))?.status).toBe('suspended');

    const ok = await postForm(`/${id}`, 'alice', {
      decision: 'approve',
      csrf,
      payload: '{"customer":"form","amount":15}',
      comment: '<b>ok</b>',
    });
    expect(ok.status).toBe(303);
    const location = ok.headers.get('location') as string;
    expect(location).toBe(`/approvals/${id}?done=approve`);
    const after = await (await fetch(new URL(location, base), { headers: { 'x-user': 'alice' } })).text();
    expect(after).toContain('Your decision (approve) was recorded');
    expect(after).toContain('data-testid="status">approved');
    expect(after).toContain('&#60;b&#62;ok&#60;/b&#62;');
    expect(await o.store.getRun(runId)).toMatchObject({
      status: 'success',
      output: { sent: { customer: 'form', amount: 15 } },
    });
  });

  it('signed links: GET only shows a confirmation; POST decides once', async () => {
    const runId = await startSuspended(o, simple, { customer: 'link', amount: 30 });
    const id = await approvalOf(o.service, runId);
    const link = o.service.createDecisionLink({ id, actor: { id: 'bob' }, decision: 'approve' });
    expect(link.startsWith('http://example.invalid/approvals/links/')).toBe(true);
    const path = `/links/${link.split('/links/')[1]}`;
    const confirm = await get(path);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Confirm approve');
    expect((await o.service.get(id)).status).toBe('pending');
    const done = await fetch(`${base}${path}`, {
      method: 'POST',
      body: new URLSearchParams({ comment: 'from email' }),
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('now approved');
    const replay = await fetch(`${base}${path}`, { method: 'POST', body: new URLSearchParams({}) });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    expect((await get('/links/not.a-token')).status).toBe(400);
    expect((await o.store.getRun(runId))?.status).toBe('success');
  });

  it('mounts anywhere: a bare Request (Bun.serve / Hono style) and an Express-style sub-mount', async () => {
    const handler = createApprovalHandler({
      service: o.service,
      basePath: '/approvals',
      authenticate: () => USERS.alice,
    });
    const direct = await handler(new Request('http://app.local/approvals/api/approvals'));
    expect(direct.status).toBe(200);
    expect(Array.isArray((await direct.json()).approvals)).toBe(true);
    // Express strips the mount path from req.url and keeps the full one in req.originalUrl.
    const node = toNodeHandler(handler);
    const sub = createServer((req, res) => {
      const original = req.url ?? '/';
      Object.assign(req, { originalUrl: original, url: original.replace(/^\/approvals/, '') || '/' });
      node(req, res);
    });
    await new Promise<void>((r) => sub.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(sub.address() as AddressInfo).port}/approvals/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Pending approvals');
    } finally {
      await new Promise((r) => sub.close(r));
    }
  });

  it('canView hides requests (404) from actors who may not see them', async () => {
    const runId = await startSuspended(o, simple, { customer: 'secret', amount: 8 });
    const id = await approvalOf(o.service, runId);
    const handler = createApprovalHandler({
      service: o.service,
      authenticate: (req) => USERS[req.headers.get('x-user') ?? ''],
      canView: (actor, request) =>
        actor.id === 'alice' || (request.payload as { customer: string }).customer !== 'secret',
    });
    const call = (path: string, user: string) =>
      handler(new Request(`http://app.local${path}`, { headers: { 'x-user': user } }));
    expect((await call(`/api/approvals/${id}`, 'alice')).status).toBe(200);
    expect((await call(`/api/approvals/${id}`, 'mallory')).status).toBe(404);
    expect((await call(`/api/approvals/${id}/audit`, 'mallory')).status).toBe(404);
    expect((await call(`/${id}`, 'mallory')).status).toBe(404);
    const all = await (await call('/api/approvals?all=1', 'mallory')).json();
    expect(all.approvals.map((a: { id: string }) => a.id)).not.toContain(id);
  });
});
