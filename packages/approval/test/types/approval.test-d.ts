import {
  type ApprovalRequest,
  type ApprovalService,
  approvalPolicy,
  createApprovalHandler,
  type DecideInput,
  type Notifier,
  toNodeHandler,
  webhookNotifier,
} from '@weft/approval';
import { workflow } from '@weft/workflow';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

describe('approval types', () => {
  it('approvalPolicy keeps literal options and rejects invalid ones', () => {
    const p = approvalPolicy({
      approvers: { users: ['alice'] },
      onTimeout: 'escalate',
      escalateTo: { users: ['boss'] },
      timeout: '2h',
    });
    expectTypeOf(p.onTimeout).toEqualTypeOf<'escalate'>();
    // @ts-expect-error not a timeout mode
    approvalPolicy({ onTimeout: 'ignore' });
    // @ts-expect-error durations are numbers or strings like '15m'
    approvalPolicy({ timeout: true });
    approvalPolicy({ approvers: (actor, request) => actor.id === 'a' && request.workflowId === 'wf' });
  });

  it('spreads into awaitApproval, and the next step gets the schema type', () => {
    const Draft = z.object({ to: z.string(), body: z.string() });
    workflow({ id: 'mail', input: Draft })
      .awaitApproval('review', { schema: Draft, title: 'Send?', ...approvalPolicy({ allowEdit: true }) })
      .step('send', ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<{ to: string; body: string }>();
        return input.to;
      });
  });

  it('service and handler signatures', () => {
    expectTypeOf<DecideInput['decision']>().toEqualTypeOf<'approve' | 'reject' | 'request_changes'>();
    expectTypeOf<ApprovalRequest['status']>().toEqualTypeOf<'pending' | 'approved' | 'rejected' | 'canceled'>();
    expectTypeOf<ApprovalService['decide']>().returns.resolves.toHaveProperty('changed');
    const handler = createApprovalHandler({ service: {} as ApprovalService, authenticate: () => ({ id: 'a' }) });
    expectTypeOf(handler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(toNodeHandler(handler)).parameters.toHaveProperty('0');
    expectTypeOf(webhookNotifier({ url: 'http://127.0.0.1' })).toEqualTypeOf<Notifier>();
    // @ts-expect-error the actor comes from authenticate, which must return an actor (or null)
    createApprovalHandler({ service: {} as ApprovalService, authenticate: () => 'alice' });
  });
});
