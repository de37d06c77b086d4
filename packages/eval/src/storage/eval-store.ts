/**
 * Stored eval history in the Weft store's database (libsql or Postgres through kysely): runs,
 * per-item results and scores, tagged with git commit and variant; plus the task-output cache.
 * JSON columns are text so both dialects behave the same.
 */
import type { Kysely } from 'kysely';
import { EvalStorageError } from '../errors/errors.js';
import type { EvalCache } from '../runner/cache.js';
import type { EvalRun, ItemResult, RunSummary } from '../runner/types.js';
import type { ScoreResult } from '../scorers/scorer.js';
import { migrateEvalTables } from './migrations.js';

/** Header of a stored run (without per-item results). */
export type StoredRunInfo = Omit<EvalRun, 'results'>;

/** Filters of {@link EvalStore.listRuns}. */
export interface RunListQuery {
  evalName?: string;
  variant?: string;
  gitCommit?: string;
  limit?: number;
}

/** A stored result row with its run's variant (for similarity lookups). */
export interface StoredResult extends ItemResult {
  runId: string;
  variant: string;
}

/** Eval history storage. */
export interface EvalStore {
  /** Creates tables (idempotent). Called by {@link createEvalStore} lazily before first use. */
  init(): Promise<void>;
  /** Inserts a finished run with its per-item results and scores. */
  saveRun(run: EvalRun): Promise<void>;
  /** The run with id `runId` including its results, or `undefined` when it is not stored. */
  getRun(runId: string): Promise<EvalRun | undefined>;
  /** Runs newest first. */
  listRuns(query?: RunListQuery): Promise<StoredRunInfo[]>;
  /** The newest run of an eval (optionally of a variant), with results. */
  latestRun(evalName: string, query?: { variant?: string; excludeRunId?: string }): Promise<EvalRun | undefined>;
  /** All stored results of an eval across runs and variants (newest runs first, capped by `limit` runs). */
  listResults(evalName: string, options?: { limitRuns?: number }): Promise<StoredResult[]>;
  /** Deletes a run and its stored results; a no-op for an unknown id. */
  deleteRun(runId: string): Promise<void>;
  /** Task-output cache persisted in `weft_eval_cache`. */
  readonly cache: EvalCache;
}

