/**
 * {@link UsageStore} and {@link QualityStore} on any Kysely instance (SQLite/libsql or PostgreSQL).
 * The stores create their own tables, tracked in their own migration table `weft_llm_migrations`, so
 * they can share a database with @weft/workflow without touching its schema.
 */
import { type Kysely, sql } from 'kysely';
import type { QualityStore } from '../quality/quality-store.js';
import type { CallRecord, UsageQuery, UsageStore } from './usage-store.js';

/** The SQL dialects the Kysely stores support. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** Options of {@link createKyselyUsageStore} and {@link createKyselyQualityStore}. */
export interface KyselyStoreOptions {
  db: Kysely<any>;
  dialect: SqlDialectName;
}

const MIGRATIONS_TABLE = 'weft_llm_migrations';

type Db = Kysely<any>;

const migrations: { name: string; up: (db: Db) => Promise<void> }[] = [
  {
    name: '0001_calls_cache_quality',
    async up(db) {
      await db.schema
        .createTable('weft_llm_calls')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'double precision', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('step_id', 'text')
        .addColumn('workflow_id', 'text')
        .addColumn('task', 'text')
        .addColumn('route', 'text', (c) => c.notNull())
        .addColumn('model', 'text')
        .addColumn('input_tokens', 'integer', (c) => c.notNull())
        .addColumn('output_tokens', 'integer', (c) => c.notNull())
        .addColumn('cache_read_tokens', 'integer', (c) => c.notNull())
        .addColumn('cache_write_tokens', 'integer', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('unpriced', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'double precision', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('streamed', 'integer', (c) => c.notNull())
        .addColumn('fallback_chain', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('weft_llm_calls_run').ifNotExists().on('weft_llm_calls').column('run_id').execute();
      await db.schema
        .createIndex('weft_llm_calls_workflow')
        .ifNotExists()
        .on('weft_llm_calls')
        .column('workflow_id')
        .execute();
      await db.schema
        .createIndex('weft_llm_calls_started')
        .ifNotExists()
        .on('weft_llm_calls')
        .column('started_at')
        .execute();
      await db.schema
        .createTable('weft_llm_cache')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('weft_llm_quality')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('at', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('weft_llm_quality_task')
        .ifNotExists()
        .on('weft_llm_quality')
        .column('task')
        .execute();
    },
  },
  {
    // Calls made in a workflow step: its full path and attempt; why the model stopped; and the
    // prompt and response when the router records content (off by default).
    name: '0002_step_scope_content',
    async up(db) {
      for (const [column, type] of [
        ['step_path', 'text'],
        ['attempt', 'integer'],
        ['finish_reason', 'text'],
        ['prompt', 'text'],
        ['response', 'text'],
      ] as const) {
        await db.schema.alterTable('weft_llm_calls').addColumn(column, type).execute();
      }
      await db.schema
        .createIndex('weft_llm_calls_run_step')
        .ifNotExists()
        .on('weft_llm_calls')
        .columns(['run_id', 'step_path'])
        .execute();
    },
  },
];

const migrated = new WeakMap<Db, Promise<void>>();

/** Applies pending @weft/llm migrations once per Kysely instance. Idempotent and safe to call often. */
export function migrateLlmTables(db: Db): Promise<void> {
  let p = migrated.get(db);
  if (!p) {
    p = runMigrations(db);
    migrated.set(db, p);
    p.catch(() => migrated.delete(db));
  }
  return p;
}

async function runMigrations(db: Db): Promise<void> {
  await db.schema
    .createTable(MIGRATIONS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'double precision', (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom(MIGRATIONS_TABLE).select('name').execute()).map((r) => r.name as string));
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    await m.up(db);
    await db
      .insertInto(MIGRATIONS_TABLE)
      .values({ name: m.name, applied_at: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
}

function checkDialect(options: KyselyStoreOptions): void {
  if (options.dialect !== 'sqlite' && options.dialect !== 'postgres') {
    throw new TypeError(`Expected dialect 'sqlite' or 'postgres', got ${JSON.stringify(options.dialect)}`);
  }
}

/**
 * A {@link UsageStore} in a SQL database through Kysely. Tables are created on first use.
 *
 * @example
 * ```ts
 * const store = createStore({ url: 'file:weft.db' }); // @weft/workflow
 * const usage = createKyselyUsageStore({ db: store.db, dialect: store.dialect });
 * const router = createRouter({ providers, routes, store: usage });
 * ```
 */
export function createKyselyUsageStore(options: KyselyStoreOptions): UsageStore {
  checkDialect(options);
  const { db } = options;
  const ready = () => migrateLlmTables(db);
  const where = (qb: any, q: UsageQuery) => {
    let b = qb;
    if (q.runId !== undefined) b = b.where('run_id', '=', q.runId);
    if (q.stepId !== undefined) b = b.where('step_id', '=', q.stepId);
    if (q.stepPath !== undefined) b = b.where('step_path', '=', q.stepPath);
    if (q.workflowId !== undefined) b = b.where('workflow_id', '=', q.workflowId);
    if (q.since !== undefined) b = b.where('started_at', '>=', q.since);
    if (q.until !== undefined) b = b.where('started_at', '<', q.until);
    return b;
  };
  return {
    async recordCall(r) {
      await ready();
      await db
        .insertInto('weft_llm_calls')
        .values({
          id: r.id,
          started_at: r.startedAt,
          run_id: r.runId ?? null,
          step_id: r.stepId ?? null,
          workflow_id: r.workflowId ?? null,
          task: r.task ?? null,
          route: r.route,
          model: r.model ?? null,
          input_tokens: r.inputTokens,
          output_tokens: r.outputTokens,
          cache_read_tokens: r.cacheReadTokens,
          cache_write_tokens: r.cacheWriteTokens,
          cost_usd: r.costUsd,
          unpriced: r.unpriced ? 1 : 0,
          latency_ms: r.latencyMs,
          outcome: r.outcome,
          streamed: r.streamed ? 1 : 0,
          fallback_chain: JSON.stringify(r.fallbackChain),
          error: r.error ?? null,
          step_path: r.stepPath ?? null,
          attempt: r.attempt ?? null,
          finish_reason: r.finishReason ?? null,
          prompt: r.prompt === undefined ? null : JSON.stringify(r.prompt),
          response: r.response ?? null,
        })
        .execute();
    },
    async listCalls(q = {}) {
      await ready();
      const rows = await where(db.selectFrom('weft_llm_calls').selectAll(), q).orderBy('started_at').execute();
      return rows.map(rowToCall);
    },
    async sumCost(q) {
      await ready();
      const row = await where(
        db.selectFrom('weft_llm_calls').select(sql<number>`coalesce(sum(cost_usd), 0)`.as('total')),
        q,
      ).executeTakeFirst();
      return Number(row?.total ?? 0);
    },
    async sumUsage(q) {
      await ready();
      const row = await where(
        db
          .selectFrom('weft_llm_calls')
          .select([
            sql<number>`coalesce(sum(cost_usd), 0)`.as('cost'),
            sql<number>`coalesce(sum(input_tokens), 0)`.as('input'),
            sql<number>`coalesce(sum(output_tokens), 0)`.as('output'),
          ]),
        q,
      ).executeTakeFirst();
      return {
        costUsd: Number(row?.cost ?? 0),
        inputTokens: Number(row?.input ?? 0),
        outputTokens: Number(row?.output ?? 0),
      };
    },
    async getCached(key, now) {
      await ready();
      const row = await db
        .selectFrom('weft_llm_cache')
        .select(['value', 'expires_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row || Number(row.expires_at) <= now) return undefined;
      return row.value as string;
    },
    async setCached(key, value, expiresAt) {
      await ready();
      await db
        .insertInto('weft_llm_cache')
        .values({ key, value, expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, expires_at: expiresAt }))
        .execute();
    },
  };
}

function rowToCall(row: any): CallRecord {
  const rec: CallRecord = {
    id: row.id,
    startedAt: Number(row.started_at),
    route: row.route,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    costUsd: Number(row.cost_usd),
    unpriced: Number(row.unpriced) === 1,
    latencyMs: Number(row.latency_ms),
    outcome: row.outcome,
    streamed: Number(row.streamed) === 1,
    fallbackChain: JSON.parse(row.fallback_chain),
  };
  if (row.run_id != null) rec.runId = row.run_id;
  if (row.step_id != null) rec.stepId = row.step_id;
  if (row.workflow_id != null) rec.workflowId = row.workflow_id;
  if (row.task != null) rec.task = row.task;
  if (row.model != null) rec.model = row.model;
  if (row.error != null) rec.error = row.error;
  if (row.step_path != null) rec.stepPath = row.step_path;
  if (row.attempt != null) rec.attempt = Number(row.attempt);
  if (row.finish_reason != null) rec.finishReason = row.finish_reason;
  if (row.prompt != null) rec.prompt = JSON.parse(row.prompt);
  if (row.response != null) rec.response = row.response;
  return rec;
}

/**
 * A {@link QualityStore} in a SQL database through Kysely (same tables and migrations as the usage store).
 *
 * @example
 * ```ts
 * const quality = createKyselyQualityStore({ db: store.db, dialect: store.dialect });
 * const router = createRouter({ providers, routes, learned: { quality } });
 * ```
 */
export function createKyselyQualityStore(options: KyselyStoreOptions): QualityStore {
  checkDialect(options);
  const { db } = options;
  return {
    async record(r) {
      if (!(r.score >= 0 && r.score <= 1)) throw new RangeError(`Expected a quality score from 0 to 1, got ${r.score}`);
      await migrateLlmTables(db);
      await db
        .insertInto('weft_llm_quality')
        .values({
          id: crypto.randomUUID(),
          task: r.task,
          model: r.model,
          score: r.score,
          source: r.source,
          run_id: r.runId ?? null,
          at: r.at ?? Date.now(),
        })
        .execute();
    },
    async read(task, options = {}) {
      await migrateLlmTables(db);
      const window = options.window ?? Number.POSITIVE_INFINITY;
      if (window !== Number.POSITIVE_INFINITY) {
        // each model's newest `window` records (window functions: SQLite ≥ 3.25, PostgreSQL)
        const { rows } = await sql<{ model: string; n: number; mean: number }>`
          select model, count(*) as n, avg(score) as mean from (
            select model, score, row_number() over (partition by model order by at desc) as rn
            from weft_llm_quality where task = ${task}
          ) recent where rn <= ${Math.floor(window)} group by model`.execute(db);
        return rows.map((r) => ({ model: r.model, count: Number(r.n), meanScore: Number(r.mean) }));
      }
      const rows = await db
        .selectFrom('weft_llm_quality')
        .select(['model', sql<number>`count(*)`.as('n'), sql<number>`avg(score)`.as('mean')])
        .where('task', '=', task)
        .groupBy('model')
        .execute();
      return rows.map((r) => ({ model: r.model as string, count: Number(r.n), meanScore: Number(r.mean) }));
    },
  };
}
