/**
 * The flow backend on the kysely store's own connection (libsql file or Postgres). Every method is
 * one write transaction; on Postgres, claims of gated runs take one advisory lock so the count of
 * running runs per key and the claim are exact across processes (SQLite serializes writers anyway).
 */
import type { RunRecord, Store } from '../store/store.js';
import { encode, type RunRow, RUN_COLUMNS, toRun } from '../store/kysely/rows.js';
import type { SqlBackend, SqlExec } from '../store/kysely/sql-exec.js';
import { eventsInsert, placeholders } from '../store/kysely/statements.js';
import type { ScheduleRecord } from '../schedule/types.js';
import type { FlowBackend, FlowClaimOptions, FlowDepthRow, FlowRun, IdempotencyClaim, NewEvent } from './backend.js';

const FLOW_COLUMNS =
  'available_at, claim_order, priority, concurrency_key, concurrency_limit, throttle_key, throttle_limit, throttle_period_ms, debounce_key, idempotency_key, schedule_id, scheduled_at';
const MAX_BYTES = 16 * 1024 * 1024;
const SCHEDULE_COLUMNS = 'id, workflow_id, spec, input, paused, next_at, source, created_at, updated_at';

interface FlowRow extends RunRow {
  available_at: number | string | null;
  claim_order: number | string | null;
  priority: number | string | null;
  concurrency_key: string | null;
  concurrency_limit: number | string | null;
  throttle_key: string | null;
  throttle_limit: number | string | null;
  throttle_period_ms: number | string | null;
  debounce_key: string | null;
  idempotency_key: string | null;
  schedule_id: string | null;
  scheduled_at: number | string | null;
}

interface ScheduleRow {
  id: string;
  workflow_id: string;
  spec: string;
  input: string | null;
  paused: number | string | boolean;
  next_at: number | string | null;
  source: string;
  created_at: number | string;
  updated_at: number | string;
}

/** How long past its window a rate-limit start is kept, for admissions that lag behind the clock. */
const PRUNE_MARGIN_MS = 60_000;
const n = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const s = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function toFlowRun(row: FlowRow): FlowRun {
  const run: FlowRun = toRun(row);
  const fields: [keyof FlowRun, unknown][] = [
    ['availableAt', n(row.available_at)],
    ['claimOrder', n(row.claim_order)],
    ['priority', n(row.priority)],
    ['concurrencyKey', s(row.concurrency_key)],
    ['concurrencyLimit', n(row.concurrency_limit)],
    ['throttleKey', s(row.throttle_key)],
    ['throttleLimit', n(row.throttle_limit)],
    ['throttlePeriodMs', n(row.throttle_period_ms)],
    ['debounceKey', s(row.debounce_key)],
    ['idempotencyKey', s(row.idempotency_key)],
    ['scheduleId', s(row.schedule_id)],
    ['scheduledAt', n(row.scheduled_at)],
  ];
  for (const [k, v] of fields) if (v !== undefined) (run as unknown as Record<string, unknown>)[k] = v;
  return run;
}

/**
 * The run's columns, by name: the INSERT follows `RUN_COLUMNS` (the store's own list, which other
 * migrations extend), so a column this file does not know is written NULL instead of breaking it.
 */
const RUN_VALUES: Record<string, (run: FlowRun) => unknown> = {
  id: (r) => r.id,
  workflow_id: (r) => r.workflowId,
  definition_hash: (r) => r.definitionHash,
  status: (r) => r.status,
  input: (r) => encode(r.input, MAX_BYTES, { runId: r.id, field: 'input' }),
  output: (r) => encode(r.output, MAX_BYTES, { runId: r.id, field: 'output' }),
  error: (r) => encode(r.error, MAX_BYTES, { runId: r.id, field: 'error' }),
  parent_run_id: (r) => r.parentRunId ?? null,
  lease_owner: (r) => r.leaseOwner ?? null,
  lease_expires_at: (r) => r.leaseExpiresAt ?? null,
  created_at: (r) => r.createdAt,
  updated_at: (r) => r.updatedAt,
  deadline_at: (r) => r.deadlineAt ?? null,
  forked_from_run_id: (r) => r.forkedFrom?.runId ?? null,
  forked_from_step: (r) => r.forkedFrom?.step ?? null,
  traceparent: (r) => r.traceparent ?? null,
};
const BASE_COLUMNS = RUN_COLUMNS.split(',').map((c) => c.trim());

