/**
 * The suspend + resume round trip on a real libsql file: what it costs in statements and commits
 * (the durable benchmark's round trip), that its one read comes back whole, and that two resumes
 * racing for one suspended run never both run the step — on one connection, and on two connections
 * to the same file (two stores, as two processes have). resume-anywhere.test.ts races two real
 * child processes.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, RunNotSuspendedError, step, workflow } from '../../src/index.js';
import { createStore } from '../../src/store/kysely/index.js';
import { tmpDir } from './helpers/stores.js';

const tmp = tmpDir('weft-resume-claim-');
afterAll(() => tmp.cleanup());
let files = 0;
const fileUrl = () => `file:${join(tmp.dir, `weft-${++files}.db`)}`;

type Statement = Record<'run' | 'all' | 'get', ((...a: unknown[]) => unknown) | undefined>;
const Database = createRequire(import.meta.url)('libsql') as { prototype: { prepare(sql: string): unknown } };

/** A statement by its verb and table ('SELECT weft_runs + history': the run read with its history arrays). */
function label(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.startsWith('SELECT'))
    return t.includes('json_group_array') ? 'SELECT weft_runs + history' : `SELECT ${/ FROM (\w+)/.exec(t)?.[1]}`;
  return t.split(/ \(| SET| WHERE/)[0] as string;
}

// Every statement run on libsql connections while `capture` runs, by its verb and table (prepared
// statements are cached by the store, so the hook wraps every statement prepared in this file).
let recording: string[] | undefined;
const original = Database.prototype.prepare;
beforeAll(() => {
  Database.prototype.prepare = function (this: unknown, text: string) {
    const st = original.call(this, text) as Statement;
    for (const m of ['run', 'all', 'get'] as const) {
      const f = st[m];
      if (!f) continue;
      st[m] = (...a: unknown[]) => {
        recording?.push(label(text));
        return f.apply(st, a);
      };
    }
    return st;
  };
});
afterAll(() => {
  Database.prototype.prepare = original;
});

async function capture<T>(fn: () => Promise<T>): Promise<{ statements: string[]; result: T }> {
  recording = [];
  try {
    const result = await fn();
    return { statements: recording, result };
  } finally {
    recording = undefined;
  }
}

const S = z.object({ n: z.number() });

/** The durable suite's gate: prep (+1), ask (suspends; +1 when resumed), finish (+1). */
function gate(runs: { resumed: number }) {
  const plus = (id: string) => step({ id, input: S, output: S, run: async ({ input }) => ({ n: input.n + 1 }) });
  return workflow({ id: 'gate', input: S })
    .step(plus('prep'))
    .then(
      step({
        id: 'ask',
        input: S,
        output: S,
        resumeSchema: z.object({ ok: z.boolean() }),
        run: async ({ input, suspend, resumeData }) => {
          if (!resumeData) return suspend({ n: input.n });
          runs.resumed++;
          return { n: input.n + 1 };
        },
      }),
    )
    .then(plus('finish'))
    .commit();
}

/** Commits in a list of statements: each COMMIT, and each write outside BEGIN … COMMIT (autocommit). */
function commits(statements: string[]): number {
  let n = 0;
  let open = false;
  for (const s of statements) {
    if (s.startsWith('BEGIN')) open = true;
    else if (s === 'COMMIT') {
      open = false;
      n++;
    } else if (!open && !s.startsWith('SELECT')) n++;
  }
  return n;
}

