import type { RunRecord, StepRecord } from '@weft/workflow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTimeline, TIMELINE_ROWS } from './timeline.js';

const run = (over: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r',
  workflowId: 'w',
  definitionHash: 'h',
  status: 'success',
  input: {},
  createdAt: 1000,
  updatedAt: 2000,
  ...over,
});

describe('computeTimeline', () => {
  it('puts parallel attempts side by side on one axis, retries as separate bars', () => {
    const steps: StepRecord[] = [
      { runId: 'r', path: 'plan', attempt: 1, status: 'success', startedAt: 1000, endedAt: 1100 },
      { runId: 'r', path: 'p/a', attempt: 1, status: 'success', startedAt: 1100, endedAt: 1600 },
      { runId: 'r', path: 'p/b', attempt: 1, status: 'failed', startedAt: 1100, endedAt: 1200 },
      { runId: 'r', path: 'p/b', attempt: 2, status: 'success', startedAt: 1300, endedAt: 2000 },
    ];
    const t = computeTimeline(run(), steps, 5000);
    expect(t.rows.map((r) => r.path)).toEqual(['plan', 'p/a', 'p/b']);
    const [a, b] = [t.rows[1]?.bars[0], t.rows[2]?.bars[0]];
    expect(a?.left).toBeCloseTo(10);
    expect(b?.left).toBeCloseTo(10);
    expect(a?.width).toBeCloseTo(50);
    expect(t.rows[2]?.bars.map((x) => [x.attempt, x.status])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    expect(t.rows[1]).toMatchObject({ parent: 'p', leaf: 'a', depth: 1 });
  });

  it('an active run extends to now; an open attempt is marked open', () => {
    const t = computeTimeline(
      run({ status: 'running' }),
      [{ runId: 'r', path: 's', attempt: 1, status: 'running', startedAt: 1500 }],
      3000,
    );
    expect(t.end).toBe(3000);
    expect(t.rows[0]?.bars[0]).toMatchObject({ open: true, end: 3000 });
  });

  it('draws at most TIMELINE_ROWS rows and says how many it left out', () => {
    const steps = Array.from({ length: TIMELINE_ROWS + 25 }, (_, i) => ({
      runId: 'r',
      path: `items[${i}]/s`,
      attempt: 1,
      status: 'success' as const,
      startedAt: 1000 + i,
      endedAt: 1001 + i,
    }));
    const t = computeTimeline(run(), steps, 5000);
    expect(t.rows.length).toBe(TIMELINE_ROWS);
    expect(t.hidden).toBe(25);
  });

  it('every bar stays inside the track, whatever the times (property)', () => {
    const step = fc.record({
      path: fc.constantFrom('a', 'b', 'p/x', 'p/y', 'items[0]/s'),
      attempt: fc.integer({ min: 1, max: 3 }),
      startedAt: fc.integer({ min: 0, max: 1_000_000 }),
      took: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }),
        fc.constantFrom('running', 'success', 'failed'),
        fc.integer({ min: 0, max: 3_000_000 }),
        (raw, status, now) => {
          const steps: StepRecord[] = raw.map((s) => ({
            runId: 'r',
            path: s.path,
            attempt: s.attempt,
            status: s.took === undefined ? 'running' : 'success',
            startedAt: s.startedAt,
            ...(s.took === undefined ? {} : { endedAt: s.startedAt + s.took }),
          }));
          const t = computeTimeline(
            run({ status: status as RunRecord['status'], createdAt: 500, updatedAt: 600 }),
            steps,
            now,
          );
          for (const r of t.rows)
            for (const b of r.bars) {
              expect(b.left).toBeGreaterThanOrEqual(0);
              expect(b.width).toBeGreaterThan(0);
              expect(b.left + b.width).toBeLessThanOrEqual(100.0001);
            }
          for (const k of t.ticks) expect(k.left).toBeLessThanOrEqual(100.0001);
        },
      ),
    );
  });
});
