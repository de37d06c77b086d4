/**
 * Where the router records calls and keeps its response cache. A small interface so the router does
 * not care whether records live in memory, SQLite or PostgreSQL (see `kysely-usage-store.ts`).
 */
import type { AttemptInfo } from '../errors/errors.js';

/** What became of one routed call. `refused` means a budget refused it before anything was sent. */
export type CallOutcome = 'ok' | 'error' | 'cache-hit' | 'refused';

/** One routed call (a `doGenerate` or `doStream`), with its whole fallback chain. */
export interface CallRecord {
  id: string;
  /** Epoch milliseconds. */
  startedAt: number;
  runId?: string;
  /** The step's own id. */
  stepId?: string;
  /** The step's path in its run, when the call ran inside a workflow step (`items[3]/summarize`). */
  stepPath?: string;
  /** The step attempt that made the call. */
  attempt?: number;
  workflowId?: string;
  /** Task tag used for routing and learned routing. */
  task?: string;
  /** Route name, or the model id when a single model was requested. */
  route: string;
  /** `provider/model` that served the call (or the last one tried). */
  model?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  /** True when the serving model has no price: `costUsd` is 0 but the call was not free. */
  unpriced: boolean;
  latencyMs: number;
  outcome: CallOutcome;
  streamed: boolean;
  /** Every attempt in order, including failed ones and candidates skipped during a cooldown. */
  fallbackChain: AttemptInfo[];
  /** Why the model stopped (`stop`, `length`, `tool-calls`, …), when it answered. */
  finishReason?: string;
  /** The prompt as sent, only with `createRouter({ recordContent })` (after its `redact`). */
  prompt?: unknown;
  /** The answer's text, only with `createRouter({ recordContent })` (after its `redact`). */
  response?: string;
  error?: string;
}

/** Filters for {@link UsageStore.listCalls}; all given fields must match. */
export interface UsageQuery {
  runId?: string;
  stepId?: string;
  stepPath?: string;
  workflowId?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

/** Persistence for call records and cached responses. */
export interface UsageStore {
  /** Persists one finished (or refused) call; called by the router once per routed call. */
  recordCall(record: CallRecord): Promise<void>;
  /** The stored calls matching `query` (all calls when omitted), e.g. to build a {@link UsageSummary}. */
  listCalls(query?: UsageQuery): Promise<CallRecord[]>;
  /** Sum of `costUsd` of the matching calls. */
  sumCost(query: UsageQuery): Promise<number>;
  /**
   * Sums of `costUsd`, `inputTokens` and `outputTokens` of the matching calls, for token budgets.
   * Optional: without it the router adds up {@link UsageStore.listCalls}.
   */
  sumUsage?(query: UsageQuery): Promise<{ costUsd: number; inputTokens: number; outputTokens: number }>;
  /** The cached value under `key` if it has not expired at `now` (epoch ms). */
  getCached(key: string, now: number): Promise<string | undefined>;
  /** Stores a cached response `value` under `key`, replacing any previous one, valid until `expiresAt` (epoch ms). */
  setCached(key: string, value: string, expiresAt: number): Promise<void>;
}

/** Totals of a set of calls, e.g. for a run summary. */
export interface UsageSummary {
  calls: number;
  failures: number;
  cacheHits: number;
  refused: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Calls served by models without a known price (their cost counts as 0). */
  unpricedCalls: number;
  byModel: Record<string, { calls: number; inputTokens: number; outputTokens: number; costUsd: number }>;
}

/** Adds up call records. */
export function summarizeCalls(calls: readonly CallRecord[]): UsageSummary {
  const summary: UsageSummary = {
    calls: 0,
    failures: 0,
    cacheHits: 0,
    refused: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
    byModel: {},
  };
  for (const c of calls) {
    summary.calls++;
    if (c.outcome === 'error') summary.failures++;
    if (c.outcome === 'cache-hit') summary.cacheHits++;
    if (c.outcome === 'refused') summary.refused++;
    if (c.unpriced) summary.unpricedCalls++;
    summary.inputTokens += c.inputTokens;
    summary.outputTokens += c.outputTokens;
    summary.costUsd += c.costUsd;
    const key = c.model ?? '(none)';
    const m = (summary.byModel[key] ??= { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    m.calls++;
    m.inputTokens += c.inputTokens;
    m.outputTokens += c.outputTokens;
    m.costUsd += c.costUsd;
  }
  return summary;
}

export function matchesQuery(c: CallRecord, q: UsageQuery): boolean {
  return (
    (q.runId === undefined || c.runId === q.runId) &&
    (q.stepId === undefined || c.stepId === q.stepId) &&
    (q.stepPath === undefined || c.stepPath === q.stepPath) &&
    (q.workflowId === undefined || c.workflowId === q.workflowId) &&
    (q.since === undefined || c.startedAt >= q.since) &&
    (q.until === undefined || c.startedAt < q.until)
  );
}

/**
 * An in-process {@link UsageStore}: the default when `createRouter` gets no `store`.
 *
 * @example
 * ```ts
 * const store = createMemoryUsageStore();
 * const router = createRouter({ providers, routes, store });
 * ```
 */
export function createMemoryUsageStore(): UsageStore {
  const calls: CallRecord[] = [];
  const cache = new Map<string, { value: string; expiresAt: number }>();
  return {
    async recordCall(record) {
      calls.push(structuredClone(record));
    },
    async listCalls(query = {}) {
      return calls.filter((c) => matchesQuery(c, query)).map((c) => structuredClone(c));
    },
    async sumCost(query) {
      let sum = 0;
      for (const c of calls) if (matchesQuery(c, query)) sum += c.costUsd;
      return sum;
    },
    async sumUsage(query) {
      const sum = { costUsd: 0, inputTokens: 0, outputTokens: 0 };
      for (const c of calls) {
        if (!matchesQuery(c, query)) continue;
        sum.costUsd += c.costUsd;
        sum.inputTokens += c.inputTokens;
        sum.outputTokens += c.outputTokens;
      }
      return sum;
    },
    async getCached(key, now) {
      const hit = cache.get(key);
      if (!hit) return undefined;
      if (hit.expiresAt <= now) {
        cache.delete(key);
        return undefined;
      }
      return hit.value;
    },
    async setCached(key, value, expiresAt) {
      cache.set(key, { value, expiresAt });
    },
  };
}
