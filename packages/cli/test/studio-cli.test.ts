/**
 * `weft studio` as a child process over a libsql file with a run waiting at an approval gate: it
 * prints a token link on 127.0.0.1, the link logs in (cookie), the runs list shows the run, a
 * foreign Host header is refused, an approval decided in Studio is recorded (and the app's approval
 * service, which has the workflow, resumes the run), and SIGTERM stops it with exit code 0.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApprovalService } from '@weft/approval';
import { createEngine, createStore, type KyselyStore, workflow } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'packages/cli/src/cli.ts');
const hooks = join(repo, 'scripts/ts-hooks.mjs');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-studio-'));
const dbUrl = `file:${join(dir, 'app.db')}`;

const deploy = workflow({ id: 'deploy', input: z.object({ version: z.string() }) })
  .step('build', async ({ input }) => ({ artifact: `app-${input.version}.tgz` }))
  .awaitApproval('ship', { title: 'Ship it?' })
  .then('release', async ({ input }) => ({ released: input.artifact }))
  .commit();

let store: KyselyStore;
let runId: string;
let child: ChildProcess;
let loginUrl: URL;

function raw(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (ok, fail) => {
      const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', fail);
      req.end(init.body);
    },
  );
}

beforeAll(async () => {
  store = createStore({ url: dbUrl });
  const engine = createEngine({ store, workflows: [deploy] });
  runId = (await engine.run(deploy).start({ input: { version: '3.1.0' } })).runId;
  child = spawn(process.execPath, ['--import', hooks, bin, 'studio', '--port', '0'], {
    cwd: dir,
    env: { ...process.env, WEFT_DB_URL: dbUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c) => (out += c));
  child.stderr?.on('data', (c) => (out += c));
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`weft studio printed no link:\n${out}`)), 30_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        loginUrl = new URL(m[1] as string);
        ok();
      } else setTimeout(check, 50);
    };
    check();
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('weft studio', () => {
  it('serves the store on 127.0.0.1 behind its token, refuses other Hosts, records decisions, stops on SIGTERM', async () => {
    const login = await raw(loginUrl);
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const base = new URL('/', loginUrl);
    const list = await raw(base, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toContain(runId);
    expect(list.body).toContain('file:');
    expect((await raw(base)).status).toBe(401);
    expect((await raw(base, { headers: { cookie, host: 'rebind.attacker.example' } })).status).toBe(403);

    const page = await raw(new URL(`/runs/${runId}`, base), { headers: { cookie } });
    expect(page.status).toBe(200);
    const approvalId = /data-approval-id="([^"]+)"/.exec(page.body)?.[1] as string;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    expect(approvalId).toBeTruthy();
    const decided = await raw(new URL(`/runs/${runId}/approvals/${approvalId}`, base), {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base.origin },
      body: `csrf=${encodeURIComponent(csrf)}&decision=approve&comment=from+studio`,
    });
    expect(decided.status).toBe(303);
    expect(decided.headers.location).toBe(`/runs/${runId}?done=recorded`);
    // The app (which has the workflow) picks the recorded decision up and finishes the run.
    const engine = createEngine({ store, workflows: [deploy] });
    // (Skipping the grace period the service leaves for the deciding process to resume by itself.)
    const approvals = createApprovalService({
      store,
      engine,
      workflows: [deploy],
      awaitResume: true,
      now: () => Date.now() + 60_000,
    });
    await approvals.sync();
    await approvals.settled();
    await expect.poll(async () => (await store.getRun(runId))?.status, { timeout: 10_000 }).toBe('success');
    await approvals.stop();

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });

  it('rejects a bad port (usage, exit 2) and a non-loopback host without allowedHosts (exit 1)', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', hooks, bin, 'studio', ...args], {
        cwd: dir,
        env: { ...process.env, WEFT_DB_URL: dbUrl },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const port = run(['--port', 'http']);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('Expected --port to be a port number');
    const host = run(['--host', '0.0.0.0', '--port', '0']);
    expect(host.status).toBe(1);
    expect(host.stderr).toContain('Refusing to bind Studio to 0.0.0.0');
  });
});
