/**
 * The observing and controlling commands — `runs cancel | retry | tail | watch`, `approvals show`,
 * `llm usage --run` — driven as child processes of the `weft` bin against a libsql file that an
 * engine in this process writes, plus `weft runs list | head -1` (a reader that goes away).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKyselyUsageStore, createRouter, type Router } from '@weft/llm';
import { createEngine, createStore, type Engine, type KyselyStore, step, workflow } from '@weft/workflow';
import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'packages/cli/src/cli.ts');
const hooks = join(repo, 'scripts/ts-hooks.mjs');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-observe-'));
const dbUrl = `file:${join(dir, 'app.db')}`;
const env = { ...process.env, WEFT_DB_URL: dbUrl, NO_COLOR: '1', USER: 'tester' };

function weft(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', hooks, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env,
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A long-running `weft …` child; `lines()` is what it printed so far. */
function follow(args: string[]) {
  const proc: ChildProcess = spawn(process.execPath, ['--import', hooks, bin, ...args], { cwd: dir, env });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const until = async (pred: (out: string) => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!pred(out)) {
      if (Date.now() > end) throw new Error(`timed out; stdout:\n${out}\nstderr:\n${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { proc, exited, until, out: () => out, err: () => err };
}

let store: KyselyStore;
let engine: Engine;
let router: Router;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let release: () => void = () => {};
let gateOpen: Promise<void> = Promise.resolve();
let failFirst = true;

const slow = workflow({ id: 'slow', input: z.object({ n: z.number() }) })
  .then(
    step({
      id: 'prepare',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      run: async ({ input, ctx }) => {
        ctx.logger.info('preparing', { n: input.n });
        return input;
      },
    }),
  )
  .then(
    step({
      id: 'work',
      input: z.object({ n: z.number() }),
      output: z.object({ n: z.number() }),
      run: async ({ input, ctx }) => {
        await gateOpen; // held until the tail child is following
        ctx.logger.warn('almost there', { left: 1 });
        return { n: input.n * 2 };
      },
    }),
  )
  .commit();
const flaky = workflow({ id: 'flaky', input: z.object({}) })
  .then(step({ id: 'first', run: async () => ({ ok: 1 }) }))
  .then(
    step({
      id: 'second',
      run: async () => {
        if (failFirst) throw new Error('the API said no');
        return { ok: 2 };
      },
    }),
  )
  .commit();
const gated = workflow({ id: 'gated', input: z.object({ v: z.string() }) })
  .then('build', async ({ input }) => ({ artifact: `app-${input.v}.tgz` }))
  .awaitApproval('ship', { title: 'Ship it?', summary: 'To production', approvers: { users: ['alice'] } })
  .commit();
const chat = workflow({ id: 'chat', input: z.object({ q: z.string() }) })
  .then(
    step({
      id: 'ask',
      input: z.object({ q: z.string() }),
      run: async ({ input, ctx }) => {
        const llm = (ctx.resources as { llm: Router }).llm;
        const a = await generateText({ model: llm.model(), prompt: input.q });
        const b = await generateText({ model: llm.model(), prompt: `${input.q} again` });
        return { text: a.text + b.text };
      },
    }),
  )
  .then(
    step({
      id: 'sum',
      run: async ({ ctx }) =>
        (await generateText({ model: (ctx.resources as { llm: Router }).llm.model(), prompt: 'sum' })).text,
    }),
  )
  .commit();

beforeAll(async () => {
  store = createStore({ url: dbUrl });
  await store.init();
  router = createRouter({
    providers: {},
    routes: { default: ['offline/default'] },
    prices: { 'offline/*': { input: 1, output: 2 } },
    store: createKyselyUsageStore({ db: store.db, dialect: store.dialect }),
  });
  engine = createEngine({ store, workflows: [slow, flaky, gated, chat], resources: { llm: router }, logger: quiet });
});

afterAll(async () => {
  await engine?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('weft runs tail', () => {
  it('prints the events and log lines of a run as they are stored, and exits 0 when it succeeds', async () => {
    gateOpen = new Promise<void>((r) => {
      release = r;
    });
    const runId = 'tail-run';
    const running = engine.run(slow, { runId }).start({ input: { n: 21 } });
    await new Promise((r) => setTimeout(r, 50)); // `prepare` committed, `work` waits
    const tail = follow(['runs', 'tail', runId, '--interval', '50']);
    await tail.until((o) => o.includes('[info] preparing'));
    expect(tail.out()).not.toContain('almost there'); // not stored yet: the run is still in `work`
    release();
    expect((await running).status).toBe('success');
    expect(await tail.exited).toBe(0);
    const out = tail.out();
    expect(out).toMatch(/^run tail-run · workflow slow · running/m);
    expect(out).toMatch(/log\s+prepare\s+\[info\] preparing \{"n":21\} \(attempt 1\)/);
    expect(out).toMatch(/log\s+work\s+\[warn\] almost there \{"left":1\} \(attempt 1\)/);
    expect(out).toMatch(/run:success/);
    expect(out).toMatch(/^run tail-run success after /m);
    expect(tail.err()).toBe('');
    // --json: one event per line, in seq order, for a finished run at once.
    const json = weft(['runs', 'tail', runId, '--json']);
    expect(json.code).toBe(0);
    const events = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(events.filter((e) => e.type === 'log')).toHaveLength(2);
    // runs show lists the run's log lines too.
    const show = weft(['runs', 'show', runId]);
    expect(show.out).toMatch(/^logs and lost attempts \(2\)$/m);
    expect(show.out).toMatch(/\[warn\] almost there \{"left":1\} \(attempt 1\)/);
    expect(weft(['runs', 'tail', 'nope']).code).toBe(1);
    expect(weft(['runs', 'tail']).code).toBe(2);
  });
});

describe('weft runs cancel and retry', () => {
  it('cancels a waiting run once; a finished run is left alone', async () => {
    const r = await engine.run(gated).start({ input: { v: '1' } });
    expect(r.status).toBe('suspended');
    const out = weft(['runs', 'cancel', r.runId, '--reason', 'wrong branch']);
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    expect(out.out).toContain(`${r.runId}: canceled (was suspended) — "wrong branch".`);
    expect((await store.getRun(r.runId))?.status).toBe('canceled');
    const events = await store.readEvents(r.runId, 0, ['run:canceled']);
    expect(events[0]?.data).toEqual({ reason: 'wrong branch' });
    const again = weft(['runs', 'cancel', r.runId, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ runId: r.runId, canceled: false, status: 'canceled' });
    expect(weft(['runs', 'cancel', 'nope']).code).toBe(1);
    expect(weft(['runs', 'cancel']).code).toBe(2);
  });

  it('queues a failed run to run again from its failure; a worker with the workflow finishes it', async () => {
    failFirst = true;
    const r = await engine.run(flaky).start({ input: {} });
    expect(r.status).toBe('failed');
    const out = weft(['runs', 'retry', r.runId, '--json']);
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.out)).toMatchObject({ runId: r.runId, previous: 'failed', status: 'queued' });
    expect((await store.getRun(r.runId))?.status).toBe('queued');
    failFirst = false;
    const done = await engine.recover();
    expect(done.map((x) => [x.runId, x.status])).toContainEqual([r.runId, 'success']);
    const steps = await store.listSteps(r.runId);
    // `first` kept its result (ran once); `second` ran again.
    expect(steps.filter((s) => s.path === 'first')).toHaveLength(1);
    expect((await store.readEvents(r.runId, 0, ['run:restart']))[0]?.data).toEqual({ previous: 'failed' });
    const refused = weft(['runs', 'retry', r.runId]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/only failed or canceled runs restart/);
    failFirst = true;
    const r2 = await engine.run(flaky).start({ input: {} });
    const badFrom = weft(['runs', 'retry', r2.runId, '--from', 'nowhere']);
    expect(badFrom.code).toBe(1);
    expect(badFrom.err).toMatch(/no step at "nowhere" was recorded/);
    const fromFirst = weft(['runs', 'retry', r2.runId, '--from', 'first']);
    expect(fromFirst.code).toBe(0);
    expect(fromFirst.out).toMatch(/queued to run again from "first"/);
    expect(await store.listSteps(r2.runId)).toEqual([]);
  });
});

describe('weft runs watch', () => {
  it('prints runs as they appear and change status (--status, --since, --json) until SIGINT, exit 0', async () => {
    const watch = follow(['runs', 'watch', '--status', 'success', '--since', '1m', '--json', '--interval', '50']);
    await new Promise((r) => setTimeout(r, 800)); // the child is up and has read the store once
    const a = await engine.run(chat).start({ input: { q: 'one' } });
    const b = await engine.run(chat).start({ input: { q: 'two' } });
    await watch.until((o) => o.includes(a.runId) && o.includes(b.runId));
    watch.proc.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    const lines = watch
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string; workflowId: string });
    expect(lines.every((l) => l.status === 'success')).toBe(true);
    expect(lines.filter((l) => l.id === a.runId)).toHaveLength(1);
    expect(watch.err()).toBe('');
    const text = follow(['runs', 'watch', '--workflow', 'chat', '--since', '2026-01-01T00:00:00Z']);
    await text.until((o) => o.includes(b.runId));
    text.proc.kill('SIGTERM');
    expect(await text.exited).toBe(0);
    expect(text.out()).toMatch(/^watching runs in file:.* · workflow chat · since 2026-01-01T00:00:00Z/m);
    expect(text.out()).toMatch(new RegExp(`${b.runId}\\s+chat\\s+success`));
    const bad = weft(['runs', 'watch', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Expected --since to be a duration back from now/);
  });
});

describe('weft approvals show', () => {
  it('shows one gate with its approvers, payload, votes and audit log', async () => {
    const r = await engine.run(gated).start({ input: { v: '2' } });
    const list = JSON.parse(weft(['approvals', 'list', '--json']).out) as { id: string; runId: string }[];
    const id = list.find((a) => a.runId === r.runId)?.id as string;
    expect(id).toBeTruthy();
    weft(['approvals', 'approve', id, '--actor', 'mallory']); // refused: not an approver
    const show = weft(['approvals', 'show', id]);
    expect(show.err).toBe('');
    expect(show.code).toBe(0);
    expect(show.out).toContain(`approval ${id}: Ship it?`);
    expect(show.out).toMatch(/status\s+pending · 0\/1 approvals/);
    expect(show.out).toMatch(/approvers\s+user alice/);
    expect(show.out).toMatch(/payload\s+\{"artifact":"app-2.tgz"\}/);
    expect(show.out).toMatch(/audit log \(\d+\)/);
    expect(show.out).toMatch(/requested/);
    expect(show.out).toContain(`Decide with: weft approvals approve ${id}`);
    const json = JSON.parse(weft(['approvals', 'show', id, '--json']).out);
    expect(json.request).toMatchObject({ id, runId: r.runId, status: 'pending', quorum: 1 });
    expect(json.audit[0]).toMatchObject({ action: 'requested' });
    const missing = weft(['approvals', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(weft(['approvals', 'show']).code).toBe(2);
  });
});

describe('weft llm usage', () => {
  it('prints a run’s LLM calls, tokens, cost and latency per step', async () => {
    const r = await engine.run(chat).start({ input: { q: 'what broke?' } });
    expect(r.status).toBe('success');
    const out = weft(['llm', 'usage', '--run', r.runId]);
    expect(out.err).toBe('');
    expect(out.code).toBe(0);
    expect(out.out).toContain(`LLM usage of run ${r.runId} (workflow chat)`);
    expect(out.out).toMatch(
      /^step\s+calls\s+failed\s+in tokens\s+out tokens\s+cost\s+avg latency\s+fallbacks\s+models$/m,
    );
    expect(out.out).toMatch(/^ask\s+2\s+/m);
    expect(out.out).toMatch(/^sum\s+1\s+/m);
    expect(out.out).toMatch(/^total\s+3\s+.*offline\/default$/m);
    const json = JSON.parse(weft(['llm', 'usage', '--run', r.runId, '--json']).out);
    expect(json.steps.map((s: { stepPath: string; calls: number }) => [s.stepPath, s.calls])).toEqual([
      ['ask', 2],
      ['sum', 1],
    ]);
    expect(json.totals.costUsd).toBeGreaterThan(0);
    const none = weft(['llm', 'usage', '--run', 'tail-run']);
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/No LLM calls recorded for run tail-run/);
    expect(weft(['llm', 'usage']).code).toBe(2);
    expect(weft(['llm', 'usage', '--run', 'nope']).code).toBe(1);
  });
});

describe('output into a reader that goes away', () => {
  it('`weft runs list | head -1` prints one line and exits 0 with nothing on stderr', async () => {
    // Enough runs that the output is far larger than a pipe's buffer: the CLI is still writing
    // when head exits, so its next write gets EPIPE.
    const now = Date.now();
    for (let i = 0; i < 1500; i++)
      await store.createRun({
        id: `bulk-${String(i).padStart(4, '0')}`,
        workflowId: 'bulk',
        definitionHash: 'h',
        status: 'success',
        input: { i, padding: 'x'.repeat(100) },
        createdAt: now - i,
        updatedAt: now - i,
      });
    for (const args of [
      ['runs', 'list', '--limit', '1500'],
      ['runs', 'list', '--limit', '1500', '--json'],
    ]) {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" --import "${hooks}" "${bin}" ${args.join(' ')} | head -1; echo "weft-exit=\${PIPESTATUS[0]}" >&2`,
        ],
        { cwd: dir, encoding: 'utf8', env, timeout: 30_000 },
      );
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toBe('weft-exit=0');
    }
  });
});
