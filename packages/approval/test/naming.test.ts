/**
 * One vocabulary: every input takes the verb (`approve` | `reject`, as in decide(), the HTTP API,
 * the CLI, signed links and `engine.resume` data); everything read back is the outcome
 * (`approved` | `rejected`: request status, `DecideResult.outcome`, the run's gate event).
 */
import { type ApprovalEngineLike, type ApprovalResumeData, createApprovalService } from '@weft/approval';
import { createEngine, createStore } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { all, simple } from './fixtures/workflows.js';
import { approvalOf, type DbTarget, dbTarget } from './helpers.js';

describe('approve / approved naming', () => {
  let target: DbTarget;
  let store: ReturnType<typeof createStore>;
  const sent: ApprovalResumeData[] = [];

  beforeAll(async () => {
    target = dbTarget('libsql', 'naming');
    store = createStore({ url: target.url });
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  it('the service resumes the engine with the verb; status, outcome and run events carry the outcome', async () => {
    const engine = createEngine({ store, workflows: all });
    const spy: ApprovalEngineLike = {
      resume: (runId, input) => {
        sent.push(input.data);
        return engine.resume(runId, input);
      },
    };
    const service = createApprovalService({
      store,
      engine: spy,
      workflows: all,
      awaitResume: true,
      onError: () => undefined,
    });
    const outcomes: string[] = [];
    for (const decision of ['approve', 'reject'] as const) {
      const run = engine.run(simple);
      await run.start({ input: { customer: `n-${decision}`, amount: 3 } });
      const id = await approvalOf(service, run.runId);
      const result = await service.decide({ id, decision, actor: { id: 'alice' } });
      outcomes.push(result.outcome as string, result.request.status);
      const gate = (await store.readEvents(run.runId, 0)).find(
        (e) => e.path === 'review' && (e.type === 'step:success' || e.type === 'step:failed'),
      );
      const recorded = (gate?.data as { decision?: unknown } | undefined)?.decision;
      outcomes.push(typeof recorded === 'string' ? recorded : (recorded as { decision: string }).decision);
      expect((await service.audit(id)).at(-1)?.action).toBe(decision);
    }
    expect(sent.map((d) => d.decision)).toEqual(['approve', 'reject']);
    expect(outcomes).toEqual(['approved', 'approved', 'approved', 'rejected', 'rejected', 'rejected']);
    await service.stop();
  });
});
