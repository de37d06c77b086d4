/**
 * Suspend in one process, resume in another — by run id, on a libsql file.
 *
 * Process A starts a run; its `review` step suspends with a question, and A exits. Process B (a
 * different process, with a fresh engine over the same file) resumes the run by its id with the
 * answer: B re-runs nothing that A finished, validates the answer against the step's resumeSchema
 * and completes the run.
 *
 *   node examples/suspend-resume/main.ts            (runs A, then B, as two child processes)
 *   node examples/suspend-resume/main.ts A <db>     (just process A; prints the run id)
 *   node examples/suspend-resume/main.ts B <db> <run-id>
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

// Counts executions of `draft` in this process, to show that B does not run it again.
let draftRuns = 0;
const draft = step({
  id: 'draft',
  input: z.object({ topic: z.string() }),
  output: z.object({ text: z.string() }),
  run: async ({ input }) => {
    draftRuns++;
    return { text: `Release notes for ${input.topic}: faster resumes, clearer errors.` };
  },
});

const review = step({
  id: 'review',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string(), approvedBy: z.string() }),
  suspendSchema: z.object({ question: z.string(), text: z.string() }),
  resumeSchema: z.object({ approvedBy: z.string(), edit: z.string().optional() }),
  run: async ({ input, suspend, resumeData }) => {
    if (!resumeData) return suspend({ question: 'Publish these notes?', text: input.text });
    return { text: resumeData.edit ?? input.text, approvedBy: resumeData.approvedBy };
  },
});

const notes = workflow({ id: 'release-notes', input: z.object({ topic: z.string() }) })
  .step(draft)
  .then(review)
  .then('publish', async ({ input }) => ({ published: `${input.text} (approved by ${input.approvedBy})` }))
  .commit();

const [role, dbPath, runId] = process.argv.slice(2);

if (role === 'A' && dbPath) {
  const store = createStore({ url: `file:${dbPath}` });
  const engine = createEngine({ store, workflows: [notes] });
  const result = await engine.run(notes).start({ input: { topic: 'Weft 0.1' } });
  const at = result.status === 'suspended' ? result.suspended.map((s) => s.path).join(', ') : '';
  console.log(`process A (pid ${process.pid}): run ${result.runId} ${result.status} at ${at}; draft ran ${draftRuns}×`);
  await store.close();
} else if (role === 'B' && dbPath && runId) {
  const store = createStore({ url: `file:${dbPath}` });
  const engine = createEngine({ store, workflows: [notes] });
  const result = await engine.resume(runId, { step: 'review', data: { approvedBy: 'ana' } });
  const output = result.status === 'success' ? JSON.stringify(result.output) : '';
  console.log(
    `process B (pid ${process.pid}): run ${runId} finished: ${result.status} ${output}; draft ran ${draftRuns}× here`,
  );
  await store.close();
  if (result.status !== 'success') process.exitCode = 1;
} else {
  // Orchestrate: two separate processes share nothing but the database file.
  const db = join(mkdtempSync(join(tmpdir(), 'weft-suspend-resume-')), 'weft.db');
  const self = process.argv[1] as string;
  const child = (...args: string[]) => {
    const r = spawnSync(process.execPath, [...process.execArgv, self, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child ${args[0]} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    return r.stdout.trim();
  };
  const a = child('A', db);
  console.log(a.replace(/^process A \(pid \d+\)/, 'process A'));
  const id = /run (\S+) suspended/.exec(a)?.[1];
  if (!id) throw new Error(`process A did not suspend: ${a}`);
  const b = child('B', db, id);
  console.log(b.replace(/^process B \(pid \d+\)/, 'process B'));
}
