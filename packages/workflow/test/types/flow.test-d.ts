import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  defineTrigger,
  type EventDelivery,
  type RunFlowInfo,
  type RunResult,
  type ScheduleRecord,
  type WaitReason,
  workflow,
} from '../../src/index.js';

const input = z.object({ tenantId: z.string(), n: z.number() });

describe('flow control, schedules and triggers are typed by the workflow input', () => {
  it('flow keys and priorities receive the input', () => {
    workflow({
      id: 'w',
      input,
      flow: {
        concurrency: {
          key: (i) => {
            expectTypeOf(i).toEqualTypeOf<{ tenantId: string; n: number }>();
            return i.tenantId;
          },
          limit: 2,
        },
        priority: (i) => i.n,
        // @ts-expect-error: there is no such field on the input
        debounce: { key: (i) => i.userId, period: '1s' },
      },
    });
  });

  it('a trigger must produce the workflow input; a schedule input function too', () => {
    const signup = z.object({ userId: z.string() });
    workflow({
      id: 'w',
      input,
      triggers: [defineTrigger({ event: 'e', schema: signup, input: (e) => ({ tenantId: e.userId, n: 1 }) })],
      schedules: [
        { cron: '0 * * * *', input: (tick) => ({ tenantId: tick.scheduleId, n: tick.scheduledAt.getTime() }) },
      ],
    });
    workflow({
      id: 'w',
      input,
      // @ts-expect-error: the payload is not the workflow's input and no `input` maps it
      triggers: [defineTrigger({ event: 'e', schema: signup })],
    });
    workflow({
      id: 'w',
      input,
      // @ts-expect-error: n must be a number
      schedules: [{ every: '1m', input: { tenantId: 't', n: 'one' } }],
    });
    defineTrigger({
      event: 'e',
      schema: signup,
      filter: (e) => {
        expectTypeOf(e).toEqualTypeOf<{ userId: string }>();
        return true;
      },
    });
  });

  it('the engine API returns typed records', () => {
    const engine = createEngine();
    expectTypeOf(engine.sendEvent('e', {})).resolves.toEqualTypeOf<EventDelivery<RunResult>>();
    expectTypeOf(engine.schedules.list()).resolves.toEqualTypeOf<ScheduleRecord[]>();
    expectTypeOf<RunFlowInfo['waitReason']>().toEqualTypeOf<WaitReason | undefined>();
    const wf = workflow({ id: 'w', input })
      .step('s', ({ input: i }) => i)
      .commit();
    // @ts-expect-error: the idempotency key is a string
    void engine.enqueue(wf, { tenantId: 't', n: 1 }, { idempotencyKey: 1 });
    void engine.run(wf).start({ input: { tenantId: 't', n: 1 }, idempotencyKey: 'k', priority: 3 });
  });
});
