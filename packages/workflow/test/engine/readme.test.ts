// Runs the README example (kept in sync by hand: copy the README block here when it changes).
import { expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, createMemoryStore, step, workflow } from '../../src/index.js';

it('the README example runs and the approval resumes to a typed output', async () => {
  const logs: unknown[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => logs.push(a[0]);
  try {
    await main();
  } finally {
    console.log = log;
  }
  expect(logs).toEqual([true]);
});

async function main() {
  const fetchIssue = step({
    id: 'fetch',
    input: z.object({ repo: z.string() }),
    output: z.object({ title: z.string(), body: z.string() }),
    retry: { attempts: 3, backoff: 'exponential' },
    timeout: '30s',
    run: async ({ input }) => ({ title: `Crash in ${input.repo}`, body: 'TypeError' }),
  });

  const classify = step({
    id: 'classify',
    input: z.object({ title: z.string(), body: z.string() }),
    output: z.object({ title: z.string(), severity: z.enum(['low', 'high']).optional() }),
    run: async ({ input }) => ({
      title: input.title,
      severity: input.body.includes('TypeError') ? 'high' : undefined,
    }),
  });

  const escalate = step({
    id: 'escalate',
    input: z.object({ severity: z.string() }),
    run: async () => ({ paged: true }),
  });
  const autoFix = step({
    id: 'autofix',
    input: z.object({ severity: z.string() }),
    run: async () => ({ paged: false }),
  });

  const triage = workflow({ id: 'triage', input: z.object({ repo: z.string() }) })
    .step(fetchIssue)
    .then(classify) // previous output -> next input, checked at compile time
    .step('normalize', async ({ input }) => ({ ...input, severity: input.severity ?? 'low' })) // inline, input inferred
    .branch([
      [({ input }) => input.severity === 'high', escalate],
      [() => true, autoFix],
    ])
    .awaitApproval('ship-it', { title: 'Apply the fix?' })
    .commit();

  const engine = createEngine({ store: createMemoryStore(), workflows: [triage] });
  const run = engine.run(triage);
  const result = await run.start({ input: { repo: 'acme/api' } });
  if (result.status === 'suspended') {
    // Later — or from another process sharing the store: engine.resume(runId, { step, data }).
    const done = await run.resume({ step: 'ship-it', data: { decision: 'approve', actors: ['ann'] } });
    if (done.status === 'success') console.log(done.output.paged); // typed: boolean
  }
}
