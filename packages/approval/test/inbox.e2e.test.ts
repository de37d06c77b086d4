/**
 * End to end: a real workflow run suspended at an approval gate (libsql file store), the inbox on
 * 127.0.0.1, driven by headless Chromium. The approver edits the payload to something invalid
 * (sees the field error), then to something valid, approves, and the run completes with exactly
 * the edited payload. A screenshot of the inbox is saved to artifacts/approval-inbox.png.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApprovalHandler, toNodeHandler } from '@weft/approval';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../workflow/test/helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple } from './fixtures/workflows.js';
import { type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

const artifacts = fileURLToPath(new URL('../../../artifacts/', import.meta.url));

describe('approval inbox in headless Chromium', () => {
  let target: DbTarget;
  let o: Opened;
  let server: Server;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    target = dbTarget('libsql', 'e2e');
    o = await open(target, { awaitResume: false }); // as in production: the page does not wait for the run
    const handler = createApprovalHandler({
      service: o.service,
      basePath: '/inbox',
      // The browser sends a cookie naming the user; a real app checks a session here.
      authenticate: (req) =>
        /(?:^|;\s*)user=alice(?:;|$)/.test(req.headers.get('cookie') ?? '')
          ? { id: 'alice', name: 'Alice Approver' }
          : null,
    });
    server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await o?.close();
    await target?.cleanup();
  });

  it('edit invalid → error shown, edit valid → approve → the run completes with exactly the edited payload', async () => {
    const runId = await startSuspended(o, simple, { customer: 'ACME Corp', amount: 120, note: 'duplicate charge' });
    await startSuspended(o, simple, { customer: 'Globex', amount: 35 });

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addCookies([{ name: 'user', value: 'alice', url }]);
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByTestId('approval-row').first().waitFor();
    expect(await page.getByTestId('approval-row').count()).toBeGreaterThanOrEqual(2);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}approval-inbox.png`, fullPage: true });

    const requestId = (await o.service.listPending()).find((r) => r.runId === runId)?.id as string;
    await page.click(`a[href="/inbox/${requestId}"]`);
    await page.getByTestId('payload').waitFor();
    expect(await page.getByTestId('payload').textContent()).toContain('ACME Corp');

    // Invalid: a negative amount and an empty customer.
    await page.fill('#payload', JSON.stringify({ customer: '', amount: -3, note: 'duplicate charge' }, null, 2));
    await page.fill('#comment', 'trying a wrong amount');
    await page.click('button[value="approve"]');
    const errors = page.getByTestId('errors');
    await errors.waitFor();
    expect(await errors.locator('li[data-field="amount"]').count()).toBe(1);
    expect(await errors.locator('li[data-field="customer"]').count()).toBe(1);
    expect(await page.inputValue('#payload')).toContain('-3'); // the user's text is kept for fixing
    expect((await o.store.getRun(runId))?.status).toBe('suspended');
    await page.screenshot({ path: `${artifacts}approval-inbox-error.png`, fullPage: true });

    // Valid edit, approve.
    const edited = { customer: 'ACME Corp', amount: 60, note: 'half refund, agreed on the phone' };
    await page.fill('#payload', JSON.stringify(edited, null, 2));
    await page.fill('#comment', 'half is enough');
    await page.click('button[value="approve"]');
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('status').first().textContent()).toBe('approved');
    expect(await page.getByTestId('payload').textContent()).toContain('half refund');

    await o.service.settled();
    const run = await o.store.getRun(runId);
    expect(run?.status).toBe('success');
    expect(run?.output).toEqual({ sent: edited });
    const audit = await o.service.audit(requestId);
    expect(audit.at(-1)).toMatchObject({
      action: 'approve',
      via: 'inbox',
      actor: { id: 'alice' },
      comment: 'half is enough',
      payloadAfter: edited,
    });

    // The decided request with its votes and audit log, for the artifacts.
    await page.goto(`${url}/${requestId}`);
    await page.screenshot({ path: `${artifacts}approval-inbox-detail.png`, fullPage: true });
    await context.close();
  });
});
