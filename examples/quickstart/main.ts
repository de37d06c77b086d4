/**
 * Quickstart: two zod-typed steps, a workflow that wires them, and a run persisted step by step in
 * the embedded libsql file (.weft/weft.db under the current directory).
 *
 *   node examples/quickstart/main.ts          (after `pnpm build`; or via the examples test)
 *   node packages/cli/dist/cli.js runs list   (inspect what it stored; `npx weft` in your project)
 */
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const fetchIssue = step({
  id: 'fetch',
  input: z.object({ repo: z.string() }),
  output: z.object({ title: z.string(), body: z.string() }),
  retry: { attempts: 3, backoff: 'exponential' },
  timeout: '30s',
  run: async ({ input }) => ({ title: `Crash in ${input.repo}`, body: 'TypeError: x is undefined' }),
});

const classify = step({
  id: 'classify',
  input: z.object({ title: z.string(), body: z.string() }),
  output: z.object({ severity: z.enum(['low', 'high']) }),
  run: async ({ input }) => ({ severity: input.body.includes('TypeError') ? ('high' as const) : ('low' as const) }),
});

const triage = workflow({ id: 'triage', input: z.object({ repo: z.string() }) })
  .step(fetchIssue)
  .then(classify)
  .commit();

// The default store: a libsql file at .weft/weft.db, created on first use.
const store = createStore();
const engine = createEngine({ store, workflows: [triage] });
const result = await engine.run(triage).start({ input: { repo: 'acme/api' } });

if (result.status === 'success') {
  console.log(`severity: ${result.output.severity}`); // typed: 'low' | 'high'
  console.log(`run ${result.runId} stored in .weft/weft.db — inspect it with: weft runs show ${result.runId}`);
} else {
  console.error(`run ${result.runId} ended ${result.status}`);
  process.exitCode = 1;
}
await store.close();
