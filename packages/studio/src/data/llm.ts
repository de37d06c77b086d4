/**
 * LLM calls as @weft/llm's router records them (`weft_llm_calls`, written by
 * `createKyselyUsageStore` on the same database): per run, per step, and aggregated over a time
 * range for the cost page. Read with plain SQL, so Studio does not load the AI SDK.
 */
import { sql } from 'kysely';
import { isMissingTable, num, parseJson, type StudioStore } from './source.js';

/** One recorded LLM call. */
export interface LlmCall {
  id: string;
  startedAt: number;
  runId?: string;
  /** The step (path) that made the call, when it ran inside a step. */
  stepId?: string;
  workflowId?: string;
  task?: string;
  route: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpriced: boolean;
  latencyMs: number;
  outcome: string;
  /** The step attempt that made the call (when the router records it). */
  attempt?: number;
  /** Why the model stopped (`stop`, `length`, `tool-calls`, …), when recorded. */
  finishReason?: string;
  /** Models tried before the one that served (fallbacks taken). */
  fallbacks: number;
  error?: string;
}

interface CallRow {
  id: string;
  step_path?: string | null;
  attempt?: number | string | null;
  finish_reason?: string | null;
  started_at: number | string;
  run_id: string | null;
  step_id: string | null;
  workflow_id: string | null;
  task: string | null;
  route: string;
  model: string | null;
  input_tokens: number | string;
  output_tokens: number | string;
  cost_usd: number | string;
  unpriced: number | string;
  latency_ms: number | string;
  outcome: string;
  fallback_chain: string | null;
  error: string | null;
}

function toCall(r: CallRow): LlmCall {
  const chain = parseJson(r.fallback_chain);
  const c: LlmCall = {
    id: r.id,
    startedAt: num(r.started_at),
    route: r.route,
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    costUsd: num(r.cost_usd),
    unpriced: num(r.unpriced) === 1,
    latencyMs: num(r.latency_ms),
    outcome: r.outcome,
    fallbacks: Array.isArray(chain) ? Math.max(0, chain.length - 1) : 0,
  };
  if (r.run_id) c.runId = r.run_id;
  // `step_path` (the full path, e.g. `items[2]/summarize`) where the router records it, else the step id.
  const step = r.step_path ?? r.step_id;
  if (step) c.stepId = step;
  if (r.attempt !== null && r.attempt !== undefined) c.attempt = num(r.attempt);
  if (r.finish_reason) c.finishReason = r.finish_reason;
  if (r.workflow_id) c.workflowId = r.workflow_id;
  if (r.task) c.task = r.task;
  if (r.model) c.model = r.model;
  if (r.error) c.error = r.error;
  return c;
}

/** The LLM calls of one run, in start order. */
export async function llmCallsOfRun(store: StudioStore, runId: string): Promise<LlmCall[]> {
  const { rows } =
    await sql<CallRow>`select * from weft_llm_calls where run_id = ${runId} order by started_at limit 2000`.execute(
      store.db,
    );
  return rows.map(toCall);
}

/** A sum of calls, tokens, cost and latency. */
export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  avgLatencyMs: number;
  failed: number;
}

/** One group of the usage page (a model, a workflow, a step, a run, a day). */
export interface UsageGroup extends UsageTotals {
  key: string;
  /** For steps and runs: the workflow. */
  workflowId?: string;
}

/** The LLM cost page's data over a time range. */
export interface LlmUsage {
  from: number;
  to: number;
  totals: UsageTotals;
  byModel: UsageGroup[];
  byWorkflow: UsageGroup[];
  byStep: UsageGroup[];
  topRuns: UsageGroup[];
  /** Per day (UTC), oldest first, every day of the range present. */
  byDay: UsageGroup[];
  /** False when no usage table exists in this database (no router ever recorded here). */
  recorded: boolean;
}

interface GroupRow {
  k: string | null;
  w?: string | null;
  calls: number | string;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cost: number | string | null;
  latency: number | string | null;
  failed: number | string | null;
}

