/**
 * The decision watcher of `start()`: a decision recorded by a process that cannot run the workflow
 * (like the `weft` CLI) is continued by the app's service without waiting for a sync (the sync poll
 * is set to a minute here); a resume that keeps failing is retried with backoff, not every poll;
 * close() stops it. libsql file and Postgres.
 */
import { createApprovalService } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple } from './fixtures/workflows.js';
import { approvalOf, type Backend, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

const until = async (check: () => Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.each<Backend>(['libsql', 'postgres'])('decision watcher on %s', (backend) => {
  let target: DbTarget;
  let o: Opened;
  beforeAll(async () => {
    target = dbTarget(backend, 'decisions');
    o = await open(target, { awaitResume: false });
  });
  afterAll(async () => {
    await o?.close();
    await target?.cleanup();
  });

  const cliService = () =>
    createApprovalService({
      store: o.store,
      engine: {
        resume: async () => {
          throw new Error('deferred: no workflow code here');
        },
      },
      awaitResume: true,
      onError: () => undefined,
    });

  it('continues a run decided elsewhere without a sync, once', async () => {
    const runId = await startSuspended(o, simple, { customer: 'cli', amount: 5 });
    const id = await approvalOf(o.service, runId);
    const appErrors: string[] = [];
    const app = createApprovalService({
      store: o.store,
      engine: o.engine,
      workflows: [simple],
      onError: (e) => void appErrors.push((e as Error).message),
    });
    app.start({ pollMs: 60_000, decisionPollMs: 20 });
    try {
      const cli = cliService();
      await cli.decide({ id, decision: 'approve', actor: { id: 'alice' }, via: 'cli' });
      await until(async () => (await o.store.getRun(runId))?.status === 'success');
      const events = await o.store.readEvents(runId);
      expect(events.filter((e) => e.type === 'run:resume')).toHaveLength(1);
      expect(appErrors).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('a resume that keeps failing is retried with backoff, not at every poll', async () => {
    const runId = await startSuspended(o, simple, { customer: 'broken', amount: 6 });
    const id = await approvalOf(o.service, runId);
    let attempts = 0;
    const app = createApprovalService({
      store: o.store,
      engine: {
        resume: async () => {
          attempts++;
          throw new Error('this engine cannot resume right now');
        },
      },
      workflows: [simple],
      onError: () => undefined,
    });
    app.start({ pollMs: 60_000, decisionPollMs: 10 });
    try {
      await cliService().decide({ id, decision: 'approve', actor: { id: 'alice' }, via: 'cli' });
      await until(async () => attempts >= 1);
      await new Promise((r) => setTimeout(r, 400)); // ~40 polls
      expect(attempts).toBe(1);
    } finally {
      await app.close();
    }
    // The decision is still there for a working process.
    await o.service.sync();
    expect((await o.store.getRun(runId))?.status).toBe('suspended');
  });
});
