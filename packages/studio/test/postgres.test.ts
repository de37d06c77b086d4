/**
 * Studio on Postgres (a schema of its own, dropped at the end): the same queries as on libsql —
 * filters, case-insensitive search, version prefixes, keyset pages, facets — the run page, the LLM
 * cost page's per-day buckets, an approval decided through the handler that resumes the run, and
 * the eval pages (a run's eval results, a comparison of two eval runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHandler, type StudioHandler } from '../src/index.js';
import { type Fixture, flaky, openFixture, release, seedEvals, seedLlmHistory } from './fixtures.js';

const PG = process.env.WEFT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = 'pg-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:4400';

describe('Studio on Postgres', () => {
  let f: Fixture;
  let h: StudioHandler;
  let waiting: string;
  let evals: { baseline: string; candidate: string };
  const get = async (path: string) => {
    const res = await h(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }));
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    f = await openFixture('pg', { url: PG });
    await seedLlmHistory(10);
    for (let batch = 1; batch <= 4; batch++) await f.engine.run(flaky).start({ input: { batch } });
    waiting = (await f.engine.run(release).start({ input: { version: 'PG-Release-9', files: ['x.ts', 'y.ts'] } }))
      .runId;
    evals = await seedEvals(f);
    h = createStudioHandler({
      store: f.store,
      engine: f.engine,
      approvals: f.approvals,
      accessToken: TOKEN,
      authenticate: () => ({ id: 'alice' }),
    });
  });
  afterAll(async () => {
    await h?.close();
    await f?.approvals.settled();
    await f?.close();
  });

  it('lists, filters, searches case-insensitively and pages', async () => {
    const all = JSON.parse((await get('/api/runs?limit=200')).text) as {
      runs: { id: string; status: string; workflowId: string }[];
    };
    // 4 import runs, the release run, 9 + 9 eval task runs.
    expect(all.runs.length).toBe(23);
    const failed = JSON.parse((await get('/api/runs?status=failed&workflow=import-orders')).text) as {
      runs: unknown[];
    };
    expect(failed.runs.length).toBe(1 + 3); // batch 3 here, batches 3, 6, 9 in the baseline eval
    const search = JSON.parse((await get('/api/runs?q=pg-release-9')).text) as { runs: { id: string }[] };
    expect(search.runs.map((r) => r.id)).toEqual([waiting]);
    const run = await f.store.getRun(waiting);
    const version = JSON.parse((await get(`/api/runs?version=${run?.definitionHash.slice(0, 6)}`)).text) as {
      runs: { id: string }[];
    };
    expect(version.runs.map((r) => r.id)).toEqual([waiting]);
    const p1 = JSON.parse((await get('/api/runs?limit=10')).text) as { runs: { id: string }[]; next: string };
    const p2 = JSON.parse((await get(`/api/runs?limit=10&after=${p1.next}`)).text) as {
      runs: { id: string }[];
      next: string;
    };
    const p3 = JSON.parse((await get(`/api/runs?limit=10&after=${p2.next}`)).text) as {
      runs: { id: string }[];
      next?: string;
    };
    const ids = [...p1.runs, ...p2.runs, ...p3.runs].map((r) => r.id);
    expect(new Set(ids).size).toBe(23);
    expect(p3.next).toBeUndefined();
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('23 in store');
    expect(page.text).toMatch(/data-status-chip="failed".*?<span class="count">4<\/span>/s);
  });

  it('renders the run page and the LLM cost page', async () => {
    const page = await get(`/runs/${waiting}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-path="checks/unit-tests"');
    expect(page.text).toContain('Ship this release?');
    const llm = await get('/llm?range=30d');
    expect(llm.status).toBe(200);
    expect(llm.text).toContain('Cost per day');
    const usage = JSON.parse((await get('/llm?range=30d&format=json')).text) as {
      totals: { calls: number };
      byDay: { key: string; calls: number }[];
    };
    expect(usage.totals.calls).toBeGreaterThan(30);
    expect(usage.byDay.length).toBe(31);
    expect(usage.byDay.reduce((a, d) => a + d.calls, 0)).toBe(usage.totals.calls);
  });

  it('decides an approval from the run page; the run resumes and finishes', async () => {
    // Someone who is not an approver sees why, and a forged post is refused by the approval policy.
    const bob = createStudioHandler({
      store: f.store,
      engine: f.engine,
      approvals: f.approvals,
      authenticate: () => ({ id: 'bob' }),
    });
    const bobPage = await (await bob(new Request(`${BASE}/runs/${waiting}`))).text();
    expect(bobPage).toContain('You cannot decide this request');
    expect(bobPage).not.toContain('value="approve"');
    const bobCsrf = /name="csrf" value="([^"]+)"/.exec(bobPage)?.[1] as string;
    const bobId = /data-approval-id="([^"]+)"/.exec(bobPage)?.[1] as string;
    const refused = await bob(
      new Request(`${BASE}/runs/${waiting}/approvals/${bobId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: bobCsrf, decision: 'approve' }).toString(),
      }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('not among the approvers');
    expect((await f.store.getRun(waiting))?.status).toBe('suspended');
    const page = await get(`/runs/${waiting}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const approvalId = /data-approval-id="([^"]+)"/.exec(page.text)?.[1] as string;
    const res = await h(
      new Request(`${BASE}/runs/${waiting}/approvals/${approvalId}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams({ csrf, decision: 'approve', comment: 'ok on pg' }).toString(),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/runs/${waiting}?done=approve`);
    await expect.poll(async () => (await f.store.getRun(waiting))?.status, { timeout: 15_000 }).toBe('success');
  });

  it('links eval results to their runs and compares eval runs', async () => {
    const list = await get('/evals');
    expect(list.text).toContain('import-orders');
    expect(list.text).toContain(`/evals/compare?a=${evals.baseline}&b=${evals.candidate}`);
    const cmp = await get(`/evals/compare?a=${evals.baseline}&b=${evals.candidate}`);
    expect(cmp.status).toBe(200);
    expect(cmp.text).toContain('exactMatch');
    expect(cmp.text).toMatch(/class="ci-range v-(improved|unchanged)"/);
    const run = await get(`/evals/${evals.candidate}`);
    const taskRun = /href="\/runs\/([^"]+)"/.exec(run.text)?.[1] as string;
    expect(taskRun).toBeTruthy();
    const runPage = await get(`/runs/${taskRun}`);
    expect(runPage.text).toContain(`/evals/${evals.candidate}`);
    expect(runPage.text).toContain(`/evals/compare?a=${evals.baseline}&b=${evals.candidate}`);
    expect((await get('/evals/nope')).status).toBe(404);
  });
});