/** What {@link createEvalStore} needs: a kysely instance (e.g. a Weft store's `.db`). */
export interface EvalStoreSource {
  db: Kysely<any>;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = (v: unknown) => (v === null || v === undefined ? undefined : JSON.parse(String(v)));

/**
 * Creates the eval history store on a kysely database: pass a Weft store (`createStore({ url })`
 * has `.db`) or `{ db }`.
 *
 * @example
 * ```ts
 * const store = createStore({ url: 'file:.weft/weft.db' });
 * const history = createEvalStore(store);
 * await runEval(def, { store: history });
 * ```
 */
export function createEvalStore(source: EvalStoreSource): EvalStore {
  const db = source.db;
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= migrateEvalTables(db).catch((e) => {
      ready = undefined;
      throw e;
    });
    return ready;
  };
  const guard = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    await init();
    try {
      return await fn();
    } catch (cause) {
      throw new EvalStorageError(`Expected to ${what}, but the database call failed: ${(cause as Error).message}`, {
        cause,
      });
    }
  };
  const toInfo = (row: any): StoredRunInfo => {
    const info: StoredRunInfo = {
      id: row.id,
      evalName: row.eval_name,
      variant: row.variant,
      taskVersion: row.task_version,
      trials: Number(row.trials),
      startedAt: Number(row.started_at),
      endedAt: Number(row.ended_at),
      summary: parse(row.summary) as RunSummary,
    };
    if (row.git_commit) info.gitCommit = row.git_commit;
    if (row.model_id) info.modelId = row.model_id;
    if (row.task_tag) info.taskTag = row.task_tag;
    return info;
  };
  const loadResults = async (runIds: string[]): Promise<Map<string, ItemResult[]>> => {
    const out = new Map<string, ItemResult[]>();
    if (runIds.length === 0) return out;
    const rows = await db.selectFrom('weft_eval_results').selectAll().where('run_id', 'in', runIds).execute();
    const scoreRows = await db.selectFrom('weft_eval_scores').selectAll().where('run_id', 'in', runIds).execute();
    const scores = new Map<string, Record<string, ScoreResult>>();
    for (const s of scoreRows) {
      const key = `${s.run_id}\u0000${s.item_id}\u0000${s.trial}`;
      const map = scores.get(key) ?? {};
      const score: ScoreResult = { score: s.error == null ? Number(s.score) : Number.NaN };
      if (s.error != null) score.error = parse(s.error) as Record<string, unknown>;
      if (s.rationale !== null) score.rationale = s.rationale;
      if (s.metadata !== null) score.metadata = parse(s.metadata);
      map[s.scorer] = score;
      scores.set(key, map);
    }
    for (const r of rows) {
      const result: ItemResult = {
        itemId: r.item_id,
        trial: Number(r.trial),
        input: parse(r.input),
        latencyMs: Number(r.latency_ms),
        scores: scores.get(`${r.run_id}\u0000${r.item_id}\u0000${r.trial}`) ?? {},
        tags: parse(r.tags) ?? [],
        cached: Number(r.cached) === 1,
        attempts: Number(r.attempts),
      };
      if (r.expected !== null) result.expected = parse(r.expected);
      if (r.output !== null) result.output = parse(r.output);
      if (r.error !== null) result.error = parse(r.error);
      if (r.cost_usd !== null) result.costUsd = Number(r.cost_usd);
      if (r.usage !== null) result.usage = parse(r.usage);
      if (r.task_run_id !== null) result.taskRunId = r.task_run_id;
      if (r.model !== null) result.model = r.model;
      const list = out.get(r.run_id) ?? [];
      list.push(result);
      out.set(r.run_id, list);
    }
    for (const list of out.values()) list.sort((a, b) => a.itemId.localeCompare(b.itemId) || a.trial - b.trial);
    return out;
  };
  const listRuns = (query: RunListQuery = {}) =>
    guard('list eval runs', async () => {
      let q = db.selectFrom('weft_eval_runs').selectAll();
      if (query.evalName) q = q.where('eval_name', '=', query.evalName);
      if (query.variant) q = q.where('variant', '=', query.variant);
      if (query.gitCommit) q = q.where('git_commit', '=', query.gitCommit);
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit ?? 100)
        .execute();
      return rows.map(toInfo);
    });
  const getRun = (runId: string) =>
    guard(`read eval run ${runId}`, async () => {
      const row = await db.selectFrom('weft_eval_runs').selectAll().where('id', '=', runId).executeTakeFirst();
      if (!row) return undefined;
      const results = (await loadResults([runId])).get(runId) ?? [];
      return { ...toInfo(row), results };
    });

  return {
    init,
    saveRun: (run) =>
      guard(`save eval run ${run.id}`, async () => {
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('weft_eval_runs')
            .values({
              id: run.id,
              eval_name: run.evalName,
              variant: run.variant,
              git_commit: run.gitCommit ?? null,
              task_version: run.taskVersion,
              model_id: run.modelId ?? null,
              task_tag: run.taskTag ?? null,
              trials: run.trials,
              started_at: run.startedAt,
              ended_at: run.endedAt,
              summary: JSON.stringify(run.summary),
            })
            .execute();
          const resultRows = run.results.map((r) => ({
            run_id: run.id,
            item_id: r.itemId,
            trial: r.trial,
            input: JSON.stringify(r.input ?? null),
            expected: json(r.expected),
            output: json(r.output),
            error: json(r.error),
            latency_ms: r.latencyMs,
            cost_usd: r.costUsd ?? null,
            usage: json(r.usage),
            task_run_id: r.taskRunId ?? null,
            model: r.model ?? null,
            tags: JSON.stringify(r.tags),
            cached: r.cached ? 1 : 0,
            attempts: r.attempts,
          }));
          const scoreRows = run.results.flatMap((r) =>
            Object.entries(r.scores).map(([scorer, s]) => ({
              run_id: run.id,
              item_id: r.itemId,
              trial: r.trial,
              scorer,
              // NOT NULL column: an errored score keeps a placeholder, and `error` marks it.
              score: s.error || !Number.isFinite(s.score) ? 0 : s.score,
              rationale: s.rationale ?? null,
              metadata: json(s.metadata),
              error:
                s.error || !Number.isFinite(s.score)
                  ? JSON.stringify(s.error ?? { message: 'score is not a finite number' })
                  : null,
            })),
          );
          for (let i = 0; i < resultRows.length; i += 50)
            await tx
              .insertInto('weft_eval_results')
              .values(resultRows.slice(i, i + 50))
              .execute();
          for (let i = 0; i < scoreRows.length; i += 100)
            await tx
              .insertInto('weft_eval_scores')
              .values(scoreRows.slice(i, i + 100))
              .execute();
        });
      }),
    getRun,
    listRuns,
    latestRun: (evalName, query = {}) =>
      guard(`find the latest run of ${evalName}`, async () => {
        const runs = await listRuns({ evalName, ...(query.variant ? { variant: query.variant } : {}), limit: 2 });
        const info = runs.find((r) => r.id !== query.excludeRunId);
        return info ? getRun(info.id) : undefined;
      }),
    listResults: (evalName, options = {}) =>
      guard(`list results of ${evalName}`, async () => {
        const runs = await listRuns({ evalName, limit: options.limitRuns ?? 50 });
        const byRun = await loadResults(runs.map((r) => r.id));
        return runs.flatMap((run) =>
          (byRun.get(run.id) ?? []).map((r) => ({ ...r, runId: run.id, variant: run.variant })),
        );
      }),
    deleteRun: (runId) =>
      guard(`delete eval run ${runId}`, async () => {
        await db.transaction().execute(async (tx) => {
          await tx.deleteFrom('weft_eval_scores').where('run_id', '=', runId).execute();
          await tx.deleteFrom('weft_eval_results').where('run_id', '=', runId).execute();
          await tx.deleteFrom('weft_eval_runs').where('id', '=', runId).execute();
        });
      }),
    cache: {
      get: (key) =>
        guard('read the eval cache', async () => {
          const row = await db.selectFrom('weft_eval_cache').select('output').where('key', '=', key).executeTakeFirst();
          return row ? { output: parse(row.output) } : undefined;
        }),
      set: (key, output) =>
        guard('write the eval cache', async () => {
          await db
            .insertInto('weft_eval_cache')
            .values({ key, output: JSON.stringify(output ?? null), created_at: Date.now() })
            .onConflict((oc) => oc.column('key').doUpdateSet({ output: JSON.stringify(output ?? null) }))
            .execute();
        }),
    },
  };
}
