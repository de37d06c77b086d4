/**
 * Workflow versioning on a real libsql file: a deploy that only adds steps continues suspended runs
 * on the new definition; a deploy that changes what a run already committed parks it (no retry
 * loop) until an explicit, audited migration; several versions side by side each keep their runs.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  createStore,
  createWorker,
  DefinitionChangedError,
  DuplicateWorkflowVersionError,
  type KyselyStore,
  MigrationError,
  migrateRun,
  RunParkedError,
  step,
  type Workflow,
  workflow,
} from '../../src/index.js';
import { tmpDir } from './helpers/stores.js';

const tmp = tmpDir('weft-versioning-');
afterAll(() => tmp.cleanup());

const logs: string[] = [];
const logger = {
  debug() {},
  info() {},
  warn: (m: string) => void logs.push(`warn ${m}`),
  error: (m: string) => void logs.push(`error ${m}`),
};

let n = 0;
const newStore = (): KyselyStore => createStore({ url: `file:${join(tmp.dir, `v${++n}.db`)}` });

const Draft = z.object({ text: z.string() });
const draft = step({
  id: 'draft',
  input: z.object({ topic: z.string() }),
  output: Draft,
  run: async ({ input }) => ({ text: `about ${input.topic}` }),
});

/** v1: draft → approval gate → publish. */
const v1 = workflow({ id: 'post', version: 1, input: z.object({ topic: z.string() }) })
  .step(draft)
  .awaitApproval('ship-it', { title: 'Publish?' })
  .step('publish', async ({ input }) => ({ published: (input as { text: string }).text }))
  .commit();

/** v2: the same, plus a step after the gate. */
const v2 = workflow({ id: 'post', version: 2, input: z.object({ topic: z.string() }) })
  .step(draft)
  .awaitApproval('ship-it', { title: 'Publish?' })
  .step('publish', async ({ input }) => ({ published: (input as { text: string }).text }))
  .step('announce', async ({ input }) => ({ ...(input as object), announced: true }))
  .commit();

/** v3: `draft` returns a different output schema — runs that completed it cannot continue. */
const v3 = workflow({ id: 'post', version: 3, input: z.object({ topic: z.string() }) })
  .step(
    step({
      id: 'draft',
      input: z.object({ topic: z.string() }),
      output: z.object({ text: z.string(), words: z.number() }),
      run: async ({ input }) => ({ text: `about ${input.topic}`, words: 2 }),
    }),
  )
  .awaitApproval('ship-it', { title: 'Publish?' })
  .step('publish', async ({ input }) => ({ published: (input as { text: string }).text }))
  .commit();

const approve = { decision: 'approved' as const };

async function suspendedOn(store: KyselyStore, wf: Workflow<'post', { topic: string }, any>) {
  const engine = createEngine({ store, workflows: [wf], logger });
  const r = await engine.run(wf).start({ input: { topic: 'x' } });
  expect(r.status).toBe('suspended');
  return r.runId;
}

