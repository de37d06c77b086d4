import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDiscordMessage, formatSlackMessage } from './formats.js';
import { type ApprovalNotification, consoleNotifier } from './notifier.js';
import { WebhookDeliveryError, webhookNotifier } from './webhook.js';

const event: ApprovalNotification = {
  type: 'request',
  approval: {
    id: 'apr_1',
    runId: 'run_1',
    workflowId: 'refund',
    path: 'review',
    title: 'Refund $40?',
    summary: 'Customer 7',
    status: 'pending',
    payload: { amount: 40 },
    url: 'http://127.0.0.1/approvals/apr_1',
  },
  at: Date.UTC(2026, 0, 1),
};

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function receiver(statuses: number[]): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = statuses[hits.length - 1] ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

describe('notifiers', () => {
  it('webhook: signs the JSON body with HMAC-SHA256 and retries 5xx with backoff', async () => {
    const { url, hits } = await receiver([503, 500, 200]);
    await webhookNotifier({ url, secret: 'hook-secret', backoffMs: 5 }).notify(event);
    expect(hits).toHaveLength(3);
    const last = hits[2] as Hit;
    expect(JSON.parse(last.body)).toEqual(event);
    expect(last.headers['x-weft-delivery-attempt']).toBe('3');
    const ts = String(last.headers['x-weft-timestamp']);
    const expected = `sha256=${createHmac('sha256', 'hook-secret').update(`${ts}.${last.body}`).digest('hex')}`;
    expect(last.headers['x-weft-signature']).toBe(expected);
  });

  it('webhook: gives up after the retries, and does not retry a 400', async () => {
    const failing = await receiver([500, 500, 500]);
    await expect(webhookNotifier({ url: failing.url, retries: 2, backoffMs: 1 }).notify(event)).rejects.toBeInstanceOf(
      WebhookDeliveryError,
    );
    expect(failing.hits).toHaveLength(3);
    const bad = await receiver([400]);
    await expect(webhookNotifier({ url: bad.url, retries: 3, backoffMs: 1 }).notify(event)).rejects.toThrow(
      /after 1 attempt\(s\): HTTP 400/,
    );
    expect(bad.hits).toHaveLength(1);
  });

  it('webhook: Slack- and Discord-compatible bodies', async () => {
    const { url, hits } = await receiver([]);
    await webhookNotifier({ url, format: 'slack' }).notify(event);
    await webhookNotifier({ url, format: 'discord' }).notify(event);
    const slack = JSON.parse((hits[0] as Hit).body);
    expect(slack.text).toContain('Approval requested: Refund $40?');
    expect(slack.blocks.at(-1)).toMatchObject({ type: 'actions' });
    const discord = JSON.parse((hits[1] as Hit).body);
    expect(discord.content).toContain('Refund $40?');
    expect(discord.embeds[0]).toMatchObject({ title: 'Refund $40?', url: event.approval.url });
    expect((hits[0] as Hit).headers['x-weft-signature']).toBeUndefined();
  });

  it('formatters and console produce readable text for every event type', async () => {
    const lines: string[] = [];
    const log = consoleNotifier({ log: (l) => lines.push(l) });
    for (const type of ['request', 'reminder', 'decision', 'escalation', 'timeout'] as const) {
      const e: ApprovalNotification = {
        ...event,
        type,
        decision: { actor: { id: 'alice' }, decision: 'approve', via: 'inbox', outcome: 'approved' },
        timeoutAction: 'reject',
      };
      await log.notify(e);
      expect(formatSlackMessage(e).text.length).toBeGreaterThan(10);
      expect(formatDiscordMessage(e).embeds).toHaveLength(1);
    }
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('alice chose approve');
  });
});
