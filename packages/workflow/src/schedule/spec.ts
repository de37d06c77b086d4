/**
 * Schedule specs: validation, the next tick after a time, and the ticks to start after downtime.
 *
 * Cron parsing is croner's (zero dependencies, IANA time zones, optional seconds field, DST
 * handled): a cron parser is a classic source of subtle bugs (day-of-month vs day-of-week,
 * DST gaps), and croner is well kept and widely used.
 */
import { createRequire } from 'node:module';
import type { Cron } from 'croner';
import { FlowConfigError } from '../flow-control/errors.js';
import { toMs } from '../util/duration.js';
import type { MissedTicks, ScheduleOptions, ScheduleRecord } from './types.js';

// croner loads with the first cron expression, not with the package.
let CronClass: typeof Cron | undefined;
const crons = new Map<string, Cron>();
function cronOf(expr: string, timezone: string | undefined): Cron {
  const k = `${timezone ?? ''}\u0000${expr}`;
  let c = crons.get(k);
  if (!c) {
    CronClass ??= (createRequire(import.meta.url)('croner') as { Cron: typeof Cron }).Cron;
    c = new CronClass(expr, { mode: '5-or-6-parts', ...(timezone ? { timezone } : { timezone: 'UTC' }) });
    if (crons.size > 1000) crons.clear();
    crons.set(k, c);
  }
  return c;
}

/** The first tick strictly after `after` (epoch ms), or undefined when there is none. */
export function nextTick(
  spec: Pick<ScheduleRecord, 'cron' | 'every' | 'timezone' | 'startAt'>,
  after: number,
): number | undefined {
  if (spec.every !== undefined) {
    const anchor = spec.startAt ?? 0;
    if (after < anchor) return anchor;
    return anchor + (Math.floor((after - anchor) / spec.every) + 1) * spec.every;
  }
  return cronOf(spec.cron as string, spec.timezone)
    .nextRun(new Date(after))
    ?.getTime();
}

/** Validates the options of a schedule of `workflowId`; returns its stored form (without `nextAt`). */
export function toScheduleRecord(
  workflowId: string,
  options: ScheduleOptions<unknown>,
  source: 'code' | 'api',
  now: number,
): ScheduleRecord {
  const where = `schedule "${options?.id ?? 'default'}" of workflow "${workflowId}"`;
  if (typeof options !== 'object' || options === null)
    throw new FlowConfigError(`Expected ${where} to be an object like { cron: '0 * * * *' } or { every: '1m' }.`);
  const name = options.id ?? 'default';
  if (typeof name !== 'string' || name === '' || name.includes(':'))
    throw new FlowConfigError(
      `Expected the id of ${where} to be a non-empty string without ':', got ${JSON.stringify(name)}.`,
    );
  if ((options.cron === undefined) === (options.every === undefined))
    throw new FlowConfigError(`Expected ${where} to have exactly one of cron and every.`, {
      workflowId,
      schedule: name,
    });
  const rec: ScheduleRecord = {
    id: `${workflowId}:${name}`,
    workflowId,
    missed: checkMissed(options.missed ?? 'once', where),
    paused: options.paused === true,
    source,
    createdAt: now,
    updatedAt: now,
  };
  if (options.timezone !== undefined) rec.timezone = options.timezone;
  if (options.cron !== undefined) {
    if (typeof options.cron !== 'string')
      throw new FlowConfigError(`Expected the cron of ${where} to be a string like '*/5 * * * *'.`);
    rec.cron = options.cron.trim();
    try {
      cronOf(rec.cron, rec.timezone).nextRun(new Date(now));
    } catch (cause) {
      throw new FlowConfigError(
        `Invalid cron expression or time zone in ${where}: ${(cause as Error).message} Use 5 fields (minute hour day month weekday) or 6 (seconds first), and an IANA time zone such as 'Europe/Paris'.`,
        { workflowId, schedule: name, cron: rec.cron, timezone: rec.timezone },
      );
    }
  } else {
    let every: number;
    try {
      every = toMs(options.every as never);
    } catch (cause) {
      throw new FlowConfigError(`Invalid every in ${where}: ${(cause as Error).message}.`, {
        workflowId,
        schedule: name,
      });
    }
    if (!(every >= 10)) throw new FlowConfigError(`Expected every of ${where} to be at least 10 ms, got ${every}.`);
    rec.every = every;
    if (options.timezone !== undefined)
      throw new FlowConfigError(`A time zone applies to cron schedules only; remove it from ${where}.`);
    if (options.startAt !== undefined) {
      const at = options.startAt instanceof Date ? options.startAt.getTime() : options.startAt;
      if (!Number.isFinite(at)) throw new FlowConfigError(`Expected startAt of ${where} to be a Date or epoch ms.`);
      rec.startAt = at;
    }
  }
  if (options.input !== undefined && typeof options.input !== 'function') rec.input = options.input;
  return rec;
}

function checkMissed(m: MissedTicks, where: string): MissedTicks {
  if (m === 'skip' || m === 'once') return m;
  if (typeof m === 'object' && m !== null && Number.isInteger(m.catchUp) && m.catchUp >= 1 && m.catchUp <= 10_000)
    return { catchUp: m.catchUp };
  throw new FlowConfigError(
    `Expected missed of ${where} to be 'skip', 'once' or { catchUp: n } with n from 1 to 10000, got ${JSON.stringify(m)}.`,
  );
}

/** How late a tick may start and still count as on time: one period, between 1 s and 1 min. */
export function graceOf(spec: ScheduleRecord, tick: number): number {
  const next = nextTick(spec, tick);
  const period = next === undefined ? 60_000 : next - tick;
  return Math.min(60_000, Math.max(1000, period));
}

/**
 * The ticks to start now for a due schedule, and the next tick after them. Ticks later than the
 * grace are "missed": `skip` drops them, `once` keeps the latest, `{ catchUp: n }` the n latest.
 * On-time ticks always start.
 */
export function plan(spec: ScheduleRecord, now: number): { ticks: number[]; nextAt: number | undefined } {
  const keep = spec.missed === 'skip' ? 0 : spec.missed === 'once' ? 1 : spec.missed.catchUp;
  const missed: number[] = [];
  const onTime: number[] = [];
  let t = spec.nextAt;
  let steps = 0;
  while (t !== undefined && t <= now) {
    if (now - t > graceOf(spec, t)) {
      missed.push(t);
      if (missed.length > keep) missed.shift();
    } else onTime.push(t);
    // A very long gap: stop walking tick by tick and jump to now.
    if (++steps > 100_000) {
      t = nextTick(spec, now);
      break;
    }
    t = nextTick(spec, t);
  }
  return { ticks: [...missed, ...onTime], nextAt: t };
}
