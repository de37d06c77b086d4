/**
 * Bad input against the durable stores: each case is a typed error and leaves the stored state
 * exactly as it was (compared row for row before and after).
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workflow } from '../../src/builder/workflow.js';
import { createEngine } from '../../src/engine/engine.js';
import { ResumeValidationError, RunNotFoundError, RunNotSuspendedError } from '../../src/errors/errors.js';
import { CorruptRowError, createStore, type KyselyStore, StoreValueError } from '../../src/store/kysely/index.js';
import { step } from '../../src/step/step.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from './helpers/stores.js';

const tmp = tmpDir('weft-bad-');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const schema = uniqueSchema('bad');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});

const makeWf = (v2 = false) => {
  const wf = workflow({ id: 'review-doc', input: z.object({ doc: z.string() }) })
    .step('prep', async ({ input }) => ({ draft: `draft ${input.doc}` }))
    .then(
      step({
        id: 'review',
        resumeSchema: z.object({ approved: z.boolean() }),
        run: async ({ input, suspend, resumeData }) => (resumeData ? { input, ...resumeData } : suspend({ input })),
      }),
    );
  // v2 adds a step: a structural change, so the definition hash differs.
  return v2 ? wf.step('notify', async ({ input }) => input).commit() : wf.commit();
};

/** Every row of the run, as stored (raw text), to compare before and after a failed operation. */
async function snapshot(store: KyselyStore, runId: string) {
  const rows: Record<string, unknown[]> = {};
  for (const table of ['weft_runs', 'weft_steps', 'weft_suspensions', 'weft_events', 'weft_timers']) {
    const key = table === 'weft_runs' ? 'id' : 'run_id';
    rows[table] = (
      await sql`SELECT * FROM ${sql.table(table)} WHERE ${sql.ref(key)} = ${runId} ORDER BY 1, 2`.execute(store.db)
    ).rows;
  }
  return rows;
}

