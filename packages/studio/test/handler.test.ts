/**
 * The Studio handler over a real libsql file: security (Host allow-list, token login, CSRF and
 * cross-site refusal, escaping of user data), keyset paging through runs created in the same
 * millisecond, filters and their errors, cancel without an engine, and the live stream over a real
 * node:http server.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@weft/workflow';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHandler, type StudioHandler, toNodeListener } from '../src/index.js';
import { type Fixture, flaky, flip, flipState, openFixture, release } from './fixtures.js';

import { hang } from './lost-child.js';

const HOOKS = fileURLToPath(new URL('../../../scripts/ts-hooks.mjs', import.meta.url));
const LOST_CHILD = fileURLToPath(new URL('./lost-child.ts', import.meta.url));
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const TOKEN = 'handler-token-0123456789';
const BASE = 'http://127.0.0.1:4400';

describe('Studio handler', () => {
  let f: Fixture;
  let h: StudioHandler;
  let suspended: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    h(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }));

  beforeAll(async () => {
    f = await openFixture('handler');
    // 130 runs created in the same few milliseconds: paging must neither skip nor repeat one.
    const at = Date.now() - 60_000;
    for (let i = 0; i < 130; i++)
      await f.store.createRun({
        id: `run-${String(i).padStart(3, '0')}`,
        workflowId: i % 2 ? 'odd' : 'even',
        definitionHash: i % 4 < 2 ? 'aaaa1111' : 'bbbb2222',
        status: i % 5 === 0 ? 'failed' : 'success',
        input: { note: i === 7 ? '<script>alert("x")</script> needle' : `item ${i}` },
        ...(i % 5 === 0 ? { error: { name: 'Error', message: `boom <b>${i}</b>` } } : {}),
        createdAt: at + Math.floor(i / 10),
        updatedAt: at + Math.floor(i / 10) + 5,
      });
    suspended = (await f.engine.run(release).start({ input: { version: '2.0.0', files: ['a'] } })).runId;
    h = createStudioHandler({ store: f.store, accessToken: TOKEN });
  });
  afterAll(async () => {
    await h?.close();
    await f?.close();
  });

  it('a run page shows the ctx.logger lines stored with the run and the LLM calls by step path and attempt', async () => {
    const page = await (await get(`/runs/${encodeURIComponent(suspended)}`)).text();
    const logs = page.slice(
      page.indexOf('<table class="grid logs">'),
      page.indexOf('</table>', page.indexOf('<table class="grid logs">')),
    );
    // One stored `log` event per check step, with its level, step path and attempt.
    for (const id of ['lint', 'unit-tests', 'review-code'])
      expect(logs).toMatch(
        new RegExp(`<td class="mono">checks/${id}</td><td class="num">1</td><td>running ${id}</td>`),
      );
    expect(logs).toContain('lvl-info');
    const calls = page.slice(page.indexOf('<details class="calls">'));
    expect(calls).toMatch(
      /<td class="mono">checks\/review-code<\/td><td class="num">1<\/td><td class="mono">openai\/gpt-5-mini/,
    );
  });

  it('refuses a foreign Host header (DNS rebinding) and unauthenticated requests', async () => {
    const evil = await h(new Request('http://evil.example:4400/', { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(evil.status).toBe(403);
    expect(await evil.text()).toContain('DNS-rebinding');
    expect((await h(new Request(`${BASE}/`))).status).toBe(401);
    expect((await h(new Request(`${BASE}/api/runs`))).status).toBe(401);
    expect((await get('/', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await h(new Request(`${BASE}/?token=wrong`))).status).toBe(401);
    // Assets are public (no data in them) but still behind the Host check.
    expect((await h(new Request(`${BASE}/assets/studio.js`))).status).toBe(200);
    expect(() => createStudioHandler({ store: f.store })).toThrow(/authenticate/);
    expect(() => createStudioHandler({ store: f.store, accessToken: 'short' })).toThrow(/16 characters/);
  });

  it('the token link sets an HttpOnly SameSite=Strict cookie and redirects without the token', async () => {
    const res = await h(new Request(`${BASE}/?status=failed&token=${TOKEN}`));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?status=failed');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^weft_studio_4400=.+; HttpOnly; SameSite=Strict; Path=\//);
    const page = await h(
      new Request(`${BASE}/?status=failed`, { headers: { cookie: cookie.split(';')[0] as string } }),
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('pages through every run exactly once, forwards and back, with filters kept', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages: { runs: { id: string }[]; next?: string; prev?: string }[] = [];
    do {
      const res = await get(`/api/runs?limit=25${cursor ? `&after=${cursor}` : ''}`);
      const page = (await res.json()) as { runs: { id: string }[]; next?: string; prev?: string };
      pages.push(page);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.next;
    } while (cursor);
    expect(seen.length).toBe(131);
    expect(new Set(seen).size).toBe(131);
    expect(pages[0]?.prev).toBeUndefined();
    // Back from the third page gives the second page again.
    const back = (await (await get(`/api/runs?limit=25&before=${pages[2]?.prev}`)).json()) as {
      runs: { id: string }[];
    };
    expect(back.runs.map((r) => r.id)).toEqual(pages[1]?.runs.map((r) => r.id));
    const failedOdd = (await (await get('/api/runs?status=failed&workflow=odd&limit=200')).json()) as {
      runs: { id: string; status: string }[];
    };
    expect(failedOdd.runs.length).toBe(13);
    expect(failedOdd.runs.every((r) => r.status === 'failed')).toBe(true);
    const version = (await (await get('/api/runs?version=bbbb&limit=200')).json()) as { runs: unknown[] };
    expect(version.runs.length).toBe(64);
    const search = (await (await get('/api/runs?q=NEEDLE')).json()) as { runs: { id: string }[] };
    expect(search.runs.map((r) => r.id)).toEqual(['run-007']);
    // LIKE wildcards in the search are literal.
    expect(((await (await get('/api/runs?q=%25')).json()) as { runs: unknown[] }).runs.length).toBe(0);
  });

  it('answers bad filters and unknown runs with typed errors', async () => {
    const bad = await get('/api/runs?status=exploded');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'STUDIO_BAD_REQUEST',
      message: expect.stringContaining('running, suspended'),
    });
    expect((await get('/api/runs?limit=0')).status).toBe(400);
    expect((await get('/api/runs?after=not-a-cursor')).status).toBe(400);
    expect((await get('/?range=forever')).status).toBe(400);
    expect((await get('/runs/nope')).status).toBe(404);
    expect((await get('/runs/nope.json')).status).toBe(404);
    expect((await get('/runs/%E0%A4%A')).status).toBe(400);
    expect((await get('/evals/compare?a=x')).status).toBe(400);
  });

  it('escapes user data everywhere it is shown', async () => {
    const list = await (await get('/?q=needle')).text();
    expect(list).not.toContain('<script>alert');
    const run = await (await get('/runs/run-007')).text();
    expect(run).toContain('&lt;script&gt;alert(\\&quot;x');
    expect(run).not.toContain('<script>alert');
    const failed = await (await get('/runs/run-005')).text();
    expect(failed).toContain('boom &lt;b&gt;5&lt;/b&gt;');
    const q = await (await get(`/?q=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`)).text();
    expect(q).not.toContain('<img src=x');
  });

  it('actions need the CSRF token and a same-origin request; cancel works through the store alone', async () => {
    const page = await (await get(`/runs/${suspended}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
    expect(csrf).toBeTruthy();
    const post = (body: string, headers: Record<string, string> = {}) =>
      h(
        new Request(`${BASE}/runs/${suspended}/cancel`, {
          method: 'POST',
          body,
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/x-www-form-urlencoded',
            ...headers,
          },
        }),
      );
    expect((await post('csrf=forged')).status).toBe(403);
    expect((await post(`csrf=${encodeURIComponent(csrf)}`, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(`csrf=${encodeURIComponent(csrf)}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await f.store.getRun(suspended))?.status).toBe('suspended');
    const ok = await post(`csrf=${encodeURIComponent(csrf)}`, { 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/runs/${suspended}?done=cancel`);
    const run = await f.store.getRun(suspended);
    expect(run?.status).toBe('canceled');
    expect(run?.error?.message).toContain('canceled in Weft Studio by local');
    const events = await f.store.readEvents(suspended);
    expect(events.at(-1)?.type).toBe('run:canceled');
    // Resume needs an engine with the workflow: a clear 409, nothing changes.
    const resume = await h(
      new Request(`${BASE}/runs/${suspended}/resume`, {
        method: 'POST',
        body: `csrf=${encodeURIComponent(csrf)}&step=x&data={}`,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(resume.status).toBe(409);
    expect(await resume.text()).toContain('needs the workflow code');
  });

  it('restarts a failed run in place and forks it into a new linked run (with an engine)', async () => {
    const csrfSecret = 'shared-csrf-secret-0123456789';
    const he = createStudioHandler({ store: f.store, engine: f.engine, accessToken: TOKEN, csrfSecret });
    const bare = createStudioHandler({ store: f.store, accessToken: TOKEN, csrfSecret });
    flipState.broken = true;
    const failed = await f.engine.run(flip).start({ input: { page: 'intro' } });
    expect(failed.status).toBe('failed');
    const page = await (
      await he(new Request(`${BASE}/runs/${failed.runId}`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    ).text();
    expect(page).toContain(`action="/runs/${failed.runId}/restart"`);
    expect(page).toContain('<option value="upload">from upload</option>');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] as string;
    const plain = await (
      await bare(new Request(`${BASE}/runs/${failed.runId}`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    ).text();
    expect(plain).not.toContain('/restart"');
    const post = (path: string, body: Record<string, string>, handler = he) =>
      handler(
        new Request(`${BASE}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf, ...body }).toString(),
        }),
      );
    // Without an engine: a clear 409, nothing runs.
    const noEngine = await post(`/runs/${failed.runId}/restart`, {}, bare);
    expect(noEngine.status).toBe(409);
    expect(await noEngine.text()).toContain('Restarting needs the workflow code');
    // A step that is not in the run: the engine's refusal is shown (409), nothing changes.
    expect((await post(`/runs/${failed.runId}/restart`, { from: 'nope' })).status).toBe(409);

    flipState.broken = false;
    const restarted = await post(`/runs/${failed.runId}/restart`, { from: '' });
    expect(restarted.status).toBe(303);
    expect(restarted.headers.get('location')).toBe(`/runs/${failed.runId}?done=restart`);
    await expect.poll(async () => (await f.store.getRun(failed.runId))?.status, { timeout: 10_000 }).toBe('success');

    const forked = await post(`/runs/${failed.runId}/fork`, { from: 'upload' });
    expect(forked.status).toBe(303);
    const newId = /\/runs\/([^?]+)\?done=fork/.exec(forked.headers.get('location') ?? '')?.[1] as string;
    expect(newId).toBeTruthy();
    await expect.poll(async () => (await f.store.getRun(newId))?.status, { timeout: 10_000 }).toBe('success');
    const child = await (
      await he(new Request(`${BASE}/runs/${newId}?done=fork`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    ).text();
    expect(child).toContain('Forked: this is a new run');
    expect(child).toContain(`forked from</span> <a class="mono" href="/runs/${failed.runId}">`);
    const parent = await (
      await he(new Request(`${BASE}/runs/${failed.runId}`, { headers: { authorization: `Bearer ${TOKEN}` } }))
    ).text();
    expect(parent).toContain(`href="/runs/${newId}"`);
    await he.close();
    await bare.close();
  });

  it('a step lost with its SIGKILLed process shows as "attempt 1 lost" before attempt 2, with the reason', async () => {
    const child = spawn(process.execPath, ['--import', HOOKS, LOST_CHILD, f.url, 'lost-run'], {
      env: { ...process.env, WEFT_HANG: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('in-two') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before the step`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 350)); // its lease runs out
    const worker = createEngine({ store: f.store, workflows: [hang], ownerId: 'worker-2', logger: quiet });
    const results = await worker.recover();
    expect(results.find((r) => r.runId === 'lost-run')?.status).toBe('success');
    await worker.close();
    const page = await (await get('/runs/lost-run')).text();
    expect(page).toMatch(
      /<td class="mono">two<\/td><td class="num">2 <span class="tag warn" title="attempt 1: process lost: lease expired">attempt 1 lost<\/span><\/td>/,
    );
    expect(page).toMatch(/<span class="ev ev-step">step:lost<\/span><\/td><td class="mono">two<\/td>/);
    expect(page).toContain('process lost: lease expired');
  });

  describe('over node:http', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer(toNodeListener(h));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    const raw = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path, headers: { host, authorization: `Bearer ${TOKEN}` } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });

    it('refuses a rebinding Host on the wire, serves localhost and [::1] names', async () => {
      expect((await raw('/', `attacker.example:${port}`)).status).toBe(403);
      expect((await raw('/', `localhost:${port}`)).status).toBe(200);
      expect((await raw('/api/runs?limit=1', `[::1]:${port}`)).status).toBe(200);
    });

    it('streams a running run over SSE until it ends, resuming after Last-Event-ID', async () => {
      const run = await f.engine.run(flaky).start({ input: { batch: 3 } }); // failed, finished
      const res = await fetch(`http://127.0.0.1:${port}/runs/${run.runId}/live`, {
        headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': '1' },
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      expect(text).toContain('event: status\ndata: {"status":"failed"}');
      expect(text).toContain('event: end');
      expect(text).not.toMatch(/^id: 1$/m);
      expect(text).toMatch(/^id: 2$/m);
    });
  });
});
