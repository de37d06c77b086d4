/**
 * Drives the `weft` bin as a child process against a libsql file holding real runs: a success, a
 * failure and two runs waiting at approval gates. Decisions taken by the CLI are then picked up by
 * an approval service that has the workflow (as an app or worker would), which finishes the runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApprovalService } from '@weft/approval';
import { createEngine, createStore, type KyselyStore, step, workflow } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'packages/cli/src/cli.ts');
const hooks = join(repo, 'scripts/ts-hooks.mjs');

const dir = mkdtempSync(join(tmpdir(), 'weft-cli-'));
const dbFile = join(dir, 'app.db');
const dbUrl = `file:${dbFile}`;

function weft(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', hooks, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, WEFT_DB_URL: dbUrl, NO_COLOR: '1', ...env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const greet = step({
  id: 'greet',
  input: z.object({ name: z.string() }),
  output: z.object({ greeting: z.string() }),
  run: async ({ input }) => ({ greeting: `hello ${input.name}` }),
});
const hello = workflow({ id: 'hello', input: z.object({ name: z.string() }) })
  .step(greet)
  .commit();
const broken = workflow({ id: 'broken', input: z.object({ name: z.string() }) })
  .step('explode', async () => {
    throw new Error('kaboom: the disk is full');
  })
  .commit();
const deploy = workflow({ id: 'deploy', input: z.object({ version: z.string() }) })
  .step('build', async ({ input }) => ({ artifact: `app-${input.version}.tgz` }))
  .awaitApproval('ship', { title: 'Ship it?', summary: 'Deploys to production' })
  .then('release', async ({ input }) => ({ released: input.artifact }))
  .commit();

let store: KyselyStore;
const ids: Record<string, string> = {};
const workflows = [hello, broken, deploy];

beforeAll(async () => {
  store = createStore({ url: dbUrl });
  const engine = createEngine({ store, workflows });
  ids.hello = (await engine.run(hello).start({ input: { name: 'ada' } })).runId;
  ids.broken = (await engine.run(broken).start({ input: { name: 'bob' } })).runId;
  const a = await engine.run(deploy).start({ input: { version: '1.0.0' } });
  const b = await engine.run(deploy).start({ input: { version: '2.0.0' } });
  expect(a.status).toBe('suspended');
  expect(b.status).toBe('suspended');
  ids.deployA = a.runId;
  ids.deployB = b.runId;
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('weft runs', () => {
  it('lists runs newest first with status and workflow', () => {
    const r = weft(['runs', 'list']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^id\s+workflow\s+status\s+created\s+duration$/m);
    expect(r.out).toContain(`${ids.hello}  hello`);
    expect(r.out).toMatch(new RegExp(`${ids.broken}\\s+broken\\s+failed`));
    expect(r.out).toMatch(/4 run\(s\) · store file:/);
    expect(r.out.indexOf(ids.deployB as string)).toBeLessThan(r.out.indexOf(ids.hello as string));
  });

  it('filters by status, workflow and limit, and prints JSON', () => {
    const failed = weft(['runs', 'list', '--status', 'failed', '--json']);
    expect(failed.code).toBe(0);
    expect(JSON.parse(failed.out).map((r: { id: string }) => r.id)).toEqual([ids.broken]);
    const deploys = JSON.parse(weft(['runs', 'list', '--workflow', 'deploy', '--json']).out);
    expect(deploys.map((r: { status: string }) => r.status)).toEqual(['suspended', 'suspended']);
    expect(JSON.parse(weft(['runs', 'list', '--limit', '1', '--json']).out)).toHaveLength(1);
    const several = JSON.parse(weft(['runs', 'list', '--status', 'success,failed', '--json']).out);
    expect(several).toHaveLength(2);
  });

  it('shows a run: steps with timings and outputs, and its events', () => {
    const r = weft(['runs', 'show', ids.hello as string]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`run ${ids.hello}`);
    expect(r.out).toMatch(/status\s+success/);
    expect(r.out).toMatch(/^greet\s+1\s+success\s+\d+ ms\s+\{"greeting":"hello ada"\}$/m);
    expect(r.out).toMatch(/^events \(\d+ stored; · = from a step row\)$/m);
    expect(r.out).toMatch(/run:start/);
    expect(r.out).toMatch(/step:success\s+greet/);
  });

  it('shows the error of a failed run and where a suspended run waits', () => {
    const failed = weft(['runs', 'show', ids.broken as string]);
    expect(failed.code).toBe(0);
    expect(failed.out).toMatch(/error\s+.*kaboom: the disk is full/);
    const waiting = weft(['runs', 'show', ids.deployA as string]);
    expect(waiting.out).toMatch(/^waiting at \(1\)$/m);
    expect(waiting.out).toMatch(/ship · event "approval"/);
    const json = JSON.parse(weft(['runs', 'show', ids.deployA as string, '--json']).out);
    expect(json.run.id).toBe(ids.deployA);
    expect(json.steps.map((s: { path: string }) => s.path)).toContain('build');
    expect(json.suspensions[0].path).toBe('ship');
  });

  it('says what to do for an unknown run id, a missing store and a bad command', () => {
    const unknown = weft(['runs', 'show', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No run with id "nope" in the store at file:.*weft runs list/);
    const missing = weft(['runs', 'list', '--db', join(dir, 'missing.db')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No Weft store at .*missing\.db/);
    const bad = weft(['runs', 'frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown command "runs frobnicate"/);
    expect(bad.err).toMatch(/Usage: weft <command>/);
    const badStatus = weft(['runs', 'list', '--status', 'done']);
    expect(badStatus.code).toBe(2);
    expect(badStatus.err).toMatch(/Expected --status to be one of queued, running, suspended/);
    expect(weft([]).code).toBe(2);
    expect(weft(['--help']).out).toMatch(/approvals approve <id>/);
  });
});

describe('weft approvals', () => {
  let approvalA = '';
  let approvalB = '';

  it('lists the pending gates with their payloads', () => {
    const r = weft(['approvals', 'list', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { id: string; runId: string; title: string; status: string; payload: unknown }[];
    expect(list).toHaveLength(2);
    approvalA = list.find((a) => a.runId === ids.deployA)?.id as string;
    approvalB = list.find((a) => a.runId === ids.deployB)?.id as string;
    expect(list.find((a) => a.id === approvalA)).toMatchObject({
      title: 'Ship it?',
      status: 'pending',
      payload: { artifact: 'app-1.0.0.tgz' },
    });
    const text = weft(['approvals', 'list']).out;
    expect(text).toContain(approvalA);
    expect(text).toMatch(/Ship it\?/);
    expect(text).toMatch(/Decide with: weft approvals approve <id>/);
  });

  it('approves and rejects as an actor; the decisions are stored and repeat as no-ops', () => {
    const ok = weft(['approvals', 'approve', approvalA, '--actor', 'alice', '--comment', 'looks good']);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`${approvalA}: approved by alice ("looks good").`);
    expect(ok.out).toMatch(/The gate "ship" of run \S+ is closed: approved\./);
    expect(ok.out).toMatch(/continues in a process that has workflow "deploy" registered/);
    const again = weft(['approvals', 'approve', approvalA, '--actor', 'alice']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/nothing changed/);
    const no = weft(['approvals', 'reject', approvalB, '--comment', 'not today'], { USER: 'bob' });
    expect(no.code).toBe(0);
    expect(no.out).toContain(`${approvalB}: rejected by bob`);
    expect(weft(['approvals', 'list']).out).toMatch(/No pending approvals/);
    const all = JSON.parse(weft(['approvals', 'list', '--all', '--json']).out) as { id: string; status: string }[];
    expect(all.find((a) => a.id === approvalA)?.status).toBe('approved');
    expect(all.find((a) => a.id === approvalB)?.status).toBe('rejected');
  });

  it('a process that has the workflows resumes the runs the CLI decided', async () => {
    const engine = createEngine({ store, workflows });
    // Skip the grace period the service leaves for the deciding process to resume by itself.
    const service = createApprovalService({ store, engine, workflows, now: () => Date.now() + 60_000 });
    await service.sync();
    const a = await store.getRun(ids.deployA as string);
    expect(a?.status).toBe('success');
    expect(a?.output).toEqual({ released: 'app-1.0.0.tgz' });
    const b = await store.getRun(ids.deployB as string);
    expect(b?.status).toBe('failed');
    expect(b?.error?.name).toBe('ApprovalRejectedError');
    expect(weft(['runs', 'show', ids.deployA as string]).out).toMatch(/^release\s+1\s+success/m);
  });

  it('an unknown approval id exits 1', () => {
    const r = weft(['approvals', 'approve', 'nope', '--actor', 'alice']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nope/);
  });
});

describe('weft eval', () => {
  it('delegates to @weft/eval and records the eval in the same store', () => {
    const help = weft(['eval', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/weft eval compare <a> <b>/);
    const file = join(dir, 'upper.eval.ts');
    writeFileSync(
      file,
      `import { defineEval, exactMatch } from '@weft/eval';
export default defineEval({
  name: 'upper',
  data: [{ input: 'a', expected: 'A' }, { input: 'b', expected: 'B' }],
  task: async (s: string) => s.toUpperCase(),
  scorers: [exactMatch()],
});
`,
    );
    const r = weft(['eval', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/upper/);
    const again = weft(['eval', file, '--baseline', 'latest']);
    expect(again.code, again.out + again.err).toBe(0);
  });
});
