// @weft/approval: what a human gate costs the machine. On a libsql file (the default store):
// picking up new gates (sync: request row, audit entry, timers), one decision that closes a gate and
// resumes the run to completion, the same with a 2-of-n quorum, and signing + verifying a link.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

export default async function approvalBench(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const { approvalPolicy, createApprovalService } = await import('@weft/approval');
  const { createEngine, createStore, workflow } = await import('@weft/workflow');
  const n = ctx.quick ? 20 : 200;
  const Payload = z.object({ amount: z.number() });
  const gate = (id: string, quorum: number) =>
    workflow({ id, input: Payload })
      .awaitApproval('review', {
        schema: Payload,
        title: 'ok?',
        ...approvalPolicy({ approvers: { groups: ['ops'] }, quorum, timeout: '1h', remindBefore: ['10m'] }),
      })
      .step('after', ({ input }) => input)
      .commit();
  const single = gate('bench-approval-1', 1);
  const double = gate('bench-approval-2', 2);
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-approval-'));
  const rows: BenchRow[] = [];
  const row = (c: string, value: number, unit: string, note?: string) =>
    rows.push({
      suite: 'approval',
      case: c,
      impl: 'weft',
      value: Math.round(value * 100) / 100,
      unit,
      ...(note ? { note } : {}),
    });
  try {
    const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
    await store.init();
    const engine = createEngine({ store, workflows: [single, double] });
    const service = createApprovalService({
      store,
      engine,
      workflows: [single, double],
      onError: () => undefined,
      awaitResume: true,
    });
    await service.init();
    for (const wf of [single, double]) for (let i = 0; i < n; i++) await engine.run(wf).start({ input: { amount: i } });

    let t = performance.now();
    const created = await service.sync();
    row('sync new gates', ((performance.now() - t) * 1000) / created, 'µs/gate', `${created} gates, libsql file`);

    const pending = await service.listPending();
    const ops = { id: 'op-1', groups: ['ops'] };
    const singles = pending.filter((r) => r.workflowId === single.id);
    t = performance.now();
    for (const r of singles) await service.decide({ id: r.id, decision: 'approve', actor: ops });
    row(
      'decide + resume (1 of 1)',
      (performance.now() - t) / singles.length,
      'ms/decision',
      'closes the gate, runs the next step',
    );

    const doubles = pending.filter((r) => r.workflowId === double.id);
    t = performance.now();
    for (const r of doubles) {
      await service.decide({ id: r.id, decision: 'approve', actor: ops });
      await service.decide({ id: r.id, decision: 'approve', actor: { id: 'op-2', groups: ['ops'] } });
    }
    row('quorum 2 of n', (performance.now() - t) / doubles.length, 'ms/gate', 'two votes, then resume');

    const linkService = createApprovalService({ store, engine, linkSecret: 'bench-secret-0123456789' });
    const id = pending[0]?.id ?? 'x';
    t = performance.now();
    const k = ctx.quick ? 2_000 : 20_000;
    for (let i = 0; i < k; i++)
      linkService.inspectDecisionToken(linkService.createDecisionToken({ id, actor: ops, decision: 'approve' }));
    row('sign + verify a decision link', ((performance.now() - t) * 1000) / k, 'µs/link', 'HMAC-SHA256');

    const failed = (await service.list()).filter((r) => r.status !== 'approved').length;
    if (failed > 0) throw new Error(`${failed} gates did not close as approved`);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
