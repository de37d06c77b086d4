/**
 * Learned routing: orders a route's candidates by recorded quality on the call's task tag against their
 * price, with a little exploration (epsilon-greedy). Quality is the mean over each model's newest
 * `window` records, so a provider that changed is re-judged within `window` calls. With no history
 * for the task, the static order.
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
  /** How long quality reads are cached per task, in ms (default 5000; `recordOutcome` clears it). */
  refreshMs?: number;
  /**
   * How many of each model's newest records on a task count (default {@link DEFAULT_QUALITY_WINDOW}):
   * older ones are forgotten, so a model that changed is judged on its new behaviour alone after
   * `window` records of it. An integer from 1 up, or `Infinity` for the all-time mean.
   */
  window?: number;
}

/** Default {@link LearnedRoutingOptions.window}: each model's last 20 records per task. */
export const DEFAULT_QUALITY_WINDOW = 20;

/** Why learned routing put one candidate where it did (see `router.explain`). */
export interface CandidateExplanation {
  /** `provider/model`. */
  model: string;
  /** Position in the learned order (0 goes first). */
  rank: number;
  /** Records that count (at most `window`, newest first). */
  samples: number;
  /** Mean score of those records; undefined without any. */
  meanScore: number | undefined;
  /** `meanScore` blended with the prior 0.5 until `minSamples` records: `w·mean + (1−w)·0.5`, `w = min(1, samples/minSamples)`. */
  quality: number;
  /** Input + output USD per million tokens from the price table; undefined when unpriced. */
  price: number | undefined;
  /** `price` over the route's dearest price, 0…1 (an unpriced model counts as the dearest, 1). */
  relativePrice: number;
  /** `quality − costWeight × relativePrice`: the order is by this, highest first, ties in route order. */
  utility: number;
}

/** What `router.explain(task)` returns. */
export interface RoutingExplanation {
  task: string;
  /** The route the task resolves to. */
  route: string;
  /**
   * `learned` when quality records ordered the candidates; otherwise the route's static order and why:
   * `not-configured` (no `learned` option), `single-candidate`, `no-history` (no record for any candidate).
   */
  basis: 'learned' | 'not-configured' | 'single-candidate' | 'no-history';
  /** The order calls use now, before exploration. */
  order: string[];
  /** Candidates in route order with their figures (empty unless `basis` is `learned`). */
  candidates: CandidateExplanation[];
  /** The settings in effect. */
  settings: { window: number; minSamples: number; costWeight: number; exploration: number };
}

/** Resolved settings of learned routing. */
export interface LearnedSettings {
  window: number;
  minSamples: number;
  costWeight: number;
  exploration: number;
}

/** Defaults filled in; `window` checked. */
export function learnedSettings(options: Omit<LearnedRoutingOptions, 'quality'> = {}): LearnedSettings {
  return {
    window: options.window ?? DEFAULT_QUALITY_WINDOW,
    minSamples: options.minSamples ?? 3,
    costWeight: options.costWeight ?? 0.2,
    exploration: options.exploration ?? 0.05,
  };
}

/** Whether `window` is an integer from 1 up or Infinity. */
export function validWindow(window: number): boolean {
  return window === Number.POSITIVE_INFINITY || (Number.isInteger(window) && window >= 1);
}

/** Per-candidate figures and the deterministic order (before exploration); null without history. */
export function scoreCandidates(
  candidates: readonly string[],
  stats: readonly QualityStat[],
  priceOf: (model: string) => number | undefined,
  options: { costWeight: number; minSamples: number },
): { order: string[]; candidates: CandidateExplanation[] } | null {
  const known = new Map(stats.map((s) => [s.model, s]));
  if (!candidates.some((c) => known.has(c))) return null;
  const prices = candidates.map((c) => priceOf(c));
  const dearest = Math.max(0, ...prices.map((p) => p ?? 0));
  const rows: CandidateExplanation[] = candidates.map((c, i) => {
    const s = known.get(c);
    const n = s?.count ?? 0;
    const w = Math.min(1, n / options.minSamples);
    const quality = s ? w * s.meanScore + (1 - w) * 0.5 : 0.5;
    const p = prices[i];
    const rel = dearest > 0 ? (p === undefined ? 1 : p / dearest) : 0;
    return {
      model: c,
      rank: 0,
      samples: n,
      meanScore: s?.meanScore,
      quality,
      price: p,
      relativePrice: rel,
      utility: quality - options.costWeight * rel,
    };
  });
  const order = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.utility - a.r.utility || a.i - b.i)
    .map((x, rank) => {
      x.r.rank = rank;
      return x.r.model;
    });
  return { order, candidates: rows };
}

/** Orders `candidates` by learned utility; stable for ties, static order when `stats` is empty. */
export function orderByQuality(
  candidates: readonly string[],
  stats: readonly QualityStat[],
  priceOf: (model: string) => number | undefined,
  options: { exploration: number; costWeight: number; minSamples: number; random: () => number },
): string[] {
  const scored = scoreCandidates(candidates, stats, priceOf, options);
  if (!scored) return [...candidates];
  const order = scored.order;
  if (order.length > 1 && options.random() < options.exploration) {
    const j = 1 + Math.floor(options.random() * (order.length - 1));
    const [picked] = order.splice(j, 1);
    order.unshift(picked as string);
  }
  return order;
}
