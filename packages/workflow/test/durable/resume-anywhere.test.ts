/**
 * Suspend in one process, resume in another by run id — on a libsql file and on Postgres. Every
 * "process" is a real child process; the side table proves completed steps never re-run.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSideLog } from './fixtures/chain.js';
import { runTs, spawnTs } from './helpers/child.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/engine-child.ts', import.meta.url));
const tmp = tmpDir('weft-resume-');
const schema = uniqueSchema('resume');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

interface ChildResult {
  runId: string;
  status: string;
  output?: unknown;
  suspended?: string[];
  thrown?: { name: string; code: string };
}

const targets = [
  { name: 'libsql file', url: `file:${join(tmp.dir, 'weft.db')}`, env: {} as Record<string, string> },
  { name: 'postgres', url: PG_URL, env: { WEFT_PG_SCHEMA: schema } },
];

describe.each(targets)('resume anywhere: $name', ({ url, env }) => {
  const sidePath = join(tmp.dir, `side-${env.WEFT_PG_SCHEMA ? 'pg' : 'libsql'}.db`);
  const child = async (...args: string[]): Promise<ChildResult> => {
    const out = await runTs(CHILD, [url, sidePath, ...args], env);
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no RESULT line in:\n${out}`);
    return JSON.parse(line.slice('RESULT '.length)) as ChildResult;
  };
  const executions = (runId: string): Record<string, number> => {
    const side = openSideLog(sidePath);
    const rows = side.prepare('SELECT step FROM executions WHERE run_id = ?').all([runId]) as { step: string }[];
    side.close();
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.step] = (counts[r.step] ?? 0) + 1;
    return counts;
  };

  it('suspends in process A and resumes in process B by run id', async () => {
    const a = await child('start', 'approve-one', JSON.stringify({ doc: 'spec' }));
    expect(a).toMatchObject({ status: 'suspended', suspended: ['ask'] });
    const b = await child('resume', a.runId, 'ask', JSON.stringify({ ok: true }));
    expect(b).toMatchObject({ status: 'success', output: { done: true, by: 'ask' } });
    // prep ran once; the gate ran when it suspended and once more when resumed.
    expect(executions(a.runId)).toEqual({ prep: 1, ask: 2, after: 1 });
  });

  it('two processes resuming the same run at once: one runs the gate, the other is RunNotSuspendedError', async () => {
    const a = await child('start', 'approve-one', JSON.stringify({ doc: 'race' }));
    expect(a).toMatchObject({ status: 'suspended', suspended: ['ask'] });
    const data = JSON.stringify({ ok: true });
    const results = await Promise.all([child('resume', a.runId, 'ask', data), child('resume', a.runId, 'ask', data)]);
    expect(results.filter((r) => r.status === 'success')).toHaveLength(1);
    expect(results.filter((r) => r.thrown?.name === 'RunNotSuspendedError')).toHaveLength(1);
    // The gate ran when it suspended and once more, in the process that won the claim.
    expect(executions(a.runId)).toEqual({ prep: 1, ask: 2, after: 1 });
  });

  it('resumes two suspended parallel branches one at a time in separate processes', async () => {
    const a = await child('start', 'two-branches', '{}');
    expect(a).toMatchObject({ status: 'suspended', suspended: ['gates/a', 'gates/b'] });
    const b = await child('resume', a.runId, 'gates/b', JSON.stringify({ ok: false }));
    expect(b).toMatchObject({ status: 'suspended', suspended: ['gates/a'] });
    const c = await child('resume', a.runId, 'gates/a', JSON.stringify({ ok: true }));
    expect(c).toMatchObject({ status: 'success', output: { a: true, b: false } });
    expect(executions(a.runId)).toEqual({ prep: 1, 'gates/a': 2, 'gates/b': 2, join: 1 });
  });

  it('resumes three suspended foreach items individually', async () => {
    const a = await child('start', 'three-items', '{}');
    expect(a.suspended).toEqual(['items[0]/item', 'items[1]/item', 'items[2]/item']);
    const b = await child('resume', a.runId, 'items[1]/item', JSON.stringify({ ok: false }));
    expect(b.suspended).toEqual(['items[0]/item', 'items[2]/item']);
    const c = await child('resume', a.runId, 'items[2]/item', JSON.stringify({ ok: true }));
    expect(c.suspended).toEqual(['items[0]/item']);
    const d = await child('resume', a.runId, 'items[0]/item', JSON.stringify({ ok: true }));
    expect(d).toMatchObject({ status: 'success', output: 'x:true,y:false,z:true' });
    expect(executions(a.runId)).toEqual({
      list: 1,
      'items[0]/item': 2,
      'items[1]/item': 2,
      'items[2]/item': 2,
      sum: 1,
    });
  });

  it('a second interrupt in the same run waits again (same step, then a later gate), each resumed elsewhere', async () => {
    const a = await child('start', 'interrupts', '{}');
    expect(a.suspended).toEqual(['review']);
    const b = await child('resume', a.runId, 'review', JSON.stringify({ again: true }));
    expect(b).toMatchObject({ status: 'suspended', suspended: ['review'] });
    const c = await child('resume', a.runId, 'review', JSON.stringify({ again: false }));
    expect(c).toMatchObject({ status: 'suspended', suspended: ['sign'] });
    const d = await child('resume', a.runId, 'sign', JSON.stringify({ ok: true }));
    expect(d).toMatchObject({ status: 'success', output: { gate: 'sign', ok: true, input: 'reviewed' } });
    expect(executions(a.runId)).toEqual({ prep: 1, review: 3, sign: 2 });
  });

  it('resumes a nested workflow suspended two levels down without re-running outer steps', async () => {
    const a = await child('start', 'nested', '{}');
    expect(a.suspended).toEqual(['middle/innermost/deep']);
    const b = await child('resume', a.runId, 'middle/innermost/deep', JSON.stringify({ ok: true }));
    expect(b).toMatchObject({ status: 'success', output: { finished: true } });
    expect(executions(a.runId)).toEqual({
      o1: 1,
      'middle/m1': 1,
      'middle/innermost/x1': 1,
      'middle/innermost/deep': 2,
      o2: 1,
    });
  });

  it('a 2 s sleep survives a restart: the sleeping process is killed, a worker started later finishes it', async () => {
    const a = spawnTs(CHILD, [url, sidePath, 'start', 'sleepy', '{}'], env);
    // Wait until it is inside the sleep (its first step committed), then kill it.
    const side = openSideLog(sidePath);
    const find = side.prepare("SELECT run_id FROM executions WHERE step = 'before' AND pid = ?");
    let runId: string | undefined;
    const deadline = Date.now() + 15_000;
    while (!runId && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      runId = (find.all([a.proc.pid]) as { run_id: string }[])[0]?.run_id;
    }
    side.close();
    expect(runId).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    a.proc.kill('SIGKILL');
    await a.exited;
    const id = runId as string;
    expect((await child('get', id)).status).toBe('running');

    const worker = spawnTs(CHILD, [url, sidePath, 'worker'], env);
    try {
      await worker.waitFor('ready');
      let counts: Record<string, number> = {};
      const until = Date.now() + 15_000;
      while (!counts.after && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        counts = executions(id);
      }
      expect(counts).toEqual({ before: 1, after: 1 });
      // `after` ran; let the worker commit it and finish the run before stopping it.
      for (let i = 0; i < 20 && (await child('get', id)).status !== 'success'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      worker.proc.kill('SIGKILL');
      await worker.exited;
    }
    const done = await child('get', id);
    expect(done.status).toBe('success');
    expect((done.output as { slept: number }).slept).toBeGreaterThanOrEqual(2000);
  });
});
