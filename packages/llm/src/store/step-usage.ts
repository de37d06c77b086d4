/**
 * LLM usage per run and per step: calls, tokens, cost, latency and fallbacks taken, from the call
 * records a router wrote (with the run id and step path its step scope attributed them to).
 */
import { InvalidLlmConfigError } from '../errors/errors.js';
import type { CallRecord, UsageStore } from './usage-store.js';

/** The usage of one step path of a run (or of the calls made outside any step: `stepPath` undefined). */
export interface StepUsage {
  /** The step's path in the run; undefined for calls of the run made outside a step. */
  stepPath?: string;
  /** The step's own id, when recorded. */
  stepId?: string;
  calls: number;
  /** Calls that failed (every candidate failed) or a budget refused. */
  failures: number;
  cacheHits: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Sum of the calls' latencies (ms). */
  latencyMs: number;
  /** The slowest call (ms). */
  maxLatencyMs: number;
  /** Times the router moved on to another model (over all calls). */
  fallbacks: number;
  /** The models that were given up on, in the order first seen. */
  fallbackModels: string[];
  /** The models that answered. */
  models: string[];
  /** The step attempts that made calls (1, 2, … a retried step shows several). */
  attempts: number[];
}

/** A run's usage: totals and one row per step path, in the order of each step's first call. */
export interface RunUsage {
  runId: string;
  totals: StepUsage;
  steps: StepUsage[];
}

function empty(): StepUsage {
  return {
    calls: 0,
    failures: 0,
    cacheHits: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    maxLatencyMs: 0,
    fallbacks: 0,
    fallbackModels: [],
    models: [],
    attempts: [],
  };
}

function add(u: StepUsage, c: CallRecord): void {
  u.calls++;
  if (c.outcome === 'error' || c.outcome === 'refused') u.failures++;
  if (c.outcome === 'cache-hit') u.cacheHits++;
  u.inputTokens += c.inputTokens;
  u.outputTokens += c.outputTokens;
  u.costUsd += c.costUsd;
  u.latencyMs += c.latencyMs;
  u.maxLatencyMs = Math.max(u.maxLatencyMs, c.latencyMs);
  const tried: string[] = [];
  for (const a of c.fallbackChain) if (!tried.includes(a.model)) tried.push(a.model);
  u.fallbacks += Math.max(0, tried.length - 1);
  for (const m of tried) if (m !== c.model && !u.fallbackModels.includes(m)) u.fallbackModels.push(m);
  if (c.model && c.outcome !== 'error' && c.outcome !== 'refused' && !u.models.includes(c.model))
    u.models.push(c.model);
  if (c.attempt !== undefined && !u.attempts.includes(c.attempt)) {
    u.attempts.push(c.attempt);
    u.attempts.sort((a, b) => a - b);
  }
}

/** Groups call records by step path (calls outside a step last), adding them up. Pure. */
export function summarizeBySteps(calls: readonly CallRecord[]): StepUsage[] {
  const byPath = new Map<string, StepUsage>();
  let outside: StepUsage | undefined;
  for (const c of [...calls].sort((a, b) => a.startedAt - b.startedAt)) {
    let u: StepUsage;
    if (c.stepPath === undefined && c.stepId === undefined) u = outside ??= empty();
    else {
      const key = c.stepPath ?? c.stepId ?? '';
      u = byPath.get(key) ?? { ...empty(), stepPath: key };
      if (c.stepId !== undefined) u.stepId = c.stepId;
      byPath.set(key, u);
    }
    add(u, c);
  }
  return outside ? [...byPath.values(), outside] : [...byPath.values()];
}

/**
 * A run's LLM usage, per step and in total, read from a usage store (the router's `store`, or
 * `createKyselyUsageStore` on the app's database).
 *
 * @example
 * ```ts
 * const usage = await runUsage(router.store, runId);
 * for (const s of usage.steps) console.log(s.stepPath, s.calls, s.costUsd, s.fallbacks);
 * ```
 */
export async function runUsage(store: UsageStore, runId: string): Promise<RunUsage> {
  if (typeof runId !== 'string' || runId === '')
    throw new InvalidLlmConfigError(
      `Expected runUsage(store, runId) to get a run id (a non-empty string), got ${JSON.stringify(runId)}.`,
    );
  const calls = await store.listCalls({ runId });
  const totals = empty();
  for (const c of calls) add(totals, c);
  return { runId, totals, steps: summarizeBySteps(calls) };
}
