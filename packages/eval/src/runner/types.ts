/** Shapes of a finished eval run: per-item results and a summary. */
import type { ScoreResult } from '../scorers/scorer.js';
import type { Summary } from '../stats/descriptive.js';
import type { TaskUsage } from '../task/task.js';

/** Result of one item × trial. */
export interface ItemResult {
  itemId: string;
  trial: number;
  input: unknown;
  expected?: unknown;
  output?: unknown;
  /**
   * Serialized error when the task failed (after retries); every scorer then scores 0 (a failed
   * task is a real failure of the system under test, counted in `summary.taskErrors`). A scorer
   * that fails is different: its score is NaN with `error`, excluded rather than scored 0.
   */
  error?: Record<string, unknown>;
  latencyMs: number;
  costUsd?: number;
  usage?: TaskUsage;
  /** Id of the Weft workflow run that produced the output (workflow and step tasks). */
  taskRunId?: string;
  /** Model that answered (`provider/model`), for model tasks; routed calls report the real model. */
  model?: string;
  scores: Record<string, ScoreResult>;
  tags: string[];
  /** Output came from the task-output cache. */
  cached: boolean;
  attempts: number;
}

/** Aggregates of one scorer over a run. */
export interface ScorerSummary extends Summary {
  /**
   * Item × trial results whose score for this scorer errored (the scorer threw or returned NaN) or
   * is missing. They are excluded from `n`, `mean` and the other statistics — never counted as 0.
   */
  errors: number;
  /**
   * With several trials: the mean over items of the standard deviation of an item's scores across
   * its trials — how noisy the task is on the same input. Absent with one trial.
   */
  trialStddev?: number;
}

/** Aggregates of a run. */
export interface RunSummary {
  items: number;
  results: number;
  /** Results with any error: `taskErrors + scorerErrors`. */
  errors: number;
  /** Results whose task failed (after retries); their scores are 0. */
  taskErrors: number;
  /** Results whose task succeeded but at least one scorer errored (excluded, see `ScorerSummary.errors`). */
  scorerErrors: number;
  scorers: Record<string, ScorerSummary>;
  latencyMs: Summary;
  costUsd: number;
}

/** A finished eval run. */
export interface EvalRun {
  id: string;
  evalName: string;
  variant: string;
  gitCommit?: string;
  taskVersion: string;
  /** Model id for model tasks (quality feedback). */
  modelId?: string;
  taskTag?: string;
  trials: number;
  startedAt: number;
  endedAt: number;
  results: ItemResult[];
  summary: RunSummary;
}
