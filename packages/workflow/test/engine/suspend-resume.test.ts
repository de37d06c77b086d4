import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApprovalRejectedError,
  createEngine,
  createMemoryStore,
  DefinitionChangedError,
  ResumeValidationError,
  RunNotFoundError,
  RunNotSuspendedError,
  TimeoutError,
  step,
  workflow,
} from '../../src/index.js';

const review = step({
  id: 'review',
  input: z.object({ draft: z.string() }),
  output: z.object({ text: z.string(), by: z.string() }),
  suspendSchema: z.object({ draft: z.string() }),
  resumeSchema: z.object({ reviewer: z.string() }),
  run: async ({ input, suspend, resumeData }) => {
    if (!resumeData) return suspend({ draft: input.draft });
    return { text: input.draft.toUpperCase(), by: resumeData.reviewer };
  },
});

const makeWf = () =>
  workflow({ id: 'publish', input: z.object({ topic: z.string() }) })
    .step('draft', async ({ input }) => ({ draft: `about ${input.topic}` }))
    .then(review)
    .step('publish', async ({ input }) => `${input.text} (by ${input.by})`)
    .commit();

describe('suspend / resume', () => {
  it('suspends with the step payload and resumes from another engine over the same store', async () => {
    const store = createMemoryStore();
    const wf = makeWf();
    let drafts = 0;
    const a = createEngine({ store, workflows: [wf] });
    a.on('step:success', (e) => {
      if (e.path === 'draft') drafts++;
    });
    const r = await a.run(wf).start({ input: { topic: 'weft' } });
    expect(r.status).toBe('suspended');
    if (r.status !== 'suspended') return;
    expect(r.suspended).toMatchObject([{ path: 'review', payload: { draft: 'about weft' } }]);
    expect((await store.getRun(r.runId))?.status).toBe('suspended');

    const b = createEngine({ store, workflows: [makeWf()] }); // "another process"
    const done = await b.resume(r.runId, { step: 'review', data: { reviewer: 'ann' } });
    expect(done).toMatchObject({ status: 'success', output: 'ABOUT WEFT (by ann)' });
    expect(drafts).toBe(1); // the completed step was memoized, not re-run
    expect(await store.listSuspensions(r.runId)).toEqual([]);
  });

  it('invalid resume data is a ResumeValidationError and leaves the run suspended', async () => {
    const wf = makeWf();
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: { topic: 'x' } });
    const err = await engine.resume(r.runId, { step: 'review', data: { reviewer: 42 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResumeValidationError);
    expect((err as ResumeValidationError).issues[0]?.path).toEqual(['reviewer']);
    expect((await engine.getRun(r.runId))?.status).toBe('suspended');
  });

  it('resuming a wrong path, a finished run or an unknown run fails with typed errors', async () => {
    const wf = makeWf();
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: { topic: 'x' } });
    await expect(engine.resume(r.runId, { step: 'publish', data: {} })).rejects.toThrow(RunNotSuspendedError);
    await expect(engine.resume(r.runId, { step: 'publish', data: {} })).rejects.toThrow(/suspended at "review"/);
    await engine.resume(r.runId, { step: 'review', data: { reviewer: 'x' } });
    await expect(engine.resume(r.runId, { step: 'review', data: { reviewer: 'x' } })).rejects.toThrow(
      /status is "success"/,
    );
    await expect(engine.resume('nope', { step: 'review' })).rejects.toThrow(RunNotFoundError);
  });

  it('a changed definition is a DefinitionChangedError unless allowDefinitionChange', async () => {
    const store = createMemoryStore();
    const wf = makeWf();
    const r = await createEngine({ store })
      .run(wf)
      .start({ input: { topic: 'x' } });
    const changed = workflow({ id: 'publish', input: z.object({ topic: z.string(), extra: z.number().optional() }) })
      .step('draft', async ({ input }) => ({ draft: `about ${input.topic}` }))
      .then(review)
      .commit();
    await expect(
      createEngine({ store, workflows: [changed] }).resume(r.runId, { step: 'review', data: { reviewer: 'x' } }),
    ).rejects.toThrow(DefinitionChangedError);
    const ok = await createEngine({ store, workflows: [changed], allowDefinitionChange: true }).resume(r.runId, {
      step: 'review',
      data: { reviewer: 'x' },
    });
    expect(ok).toMatchObject({ status: 'success', output: { text: 'ABOUT X', by: 'x' } });
  });

  it('parallel suspensions resume one at a time; the run finishes when the last is resumed', async () => {
    const gate = (id: string) =>
      step({
        id,
        resumeSchema: z.object({ ok: z.boolean() }),
        run: async ({ resumeData, suspend }) => (resumeData ? resumeData.ok : suspend({ waiting: id })),
      });
    const wf = workflow({ id: 'two-gates' })
      .parallel([gate('a'), gate('b')], { id: 'gates' })
      .commit();
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: undefined });
    expect(r.status === 'suspended' && r.suspended.map((s) => s.path).sort()).toEqual(['gates/a', 'gates/b']);
    const r2 = await engine.resume(r.runId, { step: 'gates/a', data: { ok: true } });
    expect(r2.status === 'suspended' && r2.suspended.map((s) => s.path)).toEqual(['gates/b']);
    const r3 = await engine.resume(r.runId, { step: 'gates/b', data: { ok: false } });
    expect(r3).toMatchObject({ status: 'success', output: { a: true, b: false } });
  });
});

