/**
 * A workflow that waits for a human: an agent drafts a refund, a person reviews it in the inbox
 * (and may edit the amount), and only the approved refund is "sent".
 *
 *   node --import ../../scripts/ts-hooks.mjs main.ts      # serve the inbox, wait for you
 *   WEFT_EXAMPLE_AUTO=1 node --import … main.ts           # approve itself through the HTTP API, exit 0
 *
 * Open the printed URL; the demo signs you in as "alice" (a cookie set by /login). In a real app
 * `authenticate` reads your own session: Weft has no user database.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  approvalPolicy,
  consoleNotifier,
  createApprovalHandler,
  createApprovalService,
  toNodeHandler,
} from '@weft/approval';
import { createEngine, createStore, workflow } from '@weft/workflow';
import { z } from 'zod';

const Refund = z.object({
  customer: z.string().min(1),
  amount: z.number().positive().max(200),
  reason: z.string(),
});
type Refund = z.infer<typeof Refund>;

const refund = workflow({
  id: 'refund',
  input: z.object({ ticket: z.string(), customer: z.string(), charged: z.number() }),
})
  .step('draft', ({ input }) => ({
    customer: input.customer,
    amount: input.charged,
    reason: `ticket ${input.ticket}: duplicate charge`,
  }))
  .awaitApproval('review', {
    schema: Refund,
    title: 'Send this refund?',
    summary: 'The support agent drafted a refund. Check the amount (max 200) and approve, edit or reject.',
    ...approvalPolicy({
      approvers: { users: ['alice'], groups: ['support-leads'] },
      allowEdit: true,
      timeout: '1h',
      onTimeout: 'reject',
      remindBefore: ['10m'],
    }),
  })
  .step('send', ({ input }: { input: Refund }) => ({ sent: input, at: new Date().toISOString() }))
  .commit();

const auto = process.env.WEFT_EXAMPLE_AUTO === '1';
const dbUrl =
  process.env.WEFT_DB_URL ?? `file:${join(mkdtempSync(join(tmpdir(), 'weft-approval-example-')), 'weft.db')}`;
const store = createStore({ url: dbUrl });
await store.init();
const engine = createEngine({ store, workflows: [refund] });
const approvals = createApprovalService({ store, engine, workflows: [refund], notifiers: [consoleNotifier()] });
approvals.start({ pollMs: 500 });

const handler = createApprovalHandler({
  service: approvals,
  basePath: '/approvals',
  authenticate: (req) =>
    /(?:^|;\s*)demo_user=alice(?:;|$)/.test(req.headers.get('cookie') ?? '') ||
    req.headers.get('x-demo-user') === 'alice'
      ? { id: 'alice', name: 'Alice' }
      : null,
});
const inbox = toNodeHandler(handler);
const server = createServer((req, res) => {
  if (req.url === '/login') {
    res
      .writeHead(303, { 'set-cookie': 'demo_user=alice; Path=/; HttpOnly; SameSite=Lax', location: '/approvals/' })
      .end();
    return;
  }
  inbox(req, res);
});
await new Promise<void>((r) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const run = engine.run(refund);
const started = await run.start({ input: { ticket: 'T-1042', customer: 'ACME Corp', charged: 180 } });
console.log(`run ${run.runId}: ${started.status} at the review gate`);
console.log(`inbox: ${origin}/login (signs you in as alice, then shows the pending refund)`);

async function waitForRun() {
  for (;;) {
    const r = await store.getRun(run.runId);
    if (r && r.status !== 'suspended' && r.status !== 'running' && r.status !== 'queued') return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

if (auto) {
  // The same calls the inbox page makes, through the JSON API.
  const headers = { 'x-demo-user': 'alice', 'content-type': 'application/json' };
  const { approvals: pending } = (await (await fetch(`${origin}/approvals/api/approvals`, { headers })).json()) as {
    approvals: { id: string; payload: Refund }[];
  };
  const request = pending[0];
  if (!request) throw new Error('expected a pending approval');
  const invalid = await fetch(`${origin}/approvals/api/approvals/${request.id}/decision`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ decision: 'approve', editedPayload: { ...request.payload, amount: 900 } }),
  });
  const issues = ((await invalid.json()) as { error: { issues: { path: string[]; message: string }[] } }).error.issues;
  console.log(`edit refused (${invalid.status}): ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const edited = { ...request.payload, amount: 90, reason: `${request.payload.reason} (half, agreed by phone)` };
  const ok = await fetch(`${origin}/approvals/api/approvals/${request.id}/decision`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ decision: 'approve', comment: 'half is enough', editedPayload: edited }),
  });
  console.log(`approved (${ok.status})`);
  const done = await waitForRun();
  const sent = (done.output as { sent: Refund }).sent;
  console.log(`run ${done.status}: sent refund of ${sent.amount} to ${sent.customer}`);
  const audit = await approvals.audit(request.id);
  console.log(`audit: ${audit.map((a) => `${a.action}${a.actor ? ` by ${a.actor.id}` : ''} via ${a.via}`).join(', ')}`);
  await approvals.stop();
  server.close();
  await store.close();
  process.exit(JSON.stringify(sent) === JSON.stringify(edited) ? 0 : 1);
}

const done = await waitForRun();
console.log(`run ${done.status}: ${JSON.stringify(done.output ?? done.error)}`);
console.log('The inbox keeps running; Ctrl-C to stop.');
