/** Slack- and Discord-compatible incoming-webhook payloads for approval events. */
import { type ApprovalNotification, describeNotification } from './notifier.js';

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function payloadPreview(event: ApprovalNotification, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(event.approval.payload, null, 2) ?? 'undefined';
  } catch {
    text = String(event.approval.payload);
  }
  return truncate(text, max);
}

/** A Slack incoming-webhook body. */
export interface SlackMessage {
  /** Plain-text fallback (notifications, screen readers). */
  text: string;
  /** Block Kit blocks. */
  blocks: unknown[];
}

/** A Discord webhook body. */
export interface DiscordMessage {
  /** The message text. */
  content: string;
  /** One rich embed with the request. */
  embeds: unknown[];
}

/** A Slack incoming-webhook body: `text` (fallback) plus Block Kit `blocks`. */
export function formatSlackMessage(event: ApprovalNotification): SlackMessage {
  const text = describeNotification(event);
  const a = event.approval;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${truncate(text, 2900)}*` } },
    ...(a.summary ? [{ type: 'section', text: { type: 'mrkdwn', text: truncate(a.summary, 2900) } }] : []),
    { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${payloadPreview(event, 2800)}\`\`\`` } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `workflow \`${a.workflowId}\` · run \`${a.runId}\` · approval \`${a.id}\`` }],
    },
  ];
  if (a.url && a.status === 'pending') {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in inbox' }, url: a.url }],
    });
  }
  return { text, blocks };
}

/** A Discord webhook body: `content` plus one embed. */
export function formatDiscordMessage(event: ApprovalNotification): DiscordMessage {
  const a = event.approval;
  const color = a.status === 'approved' ? 0x2e7d32 : a.status === 'rejected' ? 0xc62828 : 0xf9a825;
  return {
    content: truncate(describeNotification(event), 1900),
    embeds: [
      {
        title: truncate(a.title, 250),
        ...(a.url ? { url: a.url } : {}),
        description: truncate(
          `${a.summary ? `${a.summary}\n` : ''}\`\`\`json\n${payloadPreview(event, 3500)}\n\`\`\``,
          4000,
        ),
        color,
        fields: [
          { name: 'Workflow', value: a.workflowId, inline: true },
          { name: 'Run', value: a.runId, inline: true },
          { name: 'Status', value: a.status, inline: true },
        ],
        timestamp: new Date(event.at).toISOString(),
      },
    ],
  };
}