describe('suspensions inside foreach, loops and nested workflows', () => {
  it('each foreach item suspends at its own path and resumes independently', async () => {
    const ask = step({
      id: 'ask',
      input: z.string(),
      resumeSchema: z.object({ answer: z.string() }),
      run: async ({ input, resumeData, suspend }) =>
        resumeData ? `${input}=${resumeData.answer}` : suspend({ question: input }),
    });
    const child = workflow({ id: 'child', input: z.string() }).step(ask).commit();
    const wf = workflow({ id: 'survey', input: z.array(z.string()) })
      .foreach(child, { id: 'items', concurrency: 3 })
      .commit();
    const store = createMemoryStore();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: ['a', 'b'] });
    expect(r.status === 'suspended' && r.suspended.map((s) => s.path).sort()).toEqual([
      'items[0]/child/ask',
      'items[1]/child/ask',
    ]);
    await expect(engine.resume(r.runId, { step: 'items[1]/child/ask', data: { answer: 1 } })).rejects.toThrow(
      ResumeValidationError,
    );
    const r2 = await engine.resume(r.runId, { step: 'items[1]/child/ask', data: { answer: 'yes' } });
    expect(r2.status).toBe('suspended');
    const r3 = await createEngine({ store, workflows: [wf] }).resume(r.runId, {
      step: 'items[0]/child/ask',
      data: { answer: 'no' },
    });
    expect(r3).toMatchObject({ status: 'success', output: ['a=no', 'b=yes'] });
  });
});

describe('waitForEvent', () => {
  const wf = workflow({ id: 'deploy', input: z.object({ sha: z.string() }) })
    .waitForEvent('ci', { event: 'ci.finished', schema: z.object({ green: z.boolean() }), timeout: '1h' })
    .step('ship', async ({ input }) => (input.green ? 'shipped' : 'held'))
    .commit();

  it('resumes on sendEvent with a validated payload and removes the timeout timer', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: { sha: 'abc' } });
    expect(r.status === 'suspended' && r.suspended[0]).toMatchObject({ path: 'ci', eventName: 'ci.finished' });
    expect(await store.takeDueTimers(Date.now() + 2 * 3_600_000, 10)).toHaveLength(1);
    await expect(engine.sendEvent('ci.finished', { green: 'yes' })).rejects.toThrow(ResumeValidationError);
    const [done] = await engine.sendEvent('ci.finished', { green: true });
    expect(done).toMatchObject({ status: 'success', output: 'shipped' });
  });

  it('fails with a TimeoutError when its timer fires first', async () => {
    const store = createMemoryStore();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: { sha: 'abc' } });
    const [timer] = await store.takeDueTimers(Date.now() + 2 * 3_600_000, 10);
    expect(timer?.kind).toBe('event-timeout');
    const res = await engine.fireTimer(timer as NonNullable<typeof timer>);
    expect(res?.status).toBe('failed');
    if (res?.status === 'failed') {
      expect(res.error).toBeInstanceOf(TimeoutError);
    }
    expect((await engine.getRun(r.runId))?.status).toBe('failed');
  });

  it('unknown timer kinds are emitted as `timer` events for other packages', async () => {
    const engine = createEngine();
    const seen: unknown[] = [];
    engine.on('timer', (e) => seen.push(e.data));
    const timer = { id: 't', runId: 'r', path: 'p', kind: 'approval-reminder', dueAt: 0 };
    const store = engine.store;
    await store.createRun({
      id: 'r',
      workflowId: 'w',
      definitionHash: 'h',
      status: 'suspended',
      input: null,
      createdAt: 0,
      updatedAt: 0,
    });
    expect(await engine.fireTimer(timer)).toBeUndefined();
    expect(seen).toEqual([timer]);
  });
});

