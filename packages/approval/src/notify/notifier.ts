/**
 * Notifiers are called on request, reminder, decision, escalation and timeout. They are pluggable
 * objects with one async method; the service calls each one and reports (never throws) failures,
 * so a broken webhook cannot block a decision.
 */
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision, ApprovalInterface } from '../policy/quorum.js';

/** What happened. */
export type ApprovalNotificationType = 'request' | 'reminder' | 'decision' | 'escalation' | 'timeout';

/** The request, as notifiers see it. */
export interface NotificationApproval {
  /** Approval request id. */
  id: string;
  /** The run waiting at the gate. */
  runId: string;
  /** Id of the workflow. */
  workflowId: string;
  /** Step path of the gate. */
  path: string;
  /** Title for humans. */
  title: string;
  /** Summary for humans. */
  summary?: string;
  /** Status after the event. */
  status: 'pending' | 'approved' | 'rejected' | 'canceled';
  /** Current payload. */
  payload: unknown;
  /** Deadline (epoch ms), if any. */
  dueAt?: number;
  /** Link to the inbox page, when the service knows its public URL. */
  url?: string;
}

/** A decision, as notifiers see it. */
export interface NotificationDecision {
  /** Who decided. */
  actor: ApprovalActor;
  /** What they chose. */
  decision: ApprovalDecision;
  /** Their comment. */
  comment?: string;
  /** Where the decision came from. */
  via: ApprovalInterface;
  /** Status of the request after it. */
  outcome: string;
}

/** The event a notifier receives. JSON-serializable. */
export interface ApprovalNotification {
  /** What happened. */
  type: ApprovalNotificationType;
  /** The request concerned. */
  approval: NotificationApproval;
  /** For `decision`: who, what and how. */
  decision?: NotificationDecision;
  /** For `timeout`: what the deadline did. */
  timeoutAction?: 'approve' | 'reject' | 'escalate';
  /** When (epoch ms). */
  at: number;
}

/** A notification channel. */
export interface Notifier {
  /** Shown in error reports. */
  readonly name: string;
  /** Delivers one event; a rejection is reported to the service's `onError`. */
  notify(event: ApprovalNotification): Promise<void>;
}

/** One-line human text for an event (used by the console, Slack and Discord formats). */
export function describeNotification(event: ApprovalNotification): string {
  const a = event.approval;
  const where = `${a.workflowId} / ${a.path}`;
  switch (event.type) {
    case 'request':
      return `Approval requested: ${a.title} (${where})${a.dueAt ? `, due ${new Date(a.dueAt).toISOString()}` : ''}`;
    case 'reminder':
      return `Reminder: ${a.title} (${where}) is still waiting${a.dueAt ? ` (due ${new Date(a.dueAt).toISOString()})` : ''}`;
    case 'escalation':
      return `Escalated: ${a.title} (${where}) was not decided in time`;
    case 'timeout':
      return `Timed out: ${a.title} (${where}) → ${event.timeoutAction ?? 'reject'}`;
    case 'decision': {
      const d = event.decision;
      return `${d?.actor.name ?? d?.actor.id ?? 'someone'} chose ${d?.decision ?? '?'} on ${a.title} (${where}) → ${a.status}${d?.comment ? `: "${d.comment}"` : ''}`;
    }
  }
}

/**
 * Logs each event as one line.
 *
 * @example
 * createApprovalService({ store, engine, workflows, notifiers: [consoleNotifier()] });
 */
export function consoleNotifier(options: { log?: (line: string) => void } = {}): Notifier {
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    name: 'console',
    async notify(event) {
      log(`[weft approval] ${describeNotification(event)}${event.approval.url ? ` ${event.approval.url}` : ''}`);
    },
  };
}
