/**
 * `weft runs migrate`: a run parked by a deploy that changed a step it had completed is moved by the
 * CLI (store only, no workflow code loaded), audited, and then finishes on the new definition.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '@weft/cli';
import { createEngine, createStore, RunParkedError, step, workflow } from '@weft/workflow';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const repo = resolve(import.meta.dirname, '../../..');
const bin = join(repo, 'packages/cli/src/cli.ts');
const hooks = join(repo, 'scripts/ts-hooks.mjs');
const dir = mkdtempSync(join(tmpdir(), 'weft-cli-migrate-'));
const dbUrl = `file:${join(dir, 'app.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** In process (fast): the same runCli the bin calls. */
async function weftIn(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: { write: (c: string) => void (out += c) },
    stderr: { write: (c: string) => void (err += c) },
    env: { WEFT_DB_URL: dbUrl },
    cwd: dir,
  });
  return { code, out, err };
}

/** The real bin in a child process. */
function weft(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', hooks, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, WEFT_DB_URL: dbUrl, NO_COLOR: '1' },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const build = (output: z.ZodType) =>
  step({
    id: 'build',
    input: z.object({ v: z.string() }),
    output,
    run: async ({ input }) => ({ artifact: `app-${input.v}`, size: 1 }),
  });
const v1 = workflow({ id: 'deploy', version: 1, input: z.object({ v: z.string() }) })
  .step(build(z.object({ artifact: z.string() })))
  .awaitApproval('ship', { title: 'Ship it?' })
  .then('release', async ({ input }) => ({ released: (input as { artifact: string }).artifact }))
  .commit();
const v2 = workflow({ id: 'deploy', version: 2, input: z.object({ v: z.string() }) })
  .step(build(z.object({ artifact: z.string(), size: z.number() })))
  .awaitApproval('ship', { title: 'Ship it?' })
  .then('release', async ({ input }) => ({ released: (input as { artifact: string }).artifact }))
  .commit();

describe('weft runs migrate', () => {
  it('moves a parked run to the new version with an audit event; the run then finishes', async () => {
    const store = createStore({ url: dbUrl });
    const runId = (
      await createEngine({ store, workflows: [v1] })
        .run(v1)
        .start({ input: { v: '1.2' } })
    ).runId;
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const deployed = createEngine({ store, workflows: [v2], logger: quiet });
    await expect(deployed.resume(runId, { step: 'ship', data: { decision: 'approved' } })).rejects.toBeInstanceOf(
      RunParkedError,
    );
    await store.close();

    const listed = await weftIn(['runs', 'list', '--status', 'parked']);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain(runId);
    const shown = await weftIn(['runs', 'show', runId]);
    expect(shown.out).toMatch(/status\s+parked/);
    expect(shown.out).toContain('WEFT_RUN_PARKED');

    expect((await weftIn(['runs', 'migrate'])).code).toBe(2);
    const missing = await weftIn(['runs', 'migrate', 'nope']);
    expect(missing.code).toBe(1);
    const unknown = await weftIn(['runs', 'migrate', runId, '--to', '7']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no stored definition of workflow "deploy" matches "7"/);

    const moved = weft(['runs', 'migrate', runId, '--to', '2', '--actor', 'ops', '--reason', 'build reports its size']);
    expect(moved.code, moved.err).toBe(0);
    expect(moved.out).toContain(`${v1.hash.slice(0, 12)} → ${v2.hash.slice(0, 12)} (version 2); status suspended.`);
    expect(moved.out).toContain('step "build" (completed) changed its output schema');
    const again = await weftIn(['runs', 'migrate', runId, '--json']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already runs on definition/);

    const reopened = createStore({ url: dbUrl });
    const audit = (await reopened.readEvents(runId)).find((e) => e.type === 'run:migrated');
    expect(audit?.data).toMatchObject({
      actor: 'ops',
      reason: 'build reports its size',
      automatic: false,
      to: v2.hash,
    });
    const engine = createEngine({ store: reopened, workflows: [v2] });
    expect(await engine.resume(runId, { step: 'ship', data: { decision: 'approved' } })).toMatchObject({
      status: 'success',
      output: { released: 'app-1.2' },
    });
    await engine.close();
    await reopened.close();
  }, 60_000);
});
