import { ApprovalClosedError } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simple } from './fixtures/workflows.js';
import { approvalOf, type Backend, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';
import { runChild } from './helpers-child.js';

type ChildResult = Record<string, { ok: boolean; changed?: boolean; status?: string; code?: string }>;

describe.each<Backend>(['libsql', 'postgres'])('concurrent conflicting decisions on %s', (backend) => {
  let target: DbTarget;
  let o: Opened;
  beforeAll(async () => {
    target = dbTarget(backend, 'race');
    o = await open(target);
  });
  afterAll(async () => {
    await o?.close();
    await target?.cleanup();
  });

  async function gates(n: number): Promise<{ id: string; runId: string }[]> {
    const out = [];
    for (let i = 0; i < n; i++) {
      const runId = await startSuspended(o, simple, { customer: `race-${i}`, amount: 10 + i });
      out.push({ runId, id: await approvalOf(o.service, runId) });
    }
    return out;
  }

  async function expectOneOutcome(
    g: { id: string; runId: string },
    approve: { ok: boolean; code?: string },
    reject: { ok: boolean; code?: string },
  ) {
    const winners = [approve, reject].filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect([approve, reject].find((r) => !r.ok)?.code).toBe('APPROVAL_CLOSED');
    const request = await o.service.get(g.id);
    expect(request.status).toBe(approve.ok ? 'approved' : 'rejected');
    expect(request.votes).toHaveLength(1);
    const decisions = (await o.service.audit(g.id)).filter((a) => a.action === 'approve' || a.action === 'reject');
    expect(decisions).toHaveLength(1);
    expect((await o.store.getRun(g.runId))?.status).toBe(approve.ok ? 'success' : 'failed');
  }

  it('two processes: exactly one outcome per gate', async () => {
    const list = await gates(6);
    const ids = list.map((g) => g.id);
    const startAt = String(Date.now() + 1_500);
    const [a, r] = await Promise.all([
      runChild<ChildResult>(target, ['decide', 'approve', 'alice', startAt, ...ids]),
      runChild<ChildResult>(target, ['decide', 'reject', 'bob', startAt, ...ids]),
    ]);
    for (const g of list) await expectOneOutcome(g, a[g.id] as { ok: boolean }, r[g.id] as { ok: boolean });
  });

  it('two services in one process (separate connections): exactly one outcome per gate', async () => {
    const other = await open(target);
    try {
      const list = await gates(8);
      const settle = (p: Promise<unknown>) =>
        p.then(
          () => ({ ok: true }),
          (e: unknown) => ({ ok: false, code: e instanceof ApprovalClosedError ? e.code : String(e) }),
        );
      const results = await Promise.all(
        list.map((g) =>
          Promise.all([
            settle(o.service.decide({ id: g.id, decision: 'approve', actor: { id: 'alice' } })),
            settle(other.service.decide({ id: g.id, decision: 'reject', actor: { id: 'bob' } })),
          ]),
        ),
      );
      for (const [i, g] of list.entries()) {
        const [a, r] = results[i] as [{ ok: boolean }, { ok: boolean }];
        await expectOneOutcome(g, a, r);
      }
    } finally {
      await other.close();
    }
  });
});
