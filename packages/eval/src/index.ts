/**
 * @weft/eval — evaluate steps, workflows and models: data sets, scorers, a runner with trials,
 * retries, timeouts and caching, stored history, paired A/B statistics, thresholds, reports and
 * a CLI. See docs/eval.md.
 */

export { type ABResult, runAB, type Variant } from './compare/ab.js';
export type { Comparison, CompareOptions, ExcludedScore, Regression, ScorerComparison } from './compare/compare.js';
export { compare } from './compare/compare.js';
export type { ScorerThreshold, ThresholdFailure, ThresholdResult, Thresholds } from './compare/thresholds.js';
export { checkThresholds } from './compare/thresholds.js';
export type { EvalData, EvalItem, NormalizedItem } from './data/dataset.js';
export { loadData } from './data/dataset.js';
export type { EvalDefinition, EvalOptions } from './define/define-eval.js';
export { defineEval, isEvalDefinition } from './define/define-eval.js';
export type { EvalErrorCode } from './errors/errors.js';
export {
  EvalCompareError,
  EvalDataError,
  EvalMissingScoreError,
  EvalStatisticsError,
  EvalStorageError,
  EvalTimeoutError,
  WeftEvalError,
} from './errors/errors.js';
export type { QualityRecordLike, QualitySink, RecordQualityOptions } from './feedback/quality.js';
export { recordQuality } from './feedback/quality.js';
export type { ResultSource, SimilarItem, SuggestOptions, Suggestion } from './feedback/similar.js';
export { suggestVariant } from './feedback/similar.js';
export type { CliIo } from './cli/run-cli.js';
export { loadEvalFile, runEvalCli } from './cli/run-cli.js';
export { formatComparison, formatHistory, formatRun, formatThresholds } from './report/console.js';
export type { HtmlReportInput } from './report/html.js';
export { toHtmlReport } from './report/html.js';
export type { EvalReport } from './report/json.js';
export { toJsonReport } from './report/json.js';
export type { JUnitOptions } from './report/junit.js';
export { toJUnit } from './report/junit.js';
export type { EvalCache } from './runner/cache.js';
export { createMemoryCache } from './runner/cache.js';
export type { ProgressStream } from './runner/progress.js';
export type { RunEvalOptions, RunSink } from './runner/run-eval.js';
export { detectGitCommit, runEval } from './runner/run-eval.js';
export type { EvalRun, ItemResult, RunSummary, ScorerSummary } from './runner/types.js';
export type { EmbeddingSimilarityOptions } from './scorers/embedding-similarity.js';
export { embeddingSimilarity } from './scorers/embedding-similarity.js';
export { jsonSchema } from './scorers/json-schema.js';
export type { JudgeVerdict, LlmJudgeOptions } from './scorers/llm-judge.js';
export { llmJudge } from './scorers/llm-judge.js';
export type { ScoreResult, Scorer, ScorerArgs } from './scorers/scorer.js';
export { defineScorer, isScored } from './scorers/scorer.js';
export type { IncludesOptions, NumericClosenessOptions, TextOptions } from './scorers/text.js';
export { exactMatch, includes, levenshtein, levenshteinDistance, numericCloseness, regex } from './scorers/text.js';
export type { Correction } from './stats/adjust.js';
export { adjustPValues } from './stats/adjust.js';
export type { BootstrapOptions, ConfidenceInterval, IntervalMethod } from './stats/bootstrap.js';
export { bootstrapMeanCI, pairedBootstrapCI, pairedDifferences, tMeanCI } from './stats/bootstrap.js';
export type { Summary } from './stats/descriptive.js';
export { mean, stddev, summarize } from './stats/descriptive.js';
export type { Random } from './stats/prng.js';
export { createRandom } from './stats/prng.js';
export type { PermutationOptions } from './stats/tests.js';
export { pairedPermutationTest, signTest } from './stats/tests.js';
export type { EvalStore, EvalStoreSource, RunListQuery, StoredResult, StoredRunInfo } from './storage/eval-store.js';
export { createEvalStore } from './storage/eval-store.js';
export type {
  EngineLike,
  EvalTask,
  ModelTask,
  RunLike,
  StepLike,
  TaskContext,
  TaskFunction,
  TaskUsage,
  WorkflowLike,
  WorkflowRunResultLike,
} from './task/task.js';
export { tfidfSimilarity } from './util/tfidf.js';
