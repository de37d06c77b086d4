/**
 * The inbox's server-rendered pages. No client framework and no inline script: plain forms, so
 * the page works without JavaScript and a strict Content-Security-Policy (`default-src 'none'`)
 * can be sent. Every interpolated value goes through `esc()`.
 */
import { detailPath } from './paths.js';
import type { ApprovalFieldIssue } from '../errors/errors.js';
import type { ApprovalActor } from '../policy/options.js';
import type { ApprovalDetails, ApprovalRequest, AuditEntry } from '../service/types.js';

/** Escapes text for HTML element and attribute content. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f5f8}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}header .who{opacity:.8;font-size:13px}
main{max-width:960px;margin:24px auto;padding:0 16px}
.card{background:#fff;border:1px solid #dde1ea;border-radius:10px;padding:18px 22px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:0 0 10px}
.muted{color:#667085;font-size:13px}.meta{display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0 0}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:8px 6px;border-bottom:1px solid #eef0f4;vertical-align:top}th{font-size:12px;text-transform:uppercase;color:#667085}
a.item{color:#1849a9;font-weight:600;text-decoration:none}
pre{background:#f6f8fa;border:1px solid #e4e7ec;border-radius:8px;padding:12px;overflow:auto;font-size:13px;margin:0}
textarea{width:100%;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;border:1px solid #c9ced8;border-radius:8px;padding:10px}
textarea.comment{font-family:inherit;font-size:14px}
.errors{background:#fef3f2;border:1px solid #fecdca;color:#912018;border-radius:8px;padding:10px 14px;margin:0 0 12px}
.errors ul{margin:6px 0 0;padding-left:20px}.errors code{background:#fee4e2;padding:0 4px;border-radius:4px}
.actions{display:flex;gap:10px;margin-top:12px}
button{font:inherit;font-weight:600;border-radius:8px;padding:8px 16px;border:1px solid transparent;cursor:pointer}
.approve{background:#12805c;color:#fff}.reject{background:#fff;color:#b42318;border-color:#f0a39b}.changes{background:#fff;color:#344054;border-color:#c9ced8}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.pending{background:#fef0c7;color:#93370d}.approved{background:#d1fadf;color:#05603a}.rejected{background:#fee4e2;color:#912018}.canceled{background:#eaecf0;color:#344054}
.notice{background:#ecfdf3;border:1px solid #a6f4c5;color:#05603a;border-radius:8px;padding:10px 14px;margin-bottom:16px}
label{font-weight:600;display:block;margin:12px 0 6px}
code.preview{display:inline-block;margin-top:4px;font-size:12px;color:#344054;background:#f2f4f7;border-radius:4px;padding:1px 6px}
`;

/** The page frame. */
export function layout(title: string, body: string, ctx: { base: string; actor?: ApprovalActor }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Weft approvals</title><style>${CSS}</style></head><body>
<header><a href="${esc(ctx.base)}/">Weft approvals</a>${ctx.actor ? `<span class="who">Signed in as ${esc(ctx.actor.name ?? ctx.actor.id)}</span>` : ''}</header>
<main>${body}</main></body></html>`;
}

const when = (ms: number | undefined) =>
  ms === undefined ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
const badge = (status: string) => `<span class="badge ${esc(status)}" data-testid="status">${esc(status)}</span>`;
const json = (v: unknown) => JSON.stringify(v, null, 2) ?? 'undefined';
const preview = (v: unknown) => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
};

/** The pending list. */
export function inboxPage(items: ApprovalRequest[], ctx: { base: string; actor: ApprovalActor }): string {
  const rows = items
    .map(
      (
        r,
      ) => `<tr data-testid="approval-row"><td><a class="item" href="${esc(detailPath(ctx.base, r.id))}">${esc(r.title)}</a>
<div class="muted">${esc(r.summary ?? '')}</div><code class="preview">${esc(preview(r.payload))}</code></td><td>${esc(r.workflowId)}<div class="muted">${esc(r.path)}</div></td>
<td>${r.approvals}/${r.quorum}</td><td class="muted">${esc(when(r.createdAt))}</td><td class="muted">${esc(when(r.dueAt)) || '—'}</td></tr>`,
    )
    .join('');
  const body = `<div class="card"><h1>Pending approvals</h1><p class="muted">Requests you may decide, oldest first.</p>
${items.length ? `<table><thead><tr><th>Request</th><th>Workflow / step</th><th>Approvals</th><th>Requested</th><th>Due</th></tr></thead><tbody>${rows}</tbody></table>` : '<p data-testid="empty">Nothing is waiting for you.</p>'}</div>`;
  return layout('Inbox', body, ctx);
}

/** State of the decision form when it is re-rendered (after an error or a decision). */
export interface FormState {
  payloadText?: string;
  comment?: string;
  issues?: ApprovalFieldIssue[];
  error?: string;
  notice?: string;
}

/** The detail page: payload, editor, decision form, votes and audit log. */
export function detailPage(
  r: ApprovalDetails,
  ctx: {
    base: string;
    actor: ApprovalActor;
    csrf: string;
    canDecide: string | undefined;
    audit: AuditEntry[];
    form?: FormState;
  },
): string {
  const form = ctx.form ?? {};
  const action = detailPath(ctx.base, r.id);
  const issues = form.issues ?? [];
  const errors =
    issues.length || form.error
      ? `<div class="errors" role="alert" data-testid="errors"><strong>${esc(form.error ?? 'The edited payload is invalid:')}</strong>${
          issues.length
            ? `<ul>${issues.map((i) => `<li data-field="${esc(i.path.join('.'))}"><code>${esc(i.path.length ? i.path.join('.') : '(root)')}</code> ${esc(i.message)}</li>`).join('')}</ul>`
            : ''
        }</div>`
      : '';
  const editable = r.status === 'pending' && r.allowEdit && !ctx.canDecide;
  const decideForm =
    r.status !== 'pending'
      ? ''
      : ctx.canDecide
        ? `<div class="card"><p class="muted" data-testid="forbidden">You cannot decide this request: ${esc(ctx.canDecide)}.</p></div>`
        : `<form class="card" method="post" action="${esc(action)}" data-testid="decide-form"><h2>Your decision</h2>${errors}
<input type="hidden" name="csrf" value="${esc(ctx.csrf)}">
${editable ? `<label for="payload">Payload (JSON, editable)</label><textarea id="payload" name="payload" rows="${Math.min(24, Math.max(6, (form.payloadText ?? json(r.payload)).split('\n').length + 1))}" spellcheck="false">${esc(form.payloadText ?? json(r.payload))}</textarea>` : ''}
<label for="comment">Comment</label><textarea id="comment" class="comment" name="comment" rows="2">${esc(form.comment ?? '')}</textarea>
<div class="actions"><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="changes" type="submit" name="decision" value="request_changes">Request changes</button>
<button class="reject" type="submit" name="decision" value="reject">Reject</button></div></form>`;
  const votes = r.votes.length
    ? `<table><thead><tr><th>Who</th><th>Decision</th><th>Comment</th><th>When</th></tr></thead><tbody>${r.votes
        .map(
          (v) =>
            `<tr><td>${esc(v.actor.name ?? v.actor.id)}</td><td>${esc(v.decision)}${v.edited ? ' (edited)' : ''}</td><td>${esc(v.comment ?? '')}</td><td class="muted">${esc(when(v.at))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">No votes yet.</p>';
  const audit = ctx.audit
    .map(
      (a) =>
        `<tr><td class="muted">${esc(when(a.at))}</td><td>${esc(a.action)}</td><td>${esc(a.actor?.name ?? a.actor?.id ?? '')}</td><td>${esc(a.via)}</td><td>${esc(a.comment ?? '')}</td></tr>`,
    )
    .join('');
  const approvers = r.approvers.anyone
    ? 'any signed-in user'
    : [
        ...r.approvers.users.map((u) => `user ${u}`),
        ...r.approvers.groups.map((g) => `group ${g}`),
        ...(r.approvers.policy ? ['policy'] : []),
      ].join(', ');
  const body = `${form.notice ? `<div class="notice" data-testid="notice">${esc(form.notice)}</div>` : ''}
<div class="card"><h1>${esc(r.title)} ${badge(r.status)}</h1>${r.summary ? `<p>${esc(r.summary)}</p>` : ''}
<div class="meta muted"><span>Workflow <b>${esc(r.workflowId)}</b></span><span>Step <b>${esc(r.path)}</b></span><span>Run <code>${esc(r.runId)}</code></span>
<span>Approvals ${r.approvals}/${r.quorum}</span><span>Approvers: ${esc(approvers)}</span><span>Requested ${esc(when(r.createdAt))}</span>${r.dueAt ? `<span>Due ${esc(when(r.dueAt))} (then ${esc(r.escalated ? 'final' : r.onTimeout)})</span>` : ''}</div></div>
<div class="card"><h2>Payload${r.edited ? ' (edited)' : ''}</h2><pre data-testid="payload">${esc(json(r.payload))}</pre></div>
${decideForm}
<div class="card"><h2>Votes</h2>${votes}</div>
${r.run ? `<div class="card"><h2>Run</h2><div class="meta muted"><span>Status <b>${esc(r.run.status)}</b></span><span>Started ${esc(when(r.run.createdAt))}</span></div><label>Input</label><pre>${esc(json(r.run.input))}</pre></div>` : ''}
<div class="card"><h2>Audit log</h2><table><thead><tr><th>When</th><th>Action</th><th>Who</th><th>Via</th><th>Comment</th></tr></thead><tbody>${audit}</tbody></table></div>`;
  return layout(r.title, body, ctx);
}

/** Confirmation page for a signed decision link (a GET never decides: link scanners prefetch). */
export function linkPage(ctx: {
  base: string;
  action: string;
  decision: string;
  title: string;
  error?: string;
  done?: string;
}): string {
  const body = ctx.done
    ? `<div class="notice" data-testid="notice">${esc(ctx.done)}</div>`
    : ctx.error
      ? `<div class="errors" role="alert" data-testid="errors">${esc(ctx.error)}</div>`
      : `<form class="card" method="post" action="${esc(ctx.action)}"><h1>${esc(ctx.title)}</h1><p>Confirm: <b>${esc(ctx.decision)}</b></p>
<label for="comment">Comment</label><textarea id="comment" class="comment" name="comment" rows="2"></textarea>
<div class="actions"><button class="${ctx.decision === 'approve' ? 'approve' : 'reject'}" type="submit">Confirm ${esc(ctx.decision)}</button></div></form>`;
  return layout('Decision link', body, { base: ctx.base });
}

/** A simple message page (errors, sign-in needed). */
export function messagePage(title: string, message: string, base: string): string {
  return layout(title, `<div class="card"><h1>${esc(title)}</h1><p>${esc(message)}</p></div>`, { base });
}
