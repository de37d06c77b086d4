/**
 * End to end, in headless Chromium: the links Weft sends out lead to a page that decides.
 * A notification's link is `<publicUrl>/<id>` (not `…/approvals/approvals/<id>`), opens the
 * request's page, and the approver decides there; a signed decision link opens its confirmation
 * page and decides on confirm; a pre-0.2 link (`<publicUrl>/approvals/<id>`) still lands on the page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApprovalNotification, createApprovalHandler, toNodeHandler } from '@weft/approval';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../workflow/test/helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple } from './fixtures/workflows.js';
import { approvalOf, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

describe('links from notifications and signed links, followed in headless Chromium', () => {
  let target: DbTarget;
  let o: Opened;
  let server: Server;
  let browser: Browser;
  let publicUrl: string;
  const sent: ApprovalNotification[] = [];

  beforeAll(async () => {
    let handler: ((req: Request) => Promise<Response>) | undefined;
    server = createServer(toNodeHandler((req) => (handler as (r: Request) => Promise<Response>)(req)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/approvals`;
    target = dbTarget('libsql', 'links');
    o = await open(target, {
      publicUrl,
      linkSecret: 'links-e2e-secret-0123456789',
      notifiers: [{ name: 'capture', notify: async (e) => void sent.push(e) }],
    });
    handler = createApprovalHandler({
      service: o.service,
      basePath: '/approvals',
      authenticate: (req) =>
        /(?:^|;\s*)user=alice(?:;|$)/.test(req.headers.get('cookie') ?? '') ? { id: 'alice', name: 'Alice' } : null,
    });
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await o?.close();
    await target?.cleanup();
  });

  it("a notification's link → the request's page → approve → the run completes", async () => {
    const runId = await startSuspended(o, simple, { customer: 'link-notify', amount: 40 });
    const id = await approvalOf(o.service, runId);
    const url = sent.find((e) => e.type === 'request' && e.approval.id === id)?.approval.url;
    expect(url).toBe(`${publicUrl}/${id}`);
    expect(url).not.toContain('/approvals/approvals/');

    const context = await browser.newContext();
    await context.addCookies([{ name: 'user', value: 'alice', url: publicUrl }]);
    const page = await context.newPage();
    const res = await page.goto(url as string);
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId('payload').textContent()).toContain('link-notify');
    await page.fill('#comment', 'from the e-mail');
    await page.click('button[value="approve"]');
    await page.getByTestId('notice').waitFor();
    expect(page.url()).toBe(`${url}?done=approve`);
    expect(await page.getByTestId('status').first().textContent()).toBe('approved');
    await o.service.settled();
    expect(await o.store.getRun(runId)).toMatchObject({
      status: 'success',
      output: { sent: { customer: 'link-notify' } },
    });
    expect((await o.service.audit(id)).at(-1)).toMatchObject({
      action: 'approve',
      via: 'inbox',
      comment: 'from the e-mail',
    });

    // A link sent before 0.2 (<publicUrl>/approvals/<id>) still reaches the page.
    const legacy = await page.goto(`${publicUrl}/approvals/${id}`);
    expect(legacy?.status()).toBe(200);
    expect(page.url()).toBe(url);
    await context.close();
  });

  it('a signed decision link → confirmation page → confirm → decided once, without signing in', async () => {
    const runId = await startSuspended(o, simple, { customer: 'link-signed', amount: 41 });
    const id = await approvalOf(o.service, runId);
    const link = o.service.createDecisionLink({ id, actor: { id: 'bob' }, decision: 'reject' });
    expect(link.startsWith(`${publicUrl}/links/`)).toBe(true);

    const context = await browser.newContext(); // no cookie: the link is the credential
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.textContent('button[type="submit"]')).toContain('Confirm reject');
    expect((await o.service.get(id)).status).toBe('pending'); // a GET never decides
    await page.fill('#comment', 'not this one');
    await page.click('button[type="submit"]');
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('notice').textContent()).toContain('now rejected');
    await o.service.settled();
    expect((await o.store.getRun(runId))?.status).toBe('failed');
    expect((await o.service.audit(id)).at(-1)).toMatchObject({
      action: 'reject',
      via: 'link',
      actor: { id: 'bob' },
      comment: 'not this one',
    });
    // The same link again: refused, page says why.
    expect((await page.goto(link))?.status()).toBe(200); // GET shows the confirmation…
    await page.click('button[type="submit"]');
    await page.getByTestId('errors').waitFor(); // …POST is refused
    expect(await page.getByTestId('errors').textContent()).toContain('already used');
    await context.close();
  });
});
