/**
 * @weft/approval — durable human approval gates for Weft workflows: who may decide, what they may
 * change, and a record of it. The workflow core owns suspend/resume (`.awaitApproval()`); this
 * package owns policy, decisions, timers, notifications, signed links and the HTTP/terminal inboxes.
 */
export {
  ApprovalClosedError,
  ApprovalError,
  ApprovalForbiddenError,
  ApprovalInvalidRequestError,
  ApprovalNotFoundError,
  ApprovalPayloadTooLargeError,
  ApprovalTokenError,
  ApprovalUnauthenticatedError,
  ApprovalValidationError,
} from './errors/errors.js';
export type { ApprovalFieldIssue } from './errors/errors.js';
export { parseDuration } from './policy/duration.js';
export type { Duration } from './policy/duration.js';
export { approvalPolicy } from './policy/options.js';
export type { PolicyMarker } from './policy/options.js';
export type {
  ApprovalActor,
  ApprovalGateOptions,
  ApprovalPolicyFn,
  ApprovalPolicyRequest,
  ApproverSpec,
  EscalationSpec,
} from './policy/options.js';
export type { ApprovalDecision, ApprovalInterface, ApprovalVote } from './policy/quorum.js';
export { createApprovalService } from './service/service.js';
export type {
  ApprovalDetails,
  ApprovalEngineEvent,
  ApprovalEngineLike,
  ApprovalErrorContext,
  ApprovalRunContext,
  ApproverSummary,
  DecideWithTokenInput,
  DecisionTokenInfo,
  DecisionTokenInput,
  ListFilter,
  ApprovalRequest,
  ApprovalResumeData,
  ApprovalService,
  ApprovalServiceOptions,
  ApprovalStoreLike,
  DecideInput,
  DecideResult,
  ListPendingFilter,
} from './service/types.js';
export type { ApprovalWorkflowLike } from './service/definitions.js';
export type { ApprovalStatus, AuditAction, AuditEntry } from './storage/approval-storage.js';
export { APPROVAL_MIGRATION_TABLE } from './storage/schema.js';
export { consoleNotifier, describeNotification } from './notify/notifier.js';
export type {
  ApprovalNotification,
  ApprovalNotificationType,
  NotificationApproval,
  NotificationDecision,
  Notifier,
} from './notify/notifier.js';
export {
  discordNotifier,
  signWebhookBody,
  slackNotifier,
  WebhookDeliveryError,
  webhookNotifier,
} from './notify/webhook.js';
export type { WebhookNotifierOptions } from './notify/webhook.js';
export { formatDiscordMessage, formatSlackMessage } from './notify/formats.js';
export type { DiscordMessage, SlackMessage } from './notify/formats.js';
export { createApprovalHandler } from './http/handler.js';
export type { ApprovalHandlerOptions } from './http/handler.js';
export { DEFAULT_MAX_BODY_BYTES } from './http/body.js';
export { toNodeHandler } from './http/node.js';
export { createCsrfTokens } from './http/csrf.js';
export type { CsrfTokens } from './http/csrf.js';
export { promptApproval, runApprovalCli } from './terminal/prompt.js';
export type { ApprovalCliOptions, PromptApprovalOptions } from './terminal/prompt.js';
