/**
 * Webhook notifier: POSTs JSON, signs it with HMAC-SHA256 and retries with exponential backoff.
 *
 * Signature scheme (documented in docs/approval.md): headers `x-weft-timestamp: <epoch ms>` and
 * `x-weft-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. Receivers recompute
 * it over the raw body, compare in constant time, and refuse old timestamps to stop replays.
 */
import { createHmac } from 'node:crypto';
import { ApprovalError } from '../errors/errors.js';
import { formatDiscordMessage, formatSlackMessage } from './formats.js';
import type { ApprovalNotification, Notifier } from './notifier.js';

/** Options of {@link webhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Where to POST. */
  url: string;
  /** HMAC secret; without it no signature header is sent (Slack/Discord URLs carry their own secret). */
  secret?: string;
  /** Body format. Default `'json'` (the {@link ApprovalNotification} itself). */
  format?: 'json' | 'slack' | 'discord' | ((event: ApprovalNotification) => unknown);
  /** Attempts after the first. Default 3. */
  retries?: number;
  /** First backoff in ms, doubled per attempt (with jitter). Default 250. */
  backoffMs?: number;
  /** Per-attempt timeout in ms. Default 10 000. */
  timeoutMs?: number;
  /** Extra headers (e.g. an authorization token). */
  headers?: Record<string, string>;
  /** Injected fetch (tests, proxies). Default global fetch. */
  fetch?: typeof fetch;
  /** Name in error reports. */
  name?: string;
}

/** Thrown (to the service's error hook) when every attempt failed. */
export class WebhookDeliveryError extends ApprovalError {
  constructor(url: string, attempts: number, last: string, cause?: unknown) {
    super(
      'APPROVAL_WEBHOOK_FAILED',
      `Webhook ${url} failed after ${attempts} attempt(s): ${last}. Check the URL and that the receiver answers 2xx.`,
      {
        cause,
        details: { url, attempts },
      },
    );
  }
}

/** Computes the `x-weft-signature` header value for a body. Receivers can use it to verify. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * A generic JSON webhook (or Slack / Discord with `format`).
 *
 * @example
 * webhookNotifier({ url: 'https://hooks.example.com/approvals', secret: process.env.HOOK_SECRET });
 */
export function webhookNotifier(options: WebhookNotifierOptions): Notifier {
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 250;
  const doFetch = options.fetch ?? fetch;
  const format = options.format ?? 'json';
  const render = (e: ApprovalNotification): unknown =>
    typeof format === 'function'
      ? format(e)
      : format === 'slack'
        ? formatSlackMessage(e)
        : format === 'discord'
          ? formatDiscordMessage(e)
          : e;
  return {
    name: options.name ?? `webhook(${new URL(options.url).host})`,
    async notify(event) {
      const body = JSON.stringify(render(event));
      let last = '';
      let lastErr: unknown;
      let attempts = 0;
      for (let attempt = 0; attempt <= retries; attempt++) {
        attempts = attempt + 1;
        if (attempt > 0) {
          const delay = backoff * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
          await new Promise((r) => setTimeout(r, delay));
        }
        const timestamp = String(Date.now());
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'weft-approval',
          'x-weft-event': event.type,
          'x-weft-delivery-attempt': String(attempt + 1),
          ...options.headers,
        };
        if (options.secret) {
          headers['x-weft-timestamp'] = timestamp;
          headers['x-weft-signature'] = signWebhookBody(options.secret, timestamp, body);
        }
        try {
          const res = await doFetch(options.url, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          });
          await res.arrayBuffer().catch(() => undefined);
          if (res.ok) return;
          last = `HTTP ${res.status}`;
          // 4xx other than 408/429 will not get better by retrying.
          if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
        } catch (err) {
          last = (err as Error)?.message ?? String(err);
          lastErr = err;
        }
      }
      throw new WebhookDeliveryError(options.url, attempts, last, lastErr);
    },
  };
}

/** A Slack-compatible incoming webhook. */
export function slackNotifier(options: Omit<WebhookNotifierOptions, 'format'>): Notifier {
  return webhookNotifier({ ...options, format: 'slack', name: options.name ?? 'slack' });
}

/** A Discord-compatible webhook. */
export function discordNotifier(options: Omit<WebhookNotifierOptions, 'format'>): Notifier {
  return webhookNotifier({ ...options, format: 'discord', name: options.name ?? 'discord' });
}
