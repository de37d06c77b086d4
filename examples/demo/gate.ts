/**
 * Step 4's human side: shows the plan and its results at the approval gate and takes the decision —
 * interactively on a terminal, automatically with --yes or when stdin is not a TTY (CI, pipes).
 * The decision goes through @weft/approval (authorization, audit log, atomic close), which resumes
 * the run in this process.
 */
import { type ApprovalRequest, type ApprovalService, promptApproval } from '@weft/approval';
import type { Engine } from '@weft/workflow';
import type { Review } from './workflow.ts';

/** Options of {@link decideAtGate}. */
export interface GateOptions {
  approvals: ApprovalService;
  engine: Engine;
  runId: string;
  workflowId: string;
  /** Approve without asking. */
  auto: boolean;
  /** Why `auto` (shown and audited). */
  why: string;
  /** Wait at the gate forever (the resume test kills the process here). */
  pause: boolean;
  /** Do not list the plan again (it was shown by the process that was killed at the gate). */
  brief?: boolean;
}

/** The plan at the gate, compact: one line per task, its first proposal line, the batches. */
export function formatGate(request: ApprovalRequest): string {
  const review = request.payload as Review;
  const lines = [`\n── approval gate "${request.path}": ${request.title} ──`];
  for (const t of review.tasks) {
    const deps = t.dependsOn.length ? ` (after ${t.dependsOn.join(', ')})` : '';
    lines.push(`  ${t.id} [${t.status}] ${t.title}${deps}`);
    const first = t.proposal.split('\n').find((l) => l.trim()) ?? '';
    if (first) lines.push(`     ${first.slice(0, 110)}${first.length > 110 ? '…' : ''}`);
  }
  lines.push(`  batches: ${review.batches.map((b) => `[${b.join(', ')}]`).join(' → ')}`);
  lines.push(`  approval id: ${request.id}`);
  return `${lines.join('\n')}\n`;
}

/** How the gate ended in this process: closed either way, still open (skipped at the prompt), or not found. */
export type GateOutcome = 'approved' | 'rejected' | 'pending' | 'missing';

/** Shows the gate and decides; resolves to how it ended. */
export async function decideAtGate(options: GateOptions): Promise<GateOutcome> {
  const { approvals, runId } = options;
  await approvals.sync();
  const request = (await approvals.listPending({ workflowId: options.workflowId })).find((r) => r.runId === runId);
  if (!request) {
    // Decided elsewhere (e.g. `weft approvals approve <id>`) while no process had the workflow:
    // continue the run here with that decision.
    const closed = (await approvals.list({ workflowId: options.workflowId })).find((r) => r.runId === runId);
    if (closed && (closed.status === 'approved' || closed.status === 'rejected')) {
      const approved = closed.status === 'approved';
      const deciders = closed.votes.filter((v) => v.decision === (approved ? 'approve' : 'reject'));
      console.log(
        `\nThe gate was already ${closed.status} by ${deciders.map((v) => v.actor.id).join(', ') || 'a timer'}; continuing the run.`,
      );
      await options.engine.resume(runId, {
        step: closed.path,
        data: {
          decision: closed.status,
          ...(approved ? { payload: closed.payload } : {}),
          actors: deciders.map((v) => v.actor.id),
        },
      });
      return approved ? 'approved' : 'rejected';
    }
    console.error(
      `No open approval request for run ${runId}; inspect it with: node packages/cli/dist/cli.js runs show ${runId}`,
    );
    return 'missing';
  }
  // On a terminal the prompt shows the request (in this compact form); otherwise print it here.
  const interactive = !options.auto && !options.pause;
  if (!interactive && !options.brief) process.stdout.write(formatGate(request));

  if (options.pause) {
    console.log(
      `\n⏸  Paused at the approval gate (run ${runId}). Stop this process, then continue with: npm run demo -- --resume`,
    );
    // Keep the process alive until it is killed; everything before the gate is already committed.
    await new Promise(() => setInterval(() => {}, 1 << 30));
  }

  let outcome: GateOutcome;
  if (options.auto) {
    console.log(`\n✓ auto-approved: ${options.why} (run without --yes on a terminal to decide yourself)`);
    const result = await approvals.decide({
      id: request.id,
      decision: 'approve',
      actor: { id: 'demo', name: `demo (${options.why})` },
      comment: `auto-approved (${options.why})`,
      via: 'ci',
    });
    outcome = result.outcome ?? 'pending';
  } else {
    // @weft/approval's terminal prompt: approve, reject, or edit the payload in $EDITOR (validated
    // by the gate's schema; what you approve is exactly what flows on).
    const user = process.env.USER ?? 'you';
    const [result] = await promptApproval({
      service: approvals,
      actor: { id: user, name: user },
      id: request.id,
      format: formatGate,
    });
    outcome = result?.outcome ?? 'pending';
  }
  if (outcome === 'rejected')
    console.log('✗ rejected: the run ends failed (ApprovalRejectedError); nothing after the gate runs');
  if (outcome === 'pending') console.log(`\nLeft at the gate. Continue later with: npm run demo -- --resume ${runId}`);
  return outcome;
}