describe('awaitApproval', () => {
  const plan = z.object({ files: z.array(z.string()), risky: z.boolean() });
  const wf = workflow({ id: 'ship', input: z.object({ files: z.array(z.string()) }) })
    .step('plan', async ({ input }) => ({ files: input.files, risky: input.files.length > 2 }))
    .awaitApproval('ship-it', {
      title: 'Ship these files?',
      summary: 'A deploy plan',
      schema: plan,
      payload: ({ input }) => ({ ...input, risky: input.risky }),
      approvers: ['lead'],
      quorum: 1,
      onTimeout: () => 'reject',
    })
    .step('deploy', async ({ input }) => `deployed ${input.files.join(',')}`)
    .commit();

  it('suspends with an approval suspension and exposes its raw options', async () => {
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    expect(r.status).toBe('suspended');
    const [s] = await engine.store.findSuspensions({ eventName: 'approval' });
    expect(s).toMatchObject({
      path: 'ship-it',
      eventName: 'approval',
      payload: {
        kind: 'approval',
        workflowId: 'ship',
        title: 'Ship these files?',
        summary: 'A deploy plan',
        payload: { files: ['a.ts'], risky: false },
        options: { title: 'Ship these files?', summary: 'A deploy plan', approvers: ['lead'], quorum: 1 },
      },
    });
    expect((s?.payload as { options: Record<string, unknown> } | undefined)?.options.onTimeout).toBeUndefined();
    const info = wf.getStep('ship-it');
    expect(info?.kind).toBe('approval');
    expect(typeof info?.options?.onTimeout).toBe('function');
    expect(wf.steps.map((x) => x.path)).toEqual(['plan', 'ship-it', 'deploy']);
  });

  it('approved: the (edited, validated) payload flows to the next step', async () => {
    const engine = createEngine({ workflows: [wf] });
    const r = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    const bad = await engine
      .resume(r.runId, { step: 'ship-it', data: { decision: 'approved', payload: { files: 'x' } } })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ResumeValidationError);
    expect((bad as ResumeValidationError).issues.map((i) => i.path.join('.'))).toContain('payload.files');
    expect((await engine.getRun(r.runId))?.status).toBe('suspended');
    const ok = await engine.resume(r.runId, {
      step: 'ship-it',
      data: { decision: 'approved', payload: { files: ['b.ts'], risky: false }, actors: ['lead'] },
    });
    expect(ok).toMatchObject({ status: 'success', output: 'deployed b.ts' });
  });

  it('approved without an edit uses the stored payload; rejected fails with ApprovalRejectedError', async () => {
    const engine = createEngine({ workflows: [wf] });
    const r1 = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    expect(await engine.resume(r1.runId, { step: 'ship-it', data: { decision: 'approved' } })).toMatchObject({
      output: 'deployed a.ts',
    });
    const r2 = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    const rej = await engine.resume(r2.runId, {
      step: 'ship-it',
      data: { decision: 'rejected', actors: ['lead'], comment: 'not today' },
    });
    expect(rej.status).toBe('failed');
    if (rej.status === 'failed') {
      expect(rej.error).toBeInstanceOf(ApprovalRejectedError);
      expect(rej.error.message).toMatch(/rejected by lead: not today/);
    }
    expect((await engine.getRun(r2.runId))?.error?.code).toBe('WEFT_APPROVAL_REJECTED');
  });

  it("takes the verbs of decide()/HTTP/CLI ('approve' | 'reject') as well as 0.1's 'approved' | 'rejected'; records the outcome", async () => {
    const store = createMemoryStore();
    const engine = createEngine({ store, workflows: [wf] });
    const r1 = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    expect(
      await engine.resume(r1.runId, { step: 'ship-it', data: { decision: 'approve', actors: ['lead'] } }),
    ).toMatchObject({
      status: 'success',
      output: 'deployed a.ts',
    });
    const ev1 = (await store.readEvents(r1.runId, 0)).find((e) => e.type === 'step:success' && e.path === 'ship-it');
    expect(ev1?.data).toMatchObject({ decision: 'approved' });
    const r2 = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    const rej = await engine.resume(r2.runId, { step: 'ship-it', data: { decision: 'reject', actors: ['lead'] } });
    expect(rej.status).toBe('failed');
    if (rej.status === 'failed') expect(rej.error).toBeInstanceOf(ApprovalRejectedError);
    const ev2 = (await store.readEvents(r2.runId, 0)).find((e) => e.type === 'step:failed' && e.path === 'ship-it');
    expect(ev2?.data).toMatchObject({ decision: { decision: 'rejected' } });
    const r3 = await engine.run(wf).start({ input: { files: ['a.ts'] } });
    for (const decision of ['approves', 'APPROVE', 'request_changes', '']) {
      const bad = await engine
        .resume(r3.runId, { step: 'ship-it', data: { decision: decision as 'approve' } })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ResumeValidationError);
    }
    expect((await engine.getRun(r3.runId))?.status).toBe('suspended');
  });
});
