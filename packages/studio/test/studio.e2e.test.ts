/**
 * Weft Studio end to end in headless Chromium, over a real libsql file store with a real engine
 * and approval service: the runs list → a status filter and a workflow filter → open a run with the
 * keyboard → the timeline draws the parallel checks (and the foreach items) overlapping in time →
 * approve the gate from the page → the run resumes and its events stream in without a reload.
 * No console errors or page errors on any page. Screenshots go to artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../workflow/test/helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHandler, type StudioHandler, toNodeListener } from '../src/index.js';
import { type Fixture, flaky, holdPublish, openFixture, release, seedLlmHistory } from './fixtures.js';

const artifacts = fileURLToPath(new URL('../../../artifacts/', import.meta.url));
const TOKEN = 'e2e-token-0123456789abcdef';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width;

describe('Weft Studio in headless Chromium', () => {
  let f: Fixture;
  let handler: StudioHandler;
  let server: Server;
  let browser: Browser;
  let url: string;
  let doneRun: string;
  let waitingRun: string;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];

  const newPage = async (): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    return page;
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    f = await openFixture('e2e');
    await seedLlmHistory();
    for (let batch = 1; batch <= 7; batch++) await f.engine.run(flaky).start({ input: { batch } });
    const files = ['src/engine.ts', 'src/store.ts', 'docs/guide.md'];
    const first = await f.engine.run(release).start({ input: { version: '1.4.0', files } });
    doneRun = first.runId;
    await f.approvals.sync();
    const [gate] = await f.approvals.listPending();
    await f.approvals.decide({
      id: gate?.id as string,
      decision: 'approve',
      actor: { id: 'alice' },
      comment: 'ship it',
    });
    await f.approvals.settled();
    expect((await f.store.getRun(doneRun))?.status).toBe('success');
    waitingRun = (await f.engine.run(release).start({ input: { version: '1.5.0', files } })).runId;
    handler = createStudioHandler({
      store: f.store,
      engine: f.engine,
      approvals: f.approvals,
      accessToken: TOKEN,
      authenticate: () => ({ id: 'alice', name: 'Alice' }),
      storeLabel: 'file:.weft/weft.db',
      livePollMs: 100,
    });
    server = createServer(toNodeListener(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch(CHROMIUM_LAUNCH);
  });

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await handler?.close();
    await f?.approvals.settled();
    await f?.close();
  });

  it('list → filter → open with the keyboard → overlapping timeline → approve → live events', async () => {
    const page = await newPage();
    // The token link sets the cookie and drops the token from the URL.
    await page.goto(`${url}/?token=${TOKEN}`);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('table.runs tbody tr').count()).toBe(9);
    await page.screenshot({ path: `${artifacts}studio-runs.png`, clip: { x: 0, y: 0, width: 1360, height: 640 } });

    // Filter by status (chip), then by workflow (select applies at once).
    await page.locator('[data-status-chip="failed"]').click();
    await page.waitForURL(/status=failed/);
    const failed = page.locator('table.runs tbody tr');
    expect(await failed.count()).toBe(2);
    expect(await page.locator('table.runs tbody .badge').allTextContents()).toEqual(['failed', 'failed']);
    await page.goto(`${url}/`);
    await page.selectOption('select[name=workflow]', 'release');
    await page.waitForURL(/workflow=release/);
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    await page.fill('input[name=q]', '1.5.0');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/q=1\.5\.0/);
    expect(await page.locator('table.runs tbody tr').count()).toBe(1);

    // Keyboard: j focuses the first row's link (with a visible focus ring), Enter opens it.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { cls: el.className, text: el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.cls).toContain('row-link');
    expect(focused.text).toBe(waitingRun);
    expect(focused.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/runs/${waitingRun}$`));

    // Timeline: the three parallel checks overlap in time, so do the two foreach items run at once.
    const bar = (path: string) => page.locator(`.tl-row[data-path="${path}"] .tl-bar`).first().boundingBox();
    const [lint, tests, review] = (await Promise.all([
      bar('checks/lint'),
      bar('checks/unit-tests'),
      bar('checks/review-code'),
    ])) as Box[];
    expect(lint && tests && review).toBeTruthy();
    expect(overlaps(lint as Box, tests as Box)).toBe(true);
    expect(overlaps(lint as Box, review as Box)).toBe(true);
    expect(overlaps(tests as Box, review as Box)).toBe(true);
    // unit-tests (420 ms) is longer than lint (260 ms); the plan step ends before the checks start.
    expect((tests as Box).width).toBeGreaterThan((lint as Box).width);
    const plan = (await bar('plan')) as Box;
    expect(plan.x + plan.width).toBeLessThanOrEqual((lint as Box).x + 1);
    const [f0, f1] = (await Promise.all([bar('files[0]/summarize'), bar('files[1]/summarize')])) as Box[];
    expect(overlaps(f0 as Box, f1 as Box)).toBe(true);

    // Approve from the page; mark the document so a reload would be detected.
    const gate = page.locator('.approval[data-approval-status="pending"]');
    await expect.poll(() => gate.count()).toBe(1);
    await gate.locator('input[name=comment]').fill('looks good');
    // The run's last task waits until the page is loaded and marked, so what follows is live.
    const releasePublish = holdPublish();
    await gate.locator('button[value=approve]').click();
    await page.waitForURL(/done=approve/);
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Approved');
    await page.evaluate(() => {
      (window as unknown as { __noReload: number }).__noReload = 1;
    });
    const before = await page.locator('#events-body tr').count();
    expect(await page.locator('#run-status .badge').getAttribute('data-status')).toBe('running');
    releasePublish();
    // Live: the dag's task events arrive over SSE (rows the script appends, class "new"), then the
    // run's success; the status badge updates.
    await expect
      .poll(() => page.locator('#events-body tr.new', { hasText: 'deploy/publish' }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('#run-status .badge').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('success');
    await expect.poll(() => page.locator('#events-body tr.new', { hasText: 'run:success' }).count()).toBe(1);
    expect(await page.locator('#events-body tr').count()).toBeGreaterThan(before);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);
    // The timeline refreshed live too: the dag tasks are on it now.
    await expect.poll(() => page.locator('.tl-row[data-path="deploy/publish"]').count()).toBe(1);
    expect((await f.store.getRun(waitingRun))?.status).toBe('success');
    const audit = await f.approvals.audit(
      (await f.approvals.list({})).find((r) => r.runId === waitingRun)?.id as string,
    );
    expect(audit.some((e) => e.via === 'studio' && e.comment === 'looks good')).toBe(true);
    await page.close();
  });

  it('screenshots: a finished run timeline and the LLM cost page; no console errors anywhere', async () => {
    const page = await newPage();
    await page.goto(`${url}/?token=${TOKEN}`);
    await page.goto(`${url}/runs/${doneRun}`);
    expect(await page.locator('.tl-row[data-path="deploy/build"] .tl-bar').count()).toBe(1);
    // build and docs ran side by side in the dag's first batch.
    const b = (await page.locator('.tl-row[data-path="deploy/build"] .tl-bar').boundingBox()) as Box;
    const d = (await page.locator('.tl-row[data-path="deploy/docs"] .tl-bar').boundingBox()) as Box;
    expect(overlaps(b, d)).toBe(true);
    await page.screenshot({ path: `${artifacts}studio-run-timeline.png` });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: `${artifacts}studio-run-timeline-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('a[href="#llm"]').click();
    expect(await page.locator('#llm .stat-v').first().textContent()).toMatch(/^\$0\.\d+/);
    await page.goto(`${url}/llm?range=7d`);
    expect(await page.locator('.stats.big .stat').count()).toBe(6);
    expect(await page.locator('.chart .col').count()).toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: `${artifacts}studio-llm-cost.png` });
    await page.goto(`${url}/evals`);
    await page.goto(`${url}/runs/${(await f.store.listRuns({ status: 'failed', limit: 1 })).runs[0]?.id}`);
    expect(await page.locator('#error .err').count()).toBeGreaterThanOrEqual(2);
    // Tab order reaches the section links and the timeline bars.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.close();
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
