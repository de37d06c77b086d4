import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowConfigError } from '../flow-control/errors.js';
import { graceOf, nextTick, plan, toScheduleRecord } from './spec.js';
import type { MissedTicks } from './types.js';

describe('schedule specs', () => {
  it('plan(): on-time ticks always start, missed ones per policy, next tick after now (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 120_000 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom<MissedTicks>('skip', 'once', { catchUp: 1 }, { catchUp: 3 }, { catchUp: 50 }),
        (every, behind, offset, missed) => {
          const rec = toScheduleRecord('wf', { every, missed }, 'api', 0);
          const now = 1_700_000_000_000 + offset;
          rec.nextAt = (nextTick(rec, now) as number) - (behind + 1) * every;
          const due: number[] = [];
          for (let t = rec.nextAt; t <= now; t += every) due.push(t);
          const { ticks, nextAt } = plan(rec, now);
          expect(nextAt).toBeGreaterThan(now);
          expect(nextAt).toBe(nextTick(rec, now));
          expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
          for (const t of ticks) expect(due).toContain(t);
          const onTime = due.filter((t) => now - t <= graceOf(rec, t));
          const late = due.filter((t) => now - t > graceOf(rec, t));
          expect(graceOf(rec, rec.nextAt as number)).toBe(Math.min(60_000, Math.max(1000, every)));
          const keep = missed === 'skip' ? 0 : missed === 'once' ? 1 : missed.catchUp;
          expect(ticks).toEqual([...late.slice(late.length - Math.min(keep, late.length)), ...onTime]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cron: seconds optional, time zones, DST; bad input is a FlowConfigError naming the schedule', () => {
    const paris = toScheduleRecord('wf', { cron: '30 2 * * *', timezone: 'Europe/Paris' }, 'api', 0);
    // 2026-03-29 02:30 does not exist in Paris (DST): croner moves it; the next day is 00:30 UTC.
    const t = nextTick(paris, Date.parse('2026-03-29T12:00:00Z')) as number;
    expect(new Date(t).toISOString()).toBe('2026-03-30T00:30:00.000Z');
    const secs = toScheduleRecord('wf', { cron: '*/15 * * * * *' }, 'api', 0);
    expect(nextTick(secs, Date.parse('2026-01-01T00:00:01Z'))).toBe(Date.parse('2026-01-01T00:00:15Z'));
    expect(() => toScheduleRecord('wf', { cron: 'every day' }, 'api', 0)).toThrow(FlowConfigError);
    expect(() => toScheduleRecord('wf', { cron: '* * * * *', timezone: 'Mars/Olympus' }, 'api', 0)).toThrow(
      /schedule "default" of workflow "wf"/,
    );
    expect(() => toScheduleRecord('wf', { cron: '* * * * *', every: '1m' }, 'api', 0)).toThrow(
      /exactly one of cron and every/,
    );
    expect(() => toScheduleRecord('wf', {}, 'api', 0)).toThrow(FlowConfigError);
    expect(() => toScheduleRecord('wf', { every: '1m', missed: { catchUp: 0 } }, 'api', 0)).toThrow(/catchUp/);
    expect(() => toScheduleRecord('wf', { every: 'soon' as never }, 'api', 0)).toThrow(FlowConfigError);
    expect(() => toScheduleRecord('wf', { id: 'a:b', every: '1m' }, 'api', 0)).toThrow(/without ':'/);
  });
});
