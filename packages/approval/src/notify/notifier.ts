/**
 * Notifiers are called on request, reminder, decision, escalation and timeout. They are pluggable
 * objects with one async method; the service calls each one and reports (never throws) failures,
 * so a broken webhook cannot block a decision.
 */
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDecision, ApprovalInterface } from '../policy/quorum.js';

/** What happened. */
export type ApprovalNotificationType = 'request' | 'reminder' | 'decision' | 'escalation' | 'timeout';

/** The event a notifier receives. JSON-serializable. */
export interface ApprovalNotification {
  type: ApprovalNotificationType;
  approval: {
    id: string;
    runId: string;
    workflowId: string;
    path: string;
    title: string;
    summary?: string;
    status: 'pending' | 'approved' | 'rejected';
    payload: unknown;
    dueAt?: number;
    /** Link to the inbox page, when the service knows its public URL. */
    url?: string;
  };
  /** For `decision`: who, what and how. */
  decision?: {
    actor: ApprovalActor;
    decision: ApprovalDecision;
    comment?: string;
    via: ApprovalInterface;
    outcome: string;
  };
  /** For `timeout`: what the deadline did. */
  timeoutAction?: 'approve' | 'reject' | 'escalate';
  at: number;
}

/** A notification channel. */
export interface Notifier {
  /** Shown in error reports. */
  readonly name: string;
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