function runParams(run: FlowRun): unknown[] {
  return [
    ...BASE_COLUMNS.map((c) => RUN_VALUES[c]?.(run) ?? null),
    run.availableAt ?? null,
    run.claimOrder ?? null,
    run.priority ?? null,
    run.concurrencyKey ?? null,
    run.concurrencyLimit ?? null,
    run.throttleKey ?? null,
    run.throttleLimit ?? null,
    run.throttlePeriodMs ?? null,
    run.debounceKey ?? null,
    run.idempotencyKey ?? null,
    run.scheduleId ?? null,
    run.scheduledAt ?? null,
  ];
}

const INSERT_RUN = `INSERT INTO weft_runs (${RUN_COLUMNS}, ${FLOW_COLUMNS}) VALUES (${placeholders(BASE_COLUMNS.length + 12)})`;

async function insertWithEvents(tx: SqlExec, run: FlowRun, events: NewEvent[]): Promise<void> {
  await tx.run(INSERT_RUN, runParams(run));
  if (events.length > 0) {
    const data = events.map((e, i) => encode(e.data, MAX_BYTES, { runId: run.id, event: e.type, index: i }));
    const insert = eventsInsert(run.id, events, data);
    await tx.run(insert.sql, insert.params);
  }
}

function toSchedule(row: ScheduleRow): ScheduleRecord {
  const spec = JSON.parse(row.spec) as Pick<ScheduleRecord, 'cron' | 'every' | 'timezone' | 'startAt' | 'missed'>;
  const rec: ScheduleRecord = {
    id: row.id,
    workflowId: row.workflow_id,
    ...spec,
    paused: row.paused === true || Number(row.paused) === 1,
    source: row.source === 'code' ? 'code' : 'api',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.input !== null) rec.input = JSON.parse(row.input);
  const next = n(row.next_at);
  if (next !== undefined) rec.nextAt = next;
  return rec;
}

const specOf = (r: ScheduleRecord): string =>
  JSON.stringify({ cron: r.cron, every: r.every, timezone: r.timezone, startAt: r.startAt, missed: r.missed });

