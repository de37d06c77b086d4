/** A stored error with its cause chain: name, code, message, typed details, stack (folded). */
import type { SerializedError } from '@weft/workflow';
import { prettyJson } from './format.js';
import { html, type SafeHtml } from './html.js';

function asError(value: unknown): SerializedError | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.message !== 'string' && typeof o.name !== 'string') return undefined;
  return o as unknown as SerializedError;
}

/** Renders `error` and every `cause` below it (at most 12 levels). */
export function errorChain(error: SerializedError | undefined): SafeHtml {
  const chain: SerializedError[] = [];
  let e: SerializedError | undefined = error;
  while (e && chain.length < 12) {
    chain.push(e);
    e = asError(e.cause);
  }
  return html`<ol class="error-chain">${chain.map(
    (c, i) => html`<li class="err">
  <div class="err-head">${i > 0 ? html`<span class="muted">caused by</span> ` : ''}<strong>${c.name}</strong>${c.code ? html` <code class="code">${c.code}</code>` : ''}</div>
  <div class="err-msg">${c.message}</div>
  ${c.details && Object.keys(c.details).length ? html`<details><summary>Details</summary><pre>${prettyJson(c.details, 8000)}</pre></details>` : ''}
  ${c.stack ? html`<details><summary>Stack</summary><pre class="stack">${c.stack}</pre></details>` : ''}
</li>`,
  )}</ol>`;
}