describe('suspend + resume round trip on a libsql file', () => {
  it('resume is one read, then three commits: the claim, the resumed step, the last step with the run', async () => {
    const store = createStore({ url: fileUrl() });
    await store.init();
    const runs = { resumed: 0 };
    const wf = gate(runs);
    const engine = createEngine({ store, workflows: [wf] });
    await engine.run(wf).start({ input: { n: 0 } }); // definition snapshot and statement cache warm
    const started = await capture(() => engine.run(wf).start({ input: { n: 1 } }));
    expect(started.result.status).toBe('suspended');
    // The run row, prep, then ask's suspension with the run's status: three commits.
    expect(commits(started.statements)).toBe(3);
    const resumed = await capture(() => engine.resume(started.result.runId, { step: 'ask', data: { ok: true } }));
    expect(resumed.result).toMatchObject({ status: 'success', output: { n: 4 } });
    expect(resumed.statements).toEqual([
      // The run, its steps, open suspensions and history events in one statement.
      'SELECT weft_runs + history',
      // The claim: suspended → running, a compare-and-set committed before the step runs again.
      'UPDATE weft_runs',
      'BEGIN IMMEDIATE',
      'INSERT INTO weft_step_commits',
      'INSERT INTO weft_events',
      'DELETE FROM weft_suspensions',
      'COMMIT',
      'BEGIN IMMEDIATE',
      'INSERT INTO weft_step_commits',
      'UPDATE weft_runs',
      'COMMIT',
    ]);
    expect(commits(resumed.statements)).toBe(3);
    expect(runs.resumed).toBe(1);
    await store.close();
  });

  it('the one read returns the run, its steps, open suspensions and history events as the single-table reads do', async () => {
    const store = createStore({ url: fileUrl() });
    await store.init();
    const wf = gate({ resumed: 0 });
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: { n: 1 } });
    const types = ['run:start', 'run:suspended', 'step:suspended'];
    const loaded = await store.loadRun?.(r.runId, types);
    expect(loaded?.run).toEqual(await store.getRun(r.runId));
    expect(loaded?.steps).toEqual(await store.listSteps(r.runId));
    expect(loaded?.suspensions).toEqual(await store.listSuspensions(r.runId));
    expect(loaded?.events).toEqual(await store.readEvents(r.runId, 0, types));
    expect(loaded?.steps.map((s) => `${s.path}:${s.status}`).sort()).toEqual(['ask:suspended', 'prep:success']);
    expect(await store.loadRun?.('no-such-run', types)).toBeUndefined();
    // Any list of types, quotes in them included, and more lists than get literal statements.
    await store.appendEvents(r.runId, [
      { type: "it's", at: 1 },
      { type: 'x\n"y"', at: 2 },
    ]);
    for (let i = 0; i < 12; i++) {
      const some = ["it's", 'x\n"y"', 'run:start', ...Array.from({ length: i }, (_, j) => `other:${j}`)].slice(i % 3);
      const got = await store.loadRun?.(r.runId, some);
      expect(got?.events).toEqual(await store.readEvents(r.runId, 0, some));
      expect(got?.events.length).toBe(3 - (i % 3));
    }
    expect((await store.loadRun?.(r.runId, []))?.events).toEqual([]);
    await store.close();
  });

  it.each([
    { name: 'one engine, one connection', connections: 1 },
    { name: 'two engines on two connections to the same file', connections: 2 },
  ])(
    'two resumes racing for one run ($name): one runs the step, the other is RunNotSuspendedError',
    async ({ connections }) => {
      const url = fileUrl();
      const stores = Array.from({ length: connections }, () => createStore({ url }));
      for (const s of stores) await s.init();
      const runs = { resumed: 0 };
      const wf = gate(runs);
      const engines = stores.map((store) => createEngine({ store, workflows: [wf] }));
      const [a, b = a] = engines as [ReturnType<typeof createEngine>, ...ReturnType<typeof createEngine>[]];
      for (let i = 0; i < 20; i++) {
        const r = await a.run(wf).start({ input: { n: i } });
        expect(r.status).toBe('suspended');
        const before = runs.resumed;
        // Both read the run as suspended before either claims it: only one compare-and-set applies.
        const [x, y] = await Promise.allSettled([
          a.resume(r.runId, { step: 'ask', data: { ok: true } }),
          b.resume(r.runId, { step: 'ask', data: { ok: true } }),
        ]);
        const won = [x, y].filter((o) => o.status === 'fulfilled');
        const lost = [x, y].filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(won[0]).toMatchObject({ value: { status: 'success', output: { n: i + 3 } } });
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(RunNotSuspendedError);
        expect(runs.resumed - before).toBe(1);
        const steps = await stores[0]?.listSteps(r.runId);
        expect(steps?.map((s) => `${s.path}:${s.status}`).sort()).toEqual([
          'ask:success',
          'finish:success',
          'prep:success',
        ]);
      }
      for (const s of stores) await s.close();
    },
  );
});
