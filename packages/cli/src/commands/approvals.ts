/**
 * `weft approvals list | approve <id> | reject <id>`: decide approval gates from a terminal.
 *
 * The CLI does not have the application's workflow code, so it cannot run the rest of a workflow
 * itself. Its decision is recorded atomically in the store (the same compare-and-set as every other
 * interface); the run then continues in whichever process has the workflow registered — a worker,
 * the app, or the demo with `--resume` — when its approval service syncs.
 */
import { type ApprovalRequest, createApprovalService } from '@weft/approval';
import type { CommandContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { duration, preview, table, timestamp } from '../format/text.js';

/** Options of `weft approvals …`. */
export interface ApprovalsOptions {
  all?: boolean;
  workflow?: string;
  actor?: string;
  comment?: string;
  json?: boolean;
}

function service(ctx: CommandContext, store: Awaited<ReturnType<CommandContext['store']>>, deferred: string[]) {
  return createApprovalService({
    store,
    // Attempt the (deferred) resume before the CLI closes the store and exits.
    awaitResume: true,
    engine: {
      async resume(runId) {
        deferred.push(runId);
        throw new Error('deferred: the weft CLI does not run workflow code');
      },
    },
    onError: (error, where) => {
      if (where.phase === 'resume' && deferred.length > 0) return;
      ctx.err(
        `approval ${where.phase} failed${where.approvalId ? ` (${where.approvalId})` : ''}: ${(error as Error).message ?? error}`,
      );
    },
  });
}

function row(r: ApprovalRequest, now: number): string[] {
  return [
    r.id,
    r.workflowId,
    r.runId,
    r.path,
    r.status,
    `${r.approvals}/${r.quorum}`,
    duration(now - r.createdAt),
    r.title,
  ];
}

/** Lists pending approval requests (all of them with `--all`). */
export async function approvalsList(ctx: CommandContext, opts: ApprovalsOptions): Promise<number> {
  const store = await ctx.store();
  const approvals = service(ctx, store, []);
  await approvals.sync();
  const list = opts.all
    ? await approvals.list(opts.workflow ? { workflowId: opts.workflow } : {})
    : await approvals.listPending(opts.workflow ? { workflowId: opts.workflow } : {});
  if (opts.json) {
    ctx.out(JSON.stringify(list, null, 2));
    return 0;
  }
  if (list.length === 0) {
    ctx.out(`No ${opts.all ? '' : 'pending '}approvals in ${ctx.dbUrl}.`);
    return 0;
  }
  const now = Date.now();
  ctx.out(
    table(
      ['id', 'workflow', 'run', 'gate', 'status', 'votes', 'age', 'title'],
      list.map((r) => row(r, now)),
    ),
  );
  if (!opts.all) {
    for (const r of list) ctx.out(`\n${r.id}: ${preview(r.payload, 200)}`);
    ctx.out('\nDecide with: weft approvals approve <id> [--actor you --comment "…"]  (or reject <id>)');
  }
  return 0;
}

/** Approves or rejects one request as `--actor` (default: `$USER`). */
export async function approvalsDecide(
  ctx: CommandContext,
  decision: 'approve' | 'reject',
  id: string | undefined,
  opts: ApprovalsOptions,
): Promise<number> {
  if (!id)
    throw new CliUsageError(
      `Expected an approval id: \`weft approvals ${decision} <id>\` (ids are listed by \`weft approvals list\`).`,
    );
  const actorId = opts.actor ?? ctx.env.WEFT_ACTOR ?? ctx.env.USER ?? 'cli';
  const store = await ctx.store();
  const deferred: string[] = [];
  const approvals = service(ctx, store, deferred);
  const result = await approvals.decide({
    id,
    decision,
    actor: { id: actorId },
    ...(opts.comment ? { comment: opts.comment } : {}),
    via: 'cli',
  });
  if (opts.json) {
    ctx.out(JSON.stringify(result, null, 2));
    return 0;
  }
  const r = result.request;
  if (!result.changed)
    ctx.out(`${id}: ${actorId} had already decided "${decision}" — nothing changed (status ${r.status}).`);
  else
    ctx.out(
      `${id}: ${decision === 'approve' ? 'approved' : 'rejected'} by ${actorId}${opts.comment ? ` ("${opts.comment}")` : ''}.`,
    );
  if (result.outcome) {
    ctx.out(`The gate "${r.path}" of run ${r.runId} is closed: ${result.outcome}.`);
    if (deferred.length > 0) {
      ctx.out(
        `The run continues in a process that has workflow "${r.workflowId}" registered (a worker or your app, when its approval service syncs; for the demo: npm run demo -- --resume).`,
      );
    }
  } else if (r.status === 'pending') {
    ctx.out(`Still pending: ${r.approvals}/${r.quorum} approvals.`);
  }
  return 0;
}

/** Shows one approval request: the gate, who may decide, the votes, the payload and its audit log. */
export async function approvalsShow(
  ctx: CommandContext,
  id: string | undefined,
  opts: ApprovalsOptions,
): Promise<number> {
  if (!id)
    throw new CliUsageError(
      'Expected an approval id: `weft approvals show <id>` (ids are listed by `weft approvals list --all`).',
    );
  const store = await ctx.store();
  const approvals = service(ctx, store, []);
  await approvals.sync();
  const [request, audit] = await Promise.all([approvals.get(id), approvals.audit(id)]);
  if (opts.json) {
    ctx.out(JSON.stringify({ request, audit }, null, 2));
    return 0;
  }
  const r = request;
  const who = [
    ...r.approvers.users.map((u) => `user ${u}`),
    ...r.approvers.groups.map((g) => `group ${g}`),
    ...(r.approvers.policy ? ['a policy'] : []),
    ...(r.approvers.anyone ? ['anyone signed in'] : []),
  ];
  ctx.out(`approval ${r.id}: ${r.title}`);
  if (r.summary) ctx.out(`  summary    ${r.summary}`);
  ctx.out(`  status     ${r.status}${r.closedBy ? ` (by ${r.closedBy})` : ''} · ${r.approvals}/${r.quorum} approvals`);
  ctx.out(`  run        ${r.runId} · workflow ${r.workflowId} · gate ${r.path}`);
  ctx.out(`  approvers  ${who.join(', ') || '—'}${r.allowEdit ? ' · may edit the payload' : ''}`);
  ctx.out(
    `  opened     ${timestamp(r.createdAt)}${r.dueAt ? ` · due ${timestamp(r.dueAt)} (then ${r.onTimeout})` : ''}${r.decidedAt ? ` · closed ${timestamp(r.decidedAt)}` : ''}`,
  );
  ctx.out(`  payload    ${preview(r.payload, 400)}${r.edited ? ' (edited)' : ''}`);
  if (r.votes.length > 0) {
    ctx.out(`\nvotes (${r.votes.length})`);
    ctx.out(
      table(
        ['actor', 'decision', 'via', 'edited', 'comment'],
        r.votes.map((v) => [v.actor.id, v.decision, v.via, v.edited ? 'yes' : '', v.comment ?? '']),
      ),
    );
  }
  ctx.out(`\naudit log (${audit.length})`);
  if (audit.length > 0)
    ctx.out(
      table(
        ['at', 'action', 'actor', 'via', 'comment'],
        audit.map((a) => [timestamp(a.at), a.action, a.actor?.id ?? '—', a.via, a.comment ?? '']),
      ),
    );
  if (r.status === 'pending') ctx.out(`\nDecide with: weft approvals approve ${r.id}  (or reject ${r.id})`);
  return 0;
}
