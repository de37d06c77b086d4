/**
 * @weft/workflow — zod-typed steps composed with an immutable fluent builder, executed by a
 * durable engine with retries, timeouts, suspend/resume, events and crash recovery.
 *
 * @packageDocumentation
 */

// Definitions
export { step } from './step/step.js';
export type { ReturnCheck, StepConfigInferred, StepConfigWithOutput } from './step/step.js';
export type {
  Logger,
  Resources,
  RetryOptions,
  Runnable,
  Step,
  StepContext,
  StepOptions,
  StepRunArgs,
  InputOf,
  OutputOf,
} from './step/types.js';
export { composeInterceptors, defineInterceptor } from './step/interceptors.js';
export type { InterceptorHooks, StepCall, StepInterceptor, StepNext } from './step/interceptors.js';
export { workflow } from './builder/workflow.js';
export type {
  ApprovalDecision,
  ApprovalOptions,
  BailOutput,
  DagOptions,
  DagResult,
  DagRunArgs,
  DagTask,
  DagTaskStatus,
  ElementOf,
  InlineStepArgs,
  LoopConditionArgs,
  UpstreamAccess,
  WorkflowBuilder,
  WorkflowConfig,
} from './builder/types.js';
export type {
  ApprovalResume,
  ArmsResume,
  CompositePath,
  ResumeAt,
  ResumeMapOf,
  ResumeTypes,
  TypedResumeArgs,
} from './builder/resume-types.js';
export type { StepInfo, Workflow } from './definition/workflow.js';
export type { DataArgs, Node, NodeKind, StepDefaults } from './definition/nodes.js';
export type { Duration } from './util/duration.js';

// Engine
export { createEngine } from './engine/engine.js';
export type {
  BuiltInEventType,
  Engine,
  EngineOptions,
  ExecuteOptions,
  EventListener,
  ResumeArgs,
  ResumeArgsOf,
  Run,
  RunResult,
  WeftEvent,
} from './engine/types.js';
export { isStepScoped, STEP_SCOPE } from './engine/step-scope.js';
export type { StepScope, StepScoped } from './engine/step-scope.js';
export { DEFAULT_MAX_LOG_LINES } from './logs/run-logs.js';
export type { LogLevel, LogLine, LogTruncated, RunLogOptions } from './logs/run-logs.js';
export type { ForkOptions, RestartOptions, RunLineage } from './engine/restart.js';
export { queueRestart } from './engine/restart.js';
export { cancelStoredRun } from './engine/cancel.js';
export type { CloseOptions } from './engine/close.js';
export type { RecoverOptions, Recovery, RecoveryProgress } from './engine/recovery.js';
export { EngineClosedError, RunLeasedError } from './engine/lifecycle-errors.js';
export { RunWaitTimeoutError } from './engine/handle.js';
export type { RunHandle, RunResultOptions, RunStreamOptions } from './engine/handle.js';
export { followRun } from './follow/follower.js';
export type { FollowOptions } from './follow/follower.js';

// Versioning
export { DuplicateWorkflowVersionError, MigrationError, RunParkedError } from './versioning/errors.js';
export { migrateRun } from './versioning/migrate.js';
export type { MigrateOptions, MigrationResult } from './versioning/migrate.js';
export { compareVersions } from './versioning/order.js';

// Streaming
export type { StepChunkData, StepStreamData, StepWriter } from './stream/writer.js';
export { createSseHandler } from './stream/sse-handler.js';
export type { SseHandlerOptions } from './stream/sse-handler.js';
export { subscribeRun } from './stream/client.js';
export type { SubscribeOptions } from './stream/client.js';

// Schedules, event triggers, flow control
export type { FlowKey, FlowOptions, QueueDepth, RunFlowInfo, StartOptions, WaitReason } from './flow-control/types.js';
export { FlowConfigError, RateLimitedError } from './flow-control/errors.js';
export type { MissedTicks, ScheduleOptions, ScheduleRecord, ScheduleTick } from './schedule/types.js';
export { ScheduleNotFoundError } from './schedule/scheduler.js';
export type { ScheduleApi } from './schedule/scheduler.js';
export { defineTrigger } from './trigger/types.js';
export type { EventDelivery, SkippedTrigger, StartedRun, Trigger } from './trigger/types.js';
export { EventPayloadError } from './trigger/errors.js';
export { createEventHandler } from './trigger/http.js';
export type { EventHandlerOptions } from './trigger/http.js';

// Errors
export { WeftError } from './errors/weft-error.js';
export type { WeftErrorOptions } from './errors/weft-error.js';
export {
  ApprovalRejectedError,
  CanceledError,
  DagCycleError,
  DefinitionChangedError,
  LeaseLostError,
  LoopLimitError,
  NoBranchMatchedError,
  NonRetryableError,
  ResumeValidationError,
  RunNotFoundError,
  RunNotSuspendedError,
  StepFailedError,
  StepValidationError,
  TimeoutError,
  WorkflowDefinitionError,
} from './errors/errors.js';
export type { ValidationIssue, ValidationTarget } from './errors/errors.js';
export { RestoredError, serializeError } from './errors/serialize.js';
export { RunNotRestartableError, RunTimeoutError } from './errors/run-errors.js';
export { findCause } from './errors/find-cause.js';

// Storage
export { createMemoryStore } from './store/memory-store.js';
export type * from './store/store.js';
export * from './store/kysely/index.js';
export * from './worker/index.js';

// Tracing (OpenTelemetry, when a tracer provider is registered)
export { TRACE_ATTRIBUTES } from './tracing/attributes.js';
