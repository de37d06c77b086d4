/**
 * `weft schedules …` as a child process against a libsql file whose schedule a worker (of the
 * app, in this process) declared in code: list, pause, resume, trigger (the next worker poll
 * starts a run now), delete; an unknown id exits 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine, createStore, createWorker, workflow } from '@weft/workflow';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'packages/cli/src/cli.ts');
const hooks = join(repo, 'scripts/ts-hooks.mjs');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-sched-'));
const dbUrl = `file:${join(dir, 'app.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Asynchronous on purpose: the worker of this process keeps polling (and committing) meanwhile;
// a synchronous spawn would freeze it mid-write and hold the file's lock for the child's lifetime.
function weft(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', hooks, bin, ...args],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, WEFT_DB_URL: dbUrl, NO_COLOR: '1' }, timeout: 30_000 },
      (error, stdout, stderr) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

describe('weft schedules', () => {
  it('lists, pauses, resumes, triggers and deletes a schedule', async () => {
    const report = workflow({
      id: 'report',
      input: z.object({ scheduledAt: z.string(), scheduleId: z.string() }),
      schedules: [{ id: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Paris' }],
    })
      .step('build', ({ input }) => ({ for: input.scheduledAt }))
      .commit();
    const store = createStore({ url: dbUrl });
    const engine = createEngine({ store, workflows: [report] });
    const worker = createWorker({ engine, pollMs: 20 });
    worker.start();
    await engine.schedules.list(); // saves the schedule declared in code

    const list = await weft(['schedules', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('report:nightly');
    expect(list.out).toContain('cron 0 3 * * * (Europe/Paris)');
    const json = JSON.parse((await weft(['schedules', 'list', '--json'])).out) as unknown[];
    expect(json).toEqual([expect.objectContaining({ id: 'report:nightly', paused: false, source: 'code' })]);

    expect((await weft(['schedules', 'pause', 'report:nightly'])).code).toBe(0);
    expect((await engine.schedules.get('report:nightly'))?.paused).toBe(true);
    const resumed = await weft(['schedules', 'resume', 'report:nightly']);
    expect(resumed.out + resumed.err).toContain('Resumed report:nightly');

    expect((await weft(['schedules', 'trigger', 'report:nightly'])).code).toBe(0);
    let runs = (await store.listRuns()).runs;
    for (let i = 0; i < 200 && runs.length === 0; i++) {
      await sleep(50);
      runs = (await store.listRuns()).runs;
    }
    expect(runs).toHaveLength(1);
    expect((await engine.getRun(runs[0]?.id as string))?.scheduleId).toBe('report:nightly');
    // Back on its cron after the manual run: the next tick is at 03:00 Paris time.
    const next = (await engine.schedules.get('report:nightly'))?.nextAt as number;
    expect(
      new Date(next).toLocaleString('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }),
    ).toBe('03:00');

    const missing = await weft(['schedules', 'pause', 'nope:x']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('weft schedules list');
    await worker.stop();
    expect((await weft(['schedules', 'delete', 'report:nightly'])).out).toContain('Deleted report:nightly');
    expect(await engine.schedules.list()).toEqual([]);
    await store.close();
  });
});