function toGroup(r: GroupRow): UsageGroup {
  const g: UsageGroup = {
    key: r.k ?? '(none)',
    calls: num(r.calls),
    inputTokens: num(r.input_tokens ?? 0),
    outputTokens: num(r.output_tokens ?? 0),
    costUsd: num(r.cost ?? 0),
    avgLatencyMs: num(r.latency ?? 0),
    failed: num(r.failed ?? 0),
  };
  if (r.w) g.workflowId = r.w;
  return g;
}

const DAY = 86_400_000;

/** Aggregates the calls started in `[from, to)`. */
const stepColumn = new WeakMap<object, Promise<'step_path' | 'step_id'>>();

/** `step_path` when this database's `weft_llm_calls` has it (newer @weft/llm), else `step_id`. */
function stepColumnOf(store: StudioStore): Promise<'step_path' | 'step_id'> {
  let p = stepColumn.get(store.db);
  if (!p) {
    p = sql`select step_path from weft_llm_calls where 1 = 0`.execute(store.db).then(
      () => 'step_path' as const,
      () => 'step_id' as const,
    );
    stepColumn.set(store.db, p);
  }
  return p;
}

export async function llmUsage(store: StudioStore, from: number, to: number): Promise<LlmUsage> {
  const db = store.db;
  const stepCol = sql.ref(await stepColumnOf(store));
  const agg = sql`count(*) as calls, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cost_usd) as cost, avg(latency_ms) as latency, sum(case when outcome in ('error', 'refused') then 1 else 0 end) as failed`;
  const range = sql`started_at >= ${from} and started_at < ${to}`;
  const day =
    store.dialect === 'postgres' ? sql`floor(started_at / ${DAY})::bigint` : sql`cast(started_at / ${DAY} as integer)`;
  try {
    const [totals, byModel, byWorkflow, byStep, topRuns, byDay] = await Promise.all([
      sql<GroupRow>`select 'all' as k, ${agg} from weft_llm_calls where ${range}`.execute(db),
      sql<GroupRow>`select coalesce(model, route) as k, ${agg} from weft_llm_calls where ${range} group by coalesce(model, route) order by cost desc, calls desc limit 20`.execute(
        db,
      ),
      sql<GroupRow>`select workflow_id as k, ${agg} from weft_llm_calls where ${range} group by workflow_id order by cost desc, calls desc limit 20`.execute(
        db,
      ),
      sql<GroupRow>`select ${stepCol} as k, workflow_id as w, ${agg} from weft_llm_calls where ${range} and ${stepCol} is not null group by workflow_id, ${stepCol} order by cost desc, calls desc limit 20`.execute(
        db,
      ),
      sql<GroupRow>`select run_id as k, max(workflow_id) as w, ${agg} from weft_llm_calls where ${range} and run_id is not null group by run_id order by cost desc, calls desc limit 10`.execute(
        db,
      ),
      sql<GroupRow>`select cast(d as varchar(32)) as k, ${agg} from (select ${day} as d, input_tokens, output_tokens, cost_usd, latency_ms, outcome from weft_llm_calls where ${range}) t group by d order by d`.execute(
        db,
      ),
    ]);
    const days = new Map(byDay.rows.map((r) => [Number(r.k), toGroup(r)]));
    const filled: UsageGroup[] = [];
    for (let d = Math.floor(from / DAY); d <= Math.floor((to - 1) / DAY) && filled.length < 400; d++) {
      const g = days.get(d);
      const key = new Date(d * DAY).toISOString().slice(0, 10);
      filled.push(
        g ? { ...g, key } : { key, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, avgLatencyMs: 0, failed: 0 },
      );
    }
    const t = totals.rows[0];
    return {
      from,
      to,
      recorded: true,
      totals: t ? toGroup(t) : { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, avgLatencyMs: 0, failed: 0 },
      byModel: byModel.rows.map(toGroup),
      byWorkflow: byWorkflow.rows.map(toGroup),
      byStep: byStep.rows.map(toGroup),
      topRuns: topRuns.rows.map(toGroup),
      byDay: filled,
    };
  } catch (err) {
    if (!isMissingTable(err)) throw err;
    const zero = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, avgLatencyMs: 0, failed: 0 };
    return { from, to, recorded: false, totals: zero, byModel: [], byWorkflow: [], byStep: [], topRuns: [], byDay: [] };
  }
}