/** The SQL flow backend of a kysely store. */
export function sqlBackend(store: Store): FlowBackend {
  const exec = () => (store as unknown as { sqlExec(): Promise<SqlBackend> }).sqlExec();
  const lock = async (sql: SqlBackend, tx: SqlExec, name: string) => {
    if (sql.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(hashtext(?))', [name]);
  };

  const claim = async (o: FlowClaimOptions): Promise<RunRecord[]> => {
    if (o.limit <= 0 || o.workflowIds?.length === 0 || o.runIds?.length === 0) return [];
    const sql = await exec();
    const rows = await sql.transaction(async (tx) => {
      await lock(sql, tx, 'weft:flow-claim');
      const params: unknown[] = [o.now];
      let filter = '';
      if (o.workflowIds) {
        filter += ` AND workflow_id IN (${placeholders(o.workflowIds.length)})`;
        params.push(...o.workflowIds);
      }
      if (o.runIds) {
        filter += ` AND id IN (${placeholders(o.runIds.length)})`;
        params.push(...o.runIds);
      }
      params.push(Math.max(o.limit * 4, 64));
      // Per key, never more candidates than its limit: the others could not start anyway, and a
      // saturated key must not hide the runs of other keys behind it.
      const candidates = await tx.all<{
        id: string;
        concurrency_key: string | null;
        concurrency_limit: number | string | null;
        throttle_key: string | null;
        throttle_limit: number | string | null;
        throttle_period_ms: number | string | null;
      }>(
        `SELECT id, concurrency_key, concurrency_limit, throttle_key, throttle_limit, throttle_period_ms FROM (
           SELECT id, claim_order, concurrency_key, concurrency_limit, throttle_key, throttle_limit, throttle_period_ms,
             ROW_NUMBER() OVER (PARTITION BY concurrency_key ORDER BY claim_order, id) AS rn
           FROM weft_runs WHERE status = 'queued' AND available_at IS NOT NULL AND available_at <= ?${filter}
         ) c WHERE concurrency_key IS NULL OR rn <= concurrency_limit ORDER BY claim_order, id LIMIT ?`,
        params,
      );
      if (candidates.length === 0) return [];
      const keys = [...new Set(candidates.map((c) => c.concurrency_key).filter((k): k is string => k !== null))];
      const running = new Map<string, number>();
      if (keys.length > 0) {
        const counted = await tx.all<{ k: string; n: number | string }>(
          `SELECT concurrency_key AS k, COUNT(*) AS n FROM weft_runs WHERE status = 'running' AND concurrency_key IN (${placeholders(keys.length)}) GROUP BY concurrency_key`,
          keys,
        );
        for (const r of counted) running.set(r.k, Number(r.n));
      }
      const starts = new Map<string, number>();
      for (const c of candidates) {
        if (c.throttle_key === null || starts.has(c.throttle_key)) continue;
        const counted = await tx.all<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM weft_flow_starts WHERE key = ? AND at > ?',
          [c.throttle_key, o.now - Number(c.throttle_period_ms)],
        );
        starts.set(c.throttle_key, Number(counted[0]?.n ?? 0));
      }
      const picked: string[] = [];
      const throttled: { key: string; period: number }[] = [];
      for (const c of candidates) {
        if (picked.length >= o.limit) break;
        if (c.concurrency_key !== null) {
          const busy = running.get(c.concurrency_key) ?? 0;
          if (busy >= Number(c.concurrency_limit)) continue;
          running.set(c.concurrency_key, busy + 1);
        }
        if (c.throttle_key !== null) {
          const used = starts.get(c.throttle_key) ?? 0;
          if (used >= Number(c.throttle_limit)) continue;
          starts.set(c.throttle_key, used + 1);
          throttled.push({ key: c.throttle_key, period: Number(c.throttle_period_ms) });
        }
        picked.push(c.id);
      }
      if (picked.length === 0) return [];
      const claimed = await tx.all<RunRow>(
        `UPDATE weft_runs SET status = 'running', lease_owner = ?, lease_expires_at = ?, updated_at = ?
         WHERE status = 'queued' AND id IN (${placeholders(picked.length)}) RETURNING ${RUN_COLUMNS}`,
        [o.owner, o.now + o.leaseMs, o.now, ...picked],
      );
      for (const [i, t] of throttled.entries()) {
        await tx.run('INSERT INTO weft_flow_starts (key, at, id) VALUES (?, ?, ?)', [
          t.key,
          o.now,
          `${o.owner}:${o.now}:${i}`,
        ]);
        // The same margin as a rate-limit admission: a claimer whose `now` was taken before it waited
        // for the lock must still see the starts of its own window.
        await tx.run('DELETE FROM weft_flow_starts WHERE key = ? AND at <= ?', [
          t.key,
          o.now - t.period - Math.max(t.period, PRUNE_MARGIN_MS),
        ]);
      }
      return claimed;
    });
    return rows.map((r) => toRun(r)).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  };

  return {
    shared: true,
    async insertRun(run, events, idem?: IdempotencyClaim) {
      const sql = await exec();
      return sql.transaction(async (tx) => {
        if (idem) {
          const took = await tx.all<{ run_id: string }>(
            `INSERT INTO weft_idempotency (workflow_id, key, run_id, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (workflow_id, key) DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
             WHERE weft_idempotency.expires_at <= ? RETURNING run_id`,
            [run.workflowId, idem.key, run.id, idem.expiresAt, run.createdAt],
          );
          if (took.length === 0) {
            const held = await tx.all<{ run_id: string; alive: number | string }>(
              `SELECT i.run_id, (SELECT COUNT(*) FROM weft_runs r WHERE r.id = i.run_id) AS alive
               FROM weft_idempotency i WHERE i.workflow_id = ? AND i.key = ?`,
              [run.workflowId, idem.key],
            );
            const h = held[0];
            if (h && Number(h.alive) > 0) return { runId: h.run_id, created: false };
            // The run it named was deleted (purged): the key is free again.
            await tx.run('UPDATE weft_idempotency SET run_id = ?, expires_at = ? WHERE workflow_id = ? AND key = ?', [
              run.id,
              idem.expiresAt,
              run.workflowId,
              idem.key,
            ]);
          }
        }
        await insertWithEvents(tx, run, events);
        return { runId: run.id, created: true };
      });
    },

    async debounce(run, events, maxWaitMs) {
      const sql = await exec();
      for (let attempt = 0; ; attempt++) {
        try {
          return await sql.transaction(async (tx) => {
            await lock(sql, tx, `weft:debounce:${run.workflowId}:${run.debounceKey}`);
            const open = await tx.all<{ id: string; created_at: number | string }>(
              "SELECT id, created_at FROM weft_runs WHERE workflow_id = ? AND debounce_key = ? AND status = 'queued'",
              [run.workflowId, run.debounceKey],
            );
            const hit = open[0];
            if (hit) {
              const due = Math.min(
                run.availableAt as number,
                maxWaitMs === undefined ? Number.POSITIVE_INFINITY : Number(hit.created_at) + maxWaitMs,
              );
              const order = due - ((run.availableAt as number) - (run.claimOrder as number));
              const changed = await tx.run(
                "UPDATE weft_runs SET input = ?, available_at = ?, claim_order = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
                [encode(run.input, MAX_BYTES, { runId: hit.id, field: 'input' }), due, order, run.updatedAt, hit.id],
              );
              if (changed > 0) {
                const data = events.map((e) => encode(e.data, MAX_BYTES, { runId: hit.id, event: e.type }));
                const insert = eventsInsert(
                  hit.id,
                  events.map((e) => ({ ...e, type: 'run:debounced' })),
                  data,
                );
                await tx.run(insert.sql, insert.params);
                return { runId: hit.id, created: false };
              }
            }
            await insertWithEvents(tx, run, events);
            return { runId: run.id, created: true };
          });
        } catch (error) {
          // Two debouncers of one key racing on a database without the advisory lock: retry.
          if (
            attempt < 5 &&
            /unique|23505/i.test(String((error as { code?: string }).code ?? (error as Error).message))
          )
            continue;
          throw error;
        }
      }
    },

    async admit(key, limit, periodMs, now) {
      const sql = await exec();
      return sql.transaction(async (tx) => {
        await lock(sql, tx, `weft:rate:${key}`);
        const rows = await tx.all<{ n: number | string; oldest: number | string | null }>(
          'SELECT COUNT(*) AS n, MIN(at) AS oldest FROM weft_flow_starts WHERE key = ? AND at > ?',
          [key, now - periodMs],
        );
        const used = Number(rows[0]?.n ?? 0);
        if (used >= limit) {
          const oldest = Number(rows[0]?.oldest ?? now);
          return { ok: false, retryAfterMs: Math.max(1, oldest + periodMs - now) };
        }
        await tx.run('INSERT INTO weft_flow_starts (key, at, id) VALUES (?, ?, ?)', [
          key,
          now,
          `${now}:${Math.random().toString(36).slice(2)}`,
        ]);
        // Keep a margin past the window: another process's admission may carry an earlier `now`
        // (taken before it waited for the lock) and must still count the starts of its own window.
        await tx.run('DELETE FROM weft_flow_starts WHERE key = ? AND at <= ?', [
          key,
          now - periodMs - Math.max(periodMs, PRUNE_MARGIN_MS),
        ]);
        return { ok: true, retryAfterMs: 0 };
      });
    },

    claim,

    async remember(scope, key, expiresAt, now) {
      const sql = await exec();
      const rows = await sql.all<{ key: string }>(
        `INSERT INTO weft_idempotency (workflow_id, key, run_id, expires_at) VALUES (?, ?, '', ?)
         ON CONFLICT (workflow_id, key) DO UPDATE SET expires_at = excluded.expires_at
         WHERE weft_idempotency.expires_at <= ? RETURNING key`,
        [`~${scope}`, key, expiresAt, now],
      );
      return rows.length > 0;
    },

    async getRun(runId) {
      const sql = await exec();
      const rows = await sql.all<FlowRow>(`SELECT ${RUN_COLUMNS}, ${FLOW_COLUMNS} FROM weft_runs WHERE id = ?`, [
        runId,
      ]);
      return rows[0] ? toFlowRun(rows[0]) : undefined;
    },
    async countRunning(key) {
      const sql = await exec();
      const rows = await sql.all<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM weft_runs WHERE status = 'running' AND concurrency_key = ?",
        [key],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async countStarts(key, since) {
      const sql = await exec();
      const rows = await sql.all<{ n: number | string }>(
        'SELECT COUNT(*) AS n FROM weft_flow_starts WHERE key = ? AND at > ?',
        [key, since],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async queueDepth(now, workflowIds) {
      const sql = await exec();
      const filter = workflowIds ? ` AND workflow_id IN (${placeholders(workflowIds.length)})` : '';
      const rows = await sql.all<{
        workflow_id: string;
        status: string;
        gated: number | string | boolean;
        concurrency_key: string | null;
        concurrency_limit: number | string | null;
        delayed: number | string | null;
        n: number | string;
        oldest: number | string;
      }>(
        `SELECT workflow_id, status, CASE WHEN available_at IS NULL THEN 0 ELSE 1 END AS gated, concurrency_key, concurrency_limit,
           SUM(CASE WHEN available_at > ? THEN 1 ELSE 0 END) AS delayed, COUNT(*) AS n, MIN(created_at) AS oldest
         FROM weft_runs WHERE status IN ('queued', 'running')${filter}
         GROUP BY workflow_id, status, CASE WHEN available_at IS NULL THEN 0 ELSE 1 END, concurrency_key, concurrency_limit`,
        [now, ...(workflowIds ?? [])],
      );
      return rows.map(
        (r): FlowDepthRow => ({
          workflowId: r.workflow_id,
          status: r.status === 'running' ? 'running' : 'queued',
          gated: Number(r.gated) === 1,
          ...(r.concurrency_key === null ? {} : { concurrencyKey: r.concurrency_key }),
          ...(r.concurrency_limit === null ? {} : { concurrencyLimit: Number(r.concurrency_limit) }),
          delayed: Number(r.delayed ?? 0),
          n: Number(r.n),
          oldest: Number(r.oldest),
        }),
      );
    },

    async saveSchedule(rec, keepNextAt) {
      const sql = await exec();
      const keep = keepNextAt
        ? `next_at = CASE WHEN weft_schedules.spec = excluded.spec THEN weft_schedules.next_at ELSE excluded.next_at END`
        : 'next_at = excluded.next_at, paused = excluded.paused';
      await sql.run(
        `INSERT INTO weft_schedules (${SCHEDULE_COLUMNS}) VALUES (${placeholders(9)})
         ON CONFLICT (id) DO UPDATE SET workflow_id = excluded.workflow_id, input = excluded.input,
         source = excluded.source, updated_at = excluded.updated_at, ${keep}, spec = excluded.spec`,
        [
          rec.id,
          rec.workflowId,
          specOf(rec),
          encode(rec.input, MAX_BYTES, { schedule: rec.id, field: 'input' }),
          rec.paused ? 1 : 0,
          rec.nextAt ?? null,
          rec.source,
          rec.createdAt,
          rec.updatedAt,
        ],
      );
      return (await this.getSchedule(rec.id)) as ScheduleRecord;
    },
    async getSchedule(id) {
      const sql = await exec();
      const rows = await sql.all<ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM weft_schedules WHERE id = ?`, [id]);
      return rows[0] ? toSchedule(rows[0]) : undefined;
    },
    async listSchedules(workflowId) {
      const sql = await exec();
      const rows = await sql.all<ScheduleRow>(
        `SELECT ${SCHEDULE_COLUMNS} FROM weft_schedules${workflowId === undefined ? '' : ' WHERE workflow_id = ?'} ORDER BY id`,
        workflowId === undefined ? [] : [workflowId],
      );
      return rows.map(toSchedule);
    },
    async patchSchedule(id, patch) {
      const sql = await exec();
      const sets: string[] = [];
      const params: unknown[] = [];
      if (patch.paused !== undefined) {
        sets.push('paused = ?');
        params.push(patch.paused ? 1 : 0);
      }
      if ('nextAt' in patch) {
        sets.push('next_at = ?');
        params.push(patch.nextAt ?? null);
      }
      sets.push('updated_at = ?');
      params.push(patch.updatedAt ?? Date.now());
      return (await sql.run(`UPDATE weft_schedules SET ${sets.join(', ')} WHERE id = ?`, [...params, id])) > 0;
    },
    async deleteSchedule(id) {
      const sql = await exec();
      const changed = await sql.transaction(async (tx) => {
        await tx.run('DELETE FROM weft_schedule_ticks WHERE schedule_id = ?', [id]);
        return tx.run('DELETE FROM weft_schedules WHERE id = ?', [id]);
      });
      return changed > 0;
    },
    async nextDueAt(workflowIds) {
      if (workflowIds.length === 0) return undefined;
      const sql = await exec();
      const rows = await sql.all<{ at: number | string | null }>(
        `SELECT MIN(next_at) AS at FROM weft_schedules WHERE paused = 0 AND workflow_id IN (${placeholders(workflowIds.length)})`,
        workflowIds,
      );
      return n(rows[0]?.at);
    },
    async dueSchedules(now, limit) {
      const sql = await exec();
      const rows = await sql.all<ScheduleRow>(
        `SELECT ${SCHEDULE_COLUMNS} FROM weft_schedules WHERE paused = 0 AND next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?`,
        [now, limit],
      );
      return rows.map(toSchedule);
    },
    async commitTicks(scheduleId, expectNextAt, nextAt, ticks) {
      const sql = await exec();
      const now = Date.now();
      return sql.transaction(async (tx) => {
        if (expectNextAt !== undefined) {
          const moved = await tx.run(
            'UPDATE weft_schedules SET next_at = ?, updated_at = ? WHERE id = ? AND next_at = ?',
            [nextAt ?? null, now, scheduleId, expectNextAt],
          );
          if (moved === 0) return [];
        }
        const created: RunRecord[] = [];
        for (const t of ticks) {
          const fresh = await tx.run(
            'INSERT INTO weft_schedule_ticks (schedule_id, tick_at, run_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (schedule_id, tick_at) DO NOTHING',
            [scheduleId, t.tickAt, t.run.id, now],
          );
          if (fresh === 0) continue;
          await insertWithEvents(tx, t.run, t.events);
          created.push(t.run);
        }
        // The unique key guards the frontier; a day of history is plenty for `listTicks`.
        await tx.run('DELETE FROM weft_schedule_ticks WHERE schedule_id = ? AND tick_at < ?', [
          scheduleId,
          now - 86_400_000,
        ]);
        return created;
      });
    },
    async listTicks(scheduleId, limit) {
      const sql = await exec();
      const rows = await sql.all<{ tick_at: number | string; run_id: string }>(
        'SELECT tick_at, run_id FROM weft_schedule_ticks WHERE schedule_id = ? ORDER BY tick_at DESC LIMIT ?',
        [scheduleId, limit],
      );
      return rows.map((r) => ({ tickAt: Number(r.tick_at), runId: r.run_id }));
    },
  };
}
