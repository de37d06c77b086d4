/**
 * Learned routing: orders a route's candidates by recorded quality on the call's task tag against their
 * price, with a little exploration (epsilon-greedy). With no history for the task, the static order.
 */
import type { QualityStat, QualityStore } from '../quality/quality-store.js';

/** Settings of learned routing. */
export interface LearnedRoutingOptions {
  /** Where quality records are read from (and step outcomes written to). */
  quality: QualityStore;
  /** Probability of trying a random other candidate first (default 0.05). */
  exploration?: number;
  /** How much a candidate's relative price (0…1 of the route's dearest) lowers its score (default 0.2). */
  costWeight?: number;
  /** Records needed before a model's mean score is trusted; below it the prior 0.5 is blended in (default 3). */
  minSamples?: number;
  /** How long quality reads are cached per task, in ms (default 5000). */
  refreshMs?: number;
}

/** Orders `candidates` by learned utility; stable for ties, static order when `stats` is empty. */
export function orderByQuality(
  candidates: readonly string[],
  stats: readonly QualityStat[],
  priceOf: (model: string) => number | undefined,
  options: { exploration: number; costWeight: number; minSamples: number; random: () => number },
): string[] {
  const known = new Map(stats.map((s) => [s.model, s]));
  if (!candidates.some((c) => known.has(c))) return [...candidates];
  const prices = candidates.map((c) => priceOf(c));
  const dearest = Math.max(0, ...prices.map((p) => p ?? 0));
  const utility = candidates.map((c, i) => {
    const s = known.get(c);
    const n = s?.count ?? 0;
    const w = Math.min(1, n / options.minSamples);
    const quality = s ? w * s.meanScore + (1 - w) * 0.5 : 0.5;
    const p = prices[i];
    const rel = dearest > 0 ? (p === undefined ? 1 : p / dearest) : 0;
    return quality - options.costWeight * rel;
  });
  const order = candidates
    .map((c, i) => ({ c, i, u: utility[i] as number }))
    .sort((a, b) => b.u - a.u || a.i - b.i)
    .map((x) => x.c);
  if (order.length > 1 && options.random() < options.exploration) {
    const j = 1 + Math.floor(options.random() * (order.length - 1));
    const [picked] = order.splice(j, 1);
    order.unshift(picked as string);
  }
  return order;
}