describe.each([
  { name: 'libsql file', make: () => createStore({ url: `file:${join(tmp.dir, 'bad.db')}` }) },
  { name: 'postgres', make: () => createStore({ url: PG_URL, schema }) },
])('bad input: $name', ({ make }) => {
  let store: KyselyStore;
  beforeAll(async () => {
    store = make();
    await store.init();
  });
  afterAll(() => store.close());

  const suspended = async () => {
    const engine = createEngine({ store, workflows: [makeWf()] });
    const r = await engine.run(makeWf()).start({ input: { doc: 'a' } });
    expect(r.status).toBe('suspended');
    return { engine, runId: r.runId };
  };

  it('an unknown run id is a RunNotFoundError', async () => {
    const engine = createEngine({ store, workflows: [makeWf()] });
    await expect(engine.resume('no-such-run', { step: 'review', data: { approved: true } })).rejects.toBeInstanceOf(
      RunNotFoundError,
    );
    expect(await store.getRun('no-such-run')).toBeUndefined();
  });

  it('resume data failing the schema is a ResumeValidationError; the run stays suspended', async () => {
    const { engine, runId } = await suspended();
    const before = await snapshot(store, runId);
    await expect(engine.resume(runId, { step: 'review', data: { approved: 'yes' } })).rejects.toBeInstanceOf(
      ResumeValidationError,
    );
    expect(await snapshot(store, runId)).toEqual(before);
    expect(await engine.resume(runId, { step: 'review', data: { approved: true } })).toMatchObject({
      status: 'success',
    });
  });

  it('resuming a completed run is a RunNotSuspendedError; nothing changes', async () => {
    const { engine, runId } = await suspended();
    await engine.resume(runId, { step: 'review', data: { approved: false } });
    const before = await snapshot(store, runId);
    await expect(engine.resume(runId, { step: 'review', data: { approved: true } })).rejects.toBeInstanceOf(
      RunNotSuspendedError,
    );
    expect(await snapshot(store, runId)).toEqual(before);
  });

  it('a changed definition that only adds a step after the gate continues the run on it (recorded)', async () => {
    const { runId } = await suspended();
    const changed = createEngine({ store, workflows: [makeWf(true)] });
    expect(await changed.resume(runId, { step: 'review', data: { approved: true } })).toMatchObject({
      status: 'success',
      steps: { notify: { approved: true } },
    });
    expect((await store.getRun(runId))?.definitionHash).toBe(makeWf(true).hash);
    const migrated = (await store.readEvents(runId)).find((e) => e.type === 'run:migrated');
    expect(migrated?.data).toMatchObject({ from: makeWf().hash, to: makeWf(true).hash, automatic: true });
  });

  it('a corrupt JSON row is a CorruptRowError naming table and column; the row is left as it was', async () => {
    const { engine, runId } = await suspended();
    await sql`UPDATE weft_steps SET output = ${'{"draft": "trunc'} WHERE run_id = ${runId} AND path = 'prep'`.execute(
      store.db,
    );
    const before = await snapshot(store, runId);
    const error = await engine.resume(runId, { step: 'review', data: { approved: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptRowError);
    expect((error as CorruptRowError).code).toBe('WEFT_STORE_CORRUPT_ROW');
    expect((error as CorruptRowError).toJSON()).toMatchObject({ table: 'weft_steps', column: 'output' });
    // Typed fields, as docs/durability.md lists them.
    expect((error as CorruptRowError).table).toBe('weft_steps');
    expect((error as CorruptRowError).column).toBe('output');
    expect((error as CorruptRowError).key).toContain(runId);
    // Every row, the run's included, is exactly as before: it is still suspended.
    expect(await snapshot(store, runId)).toEqual(before);
    await expect(store.listSteps(runId)).rejects.toBeInstanceOf(CorruptRowError);
  });

  it('a recovered run with a corrupt row fails with the CorruptRowError instead of being re-claimed forever', async () => {
    const wf = makeWf();
    const engine = createEngine({ store, workflows: [wf], logger: quiet });
    const now = Date.now();
    const dead = (id: string) =>
      store.createRun({
        id,
        workflowId: wf.id,
        definitionHash: wf.hash,
        status: 'running',
        input: { doc: 'a' },
        leaseOwner: 'dead-process',
        leaseExpiresAt: now - 1,
        createdAt: now,
        updatedAt: now,
      });
    // A corrupt step row and, in another run, a corrupt run input: both runs' processes died.
    const stepRun = `corrupt-step-${store.dialect}`;
    const inputRun = `corrupt-input-${store.dialect}`;
    await dead(stepRun);
    await store.commitStep({
      step: { runId: stepRun, path: 'prep', attempt: 1, status: 'success', output: { draft: 'x' }, startedAt: now },
    });
    await sql`UPDATE weft_steps SET output = ${'{"draft'} WHERE run_id = ${stepRun}`.execute(store.db);
    await dead(inputRun);
    await sql`UPDATE weft_runs SET input = ${'{"doc'} WHERE id = ${inputRun}`.execute(store.db);

    const results = await engine.recover({ limit: 10 });
    expect(results.map((r) => [r.runId, r.status]).sort()).toEqual([
      [inputRun, 'failed'],
      [stepRun, 'failed'],
    ]);
    for (const r of results) expect(r.status === 'failed' && r.error).toBeInstanceOf(CorruptRowError);
    for (const [runId, column] of [
      [stepRun, 'output'],
      [inputRun, 'input'],
    ] as const) {
      const raw = (
        await sql<{ status: string; error: string }>`SELECT status, error FROM weft_runs WHERE id = ${runId}`.execute(
          store.db,
        )
      ).rows[0];
      expect(raw?.status).toBe('failed');
      expect(JSON.parse(raw?.error ?? '{}')).toMatchObject({
        name: 'CorruptRowError',
        code: 'WEFT_STORE_CORRUPT_ROW',
        details: { column },
      });
    }
    expect((await store.readEvents(stepRun)).map((e) => e.type)).toEqual(['run:failed']);
    // Nothing left to claim, and the corrupt row itself is untouched for inspection.
    expect(await engine.recover({ limit: 10 })).toEqual([]);
    await expect(store.listSteps(stepRun)).rejects.toBeInstanceOf(CorruptRowError);
  });

  it('a last step output or a suspend payload over maxValueBytes fails the run with the StoreValueError', async () => {
    const small = createStore({ url: `file:${join(tmp.dir, `small-run-${store.dialect}.db`)}`, maxValueBytes: 16_384 });
    const big = 'x'.repeat(20_000);
    const last = workflow({ id: 'big-last', input: z.object({ n: z.number() }) })
      .step('a', async ({ input }) => input.n)
      .step('b', async () => big)
      .commit();
    const gate = workflow({ id: 'big-gate', input: z.object({ n: z.number() }) })
      .then(step({ id: 'ask', run: async ({ suspend }) => suspend({ big }) }))
      .commit();
    const engine = createEngine({ store: small, workflows: [last, gate], logger: quiet });
    for (const wf of [last, gate]) {
      const r = await engine.run(wf).start({ input: { n: 1 } });
      expect(r.status).toBe('failed');
      expect(r.status === 'failed' && r.error).toBeInstanceOf(StoreValueError);
      const rec = await small.getRun(r.runId);
      expect(rec).toMatchObject({ status: 'failed', error: { name: 'StoreValueError', code: 'WEFT_STORE_VALUE' } });
      // Step `a` of big-last committed (its success event is stored); nothing of the rejected write is.
      expect((await small.readEvents(r.runId)).map((e) => `${e.type}@${e.path ?? ''}`)).toEqual(
        wf === last ? ['run:start@', 'step:success@a', 'run:failed@'] : ['run:start@', 'run:failed@'],
      );
      expect(await small.listSuspensions(r.runId)).toEqual([]);
    }
    await small.close();
  });

  it('a value over maxValueBytes or not JSON-serializable is a StoreValueError; nothing is written', async () => {
    const small = createStore({ url: `file:${join(tmp.dir, `small-${store.dialect}.db`)}`, maxValueBytes: 1024 });
    const now = Date.now();
    await small.createRun({
      id: 'r',
      workflowId: 'w',
      definitionHash: 'h',
      status: 'running',
      input: 1,
      createdAt: now,
      updatedAt: now,
    });
    const big = 'x'.repeat(2000);
    const err = await small
      .commitStep({ step: { runId: 'r', path: 'big', attempt: 1, status: 'success', output: big, startedAt: now } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreValueError);
    expect((err as StoreValueError).message).toMatch(/at most 1024 bytes.*path=big/);
    await expect(
      small.commitStep({ step: { runId: 'r', path: 'n', attempt: 1, status: 'success', output: 10n, startedAt: now } }),
    ).rejects.toBeInstanceOf(StoreValueError);
    expect(await small.listSteps('r')).toEqual([]);
    await small.close();
  });
});
