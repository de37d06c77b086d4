/**
 * The quickstart under Bun: the same workflow, store and engine, imported from the built packages
 * exactly as a Bun app would. (This folder's tsconfig.json has no `paths`, so Bun resolves
 * `@weft/workflow` through node_modules to its published `dist/`, not to the repo's sources.)
 *
 *   pnpm build && examples/node_modules/.bin/bun examples/bun-quickstart/main.ts   (or any `bun`)
 */
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

const fetchIssue = step({
  id: 'fetch',
  input: z.object({ repo: z.string() }),
  output: z.object({ title: z.string(), body: z.string() }),
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

// A libsql file, as under Node: .weft/weft.db under the current directory.
const store = createStore();
const engine = createEngine({ store, workflows: [triage] });
const result = await engine.run(triage).start({ input: { repo: 'acme/api' } });

const runtime = typeof Bun === 'undefined' ? `Node ${process.versions.node}` : `Bun ${Bun.version}`;
if (result.status === 'success') console.log(`severity: ${result.output.severity} (${runtime})`);
else {
  console.error(`run ${result.runId} ended ${result.status}`);
  process.exitCode = 1;
}
await store.close();

declare const Bun: { version: string } | undefined;
