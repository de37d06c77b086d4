/** Schedules: cron expressions or fixed intervals that start a workflow's runs. */
import type { Duration } from '../util/duration.js';

/**
 * What a schedule does with ticks missed while no worker was running (downtime):
 * - `'skip'`: drop them; the next run is at the next tick after now;
 * - `'once'` (default): one run for the whole gap (for the latest missed tick), then back on time;
 * - `{ catchUp: n }`: one run per missed tick, oldest first, at most the `n` latest ones.
 */
export type MissedTicks = 'skip' | 'once' | { catchUp: number };

/** The tick a run was started for: handed to a schedule's `input` function. */
export interface ScheduleTick {
  scheduleId: string;
  /** The scheduled time of this tick (not when it actually started). */
  scheduledAt: Date;
}

/**
 * A schedule declared with a workflow (`workflow({ schedules: [...] })`) or created at run time
 * (`engine.schedules.create`). Exactly one of `cron` and `every`.
 *
 * @example
 * ```ts
 * const nightly: ScheduleOptions<{ day: string }> = {
 *   id: 'nightly',
 *   cron: '0 3 * * *',                 // 5 fields; 6 fields add seconds: '*\/10 * * * * *'
 *   timezone: 'Europe/Paris',
 *   missed: { catchUp: 3 },
 *   input: (tick) => ({ day: tick.scheduledAt.toISOString().slice(0, 10) }),
 * };
 * ```
 */
export interface ScheduleOptions<I = unknown> {
  /** Unique per workflow (default `'default'`). The stored id is `<workflowId>:<id>`. */
  id?: string;
  /** Cron expression: 5 fields (minute precision) or 6 (seconds first). Parsed by croner. */
  cron?: string;
  /** A fixed interval instead of cron (`'1s'`, `'15m'`, ms), counted from `startAt` (default: the epoch). */
  every?: Duration;
  /** IANA time zone of the cron expression (default UTC). */
  timezone?: string;
  /** Missed-ticks policy after downtime (default `'once'`). */
  missed?: MissedTicks;
  /** Input of each run: a value, or a function of the tick. Default: `{ scheduledAt, scheduleId }`. */
  input?: I | ((tick: ScheduleTick) => I);
  /** Created paused (no ticks until resumed). */
  paused?: boolean;
  /** Interval schedules: the first tick (default: the epoch, so ticks fall on multiples of `every`). */
  startAt?: Date | number;
}

/** A stored schedule (`engine.schedules.list()`, `weft schedules list`). */
export interface ScheduleRecord {
  /** `<workflowId>:<schedule id>`. */
  id: string;
  workflowId: string;
  cron?: string;
  /** Interval in ms. */
  every?: number;
  timezone?: string;
  /** Interval anchor (epoch ms). */
  startAt?: number;
  missed: MissedTicks;
  /** Static input (functions of code-declared schedules are not stored). */
  input?: unknown;
  paused: boolean;
  /** The next tick not yet started (epoch ms); undefined when the expression has no next time. */
  nextAt?: number;
  /** Declared in code with the workflow, or created through the API/CLI. */
  source: 'code' | 'api';
  createdAt: number;
  updatedAt: number;
}