describe('versioning (libsql file)', () => {
  it('deploy v2 adding a step after the gate: the suspended run finishes on v2, once, with no error', async () => {
    const store = newStore();
    const runId = await suspendedOn(store, v1);
    logs.length = 0;
    // "Deploy": a new process with only v2 registered.
    const engine = createEngine({ store, workflows: [v2], logger });
    const r = await engine.resume(runId, { step: 'ship-it', data: approve });
    expect(r).toMatchObject({ status: 'success', output: { published: 'about x', announced: true } });
    const rec = await store.getRun(runId);
    expect(rec).toMatchObject({ status: 'success', definitionHash: v2.hash });
    const events = await store.readEvents(runId);
    expect(events.filter((e) => e.type === 'run:migrated').map((e) => e.data)).toEqual([
      { from: v1.hash, to: v2.hash, version: 2, automatic: true, how: 'compatible' },
    ]);
    // `draft` ran once (in v1's process), never again.
    expect((await store.listSteps(runId)).filter((s) => s.path === 'draft')).toHaveLength(1);
    expect(logs).toEqual([]);
    await store.close();
  });

  it('deploy v3 changing a completed step schema: the run parks with a reason, new runs use v3, migrate moves it', async () => {
    const store = newStore();
    const runId = await suspendedOn(store, v1);
    logs.length = 0;
    const engine = createEngine({ store, workflows: [v3], logger });
    const parked = await engine.resume(runId, { step: 'ship-it', data: approve }).catch((e: unknown) => e);
    expect(parked).toBeInstanceOf(RunParkedError);
    expect(parked).toBeInstanceOf(DefinitionChangedError); // existing instanceof checks keep working
    expect(parked).toMatchObject({
      code: 'WEFT_RUN_PARKED',
      changes: ['step "draft" (completed) changed its output schema'],
    });
    const rec = await store.getRun(runId);
    expect(rec?.status).toBe('parked');
    expect(rec?.error).toMatchObject({
      code: 'WEFT_RUN_PARKED',
      details: { changes: [expect.stringContaining('draft')] },
    });
    expect((await store.readEvents(runId)).filter((e) => e.type === 'run:parked')).toHaveLength(1);
    expect(logs).toEqual(['warn run parked: no registered definition can continue it']);

    // No retry loop: a worker polling the store neither claims nor re-parks it.
    const worker = createWorker({ engine, pollMs: 5 });
    worker.start();
    await new Promise((r) => setTimeout(r, 150));
    await worker.stop();
    expect((await store.readEvents(runId)).filter((e) => e.type === 'run:parked')).toHaveLength(1);
    expect(logs).toHaveLength(1);
    // Resuming again is the same typed error, without another write.
    await expect(engine.resume(runId, { step: 'ship-it', data: approve })).rejects.toBeInstanceOf(RunParkedError);
    await expect(engine.execute(runId)).rejects.toBeInstanceOf(RunParkedError);
    expect((await store.readEvents(runId)).filter((e) => e.type === 'run:parked')).toHaveLength(1);

    // New runs start on the newest definition.
    const fresh = await engine.enqueue('post', { topic: 'y' });
    expect((await store.getRun(fresh))?.definitionHash).toBe(v3.hash);

    // The explicit migration: audited, back to suspended, then resumed as before.
    const moved = await engine.migrate(runId, { actor: 'ops@acme', reason: 'draft gained a word count' });
    expect(moved).toMatchObject({
      runId,
      from: v1.hash,
      to: v3.hash,
      version: '3',
      status: 'suspended',
      changes: ['step "draft" (completed) changed its output schema'],
    });
    const audit = (await store.readEvents(runId)).find((e) => e.type === 'run:migrated');
    expect(audit?.data).toMatchObject({ actor: 'ops@acme', reason: 'draft gained a word count', automatic: false });
    expect(await engine.resume(runId, { step: 'ship-it', data: approve })).toMatchObject({
      status: 'success',
      output: { published: 'about x' },
    });
    // Migrating again is refused with a typed error: nothing to move.
    await expect(engine.migrate(runId)).rejects.toBeInstanceOf(MigrationError);
    await store.close();
  });

  it('migrateRun works on the store alone (what `weft runs migrate` uses), choosing by version', async () => {
    const store = newStore();
    const runId = await suspendedOn(store, v1);
    const engine = createEngine({ store, workflows: [v3, v2], logger });
    // v3 is the newest but cannot continue; v2 can, so the run moves there on its own.
    expect(await engine.resume(runId, { step: 'ship-it', data: approve })).toMatchObject({ status: 'success' });
    expect((await store.getRun(runId))?.definitionHash).toBe(v2.hash);

    const other = await suspendedOn(store, v1);
    const only3 = createEngine({ store, workflows: [v3], logger });
    await expect(only3.resume(other, { step: 'ship-it', data: approve })).rejects.toBeInstanceOf(RunParkedError);
    await expect(migrateRun(store, other, { to: 'nope' })).rejects.toThrow(/no stored definition .* matches "nope"/);
    const moved = await migrateRun(store, other, { to: 2, actor: 'cli' });
    expect(moved).toMatchObject({ to: v2.hash, version: '2', status: 'suspended', changes: [] });
    expect(
      await createEngine({ store, workflows: [v2], logger }).resume(other, { step: 'ship-it', data: approve }),
    ).toMatchObject({
      status: 'success',
      output: { announced: true },
    });
    await store.close();
  });

  it('both versions registered: each run continues on the definition it started on', async () => {
    const store = newStore();
    const onV1 = await suspendedOn(store, v1);
    const onV2 = await suspendedOn(store, v2);
    const engine = createEngine({ store, workflows: [v1, v2], logger });
    const [a, b] = await Promise.all([
      engine.resume(onV1, { step: 'ship-it', data: approve }),
      engine.resume(onV2, { step: 'ship-it', data: approve }),
    ]);
    expect(a).toMatchObject({ status: 'success', output: { published: 'about x' } });
    expect(a.status === 'success' && 'announce' in a.steps).toBe(false);
    expect(b).toMatchObject({ status: 'success', output: { published: 'about x', announced: true } });
    expect((await store.getRun(onV1))?.definitionHash).toBe(v1.hash);
    expect((await store.getRun(onV2))?.definitionHash).toBe(v2.hash);
    // New runs start on the newest registered version, whatever the registration order.
    const reversed = createEngine({ store, workflows: [v2, v1], logger });
    expect((await store.getRun(await reversed.enqueue('post', { topic: 'z' })))?.definitionHash).toBe(v2.hash);
    await store.close();
  });

  it('removing or renaming a completed step parks; changing or removing a step not reached yet does not', async () => {
    const store = newStore();
    const renamed = workflow({ id: 'post', version: 4, input: z.object({ topic: z.string() }) })
      .step('draft-v2', async ({ input }) => ({ text: `about ${input.topic}` }))
      .awaitApproval('ship-it', { title: 'Publish?' })
      .commit();
    const runId = await suspendedOn(store, v1);
    const error = await createEngine({ store, workflows: [renamed], logger })
      .resume(runId, { step: 'ship-it', data: approve })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      changes: ['step "draft" (completed in this run) is not in the new definition (removed or renamed)'],
    });
    // `publish` was not reached yet: replacing it (new schema, new body) is fine.
    const later = workflow({ id: 'post', version: 5, input: z.object({ topic: z.string() }) })
      .step(draft)
      .awaitApproval('ship-it', { title: 'Publish?' })
      .step(step({ id: 'publish', output: z.object({ url: z.string() }), run: async () => ({ url: 'https://x' }) }))
      .commit();
    const second = await suspendedOn(store, v1);
    expect(
      await createEngine({ store, workflows: [later], logger }).resume(second, { step: 'ship-it', data: approve }),
    ).toMatchObject({ status: 'success', output: { url: 'https://x' } });
    await store.close();
  });

  it('a duplicate id + version is a DuplicateWorkflowVersionError at registration; the same definition twice is fine', () => {
    const clash = workflow({ id: 'post', version: 1 })
      .step('other', async () => 1)
      .commit();
    expect(() => createEngine({ workflows: [v1, clash] })).toThrow(DuplicateWorkflowVersionError);
    expect(() => createEngine({ workflows: [v1, clash] })).toThrow(/version 1 is already registered/);
    const engine = createEngine({ workflows: [v1] });
    expect(() => engine.register(clash)).toThrow(DuplicateWorkflowVersionError);
    expect(() => engine.register(v1)).not.toThrow();
    expect(() => createEngine({ workflows: [v1, v2, v3] })).not.toThrow();
    // Version strings compare by number inside: '1.10' is newer than '1.9'.
    expect(() => workflow({ id: 'bad', version: '' as never })).toThrow(TypeError);
  });
});
