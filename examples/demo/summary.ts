/** Step 6: the summary — steps and timings, batches, tokens and cost, where the state lives, how to inspect. */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ApprovalService } from '@weft/approval';
import type { Router } from '@weft/llm';
import type { KyselyStore } from '@weft/workflow';

interface SummaryInput {
  store: KyselyStore;
  router: Router;
  approvals: ApprovalService;
  runId: string;
  dbUrl: string;
  dbLabel: string;
  elapsedMs: number;
  /** Steps reused from an earlier process (on --resume, or after the SIGKILL). */
  reused: number;
  /** Where the reused steps came from, for the note. */
  reusedHow: string;
  model: string;
}

/** How to call the weft CLI from the repository root: the root script when there is one, else the built bin. */
function weftCommand(): string {
  const root = resolve(import.meta.dirname, '../..');
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    if (pkg.scripts?.weft && process.cwd() === root) return 'npm run weft --';
  } catch {
    // not in the repository: fall through
  }
  return `node ${relative(process.cwd(), join(root, 'packages/cli/dist/cli.js')) || 'packages/cli/dist/cli.js'}`;
}

const ms = (n: number) => (n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(2)} s`);

/** Prints the summary of a run; resolves to the exit code (0 when the run succeeded). */
export async function printSummary(input: SummaryInput): Promise<number> {
  const { store, runId } = input;
  const run = await store.getRun(runId);
  if (!run) throw new Error(`run ${runId} vanished from ${input.dbLabel}`);
  const steps = await store.listSteps(runId);
  const usage = await input.router.usage({ runId });
  const output = (run.output ?? {}) as {
    scores?: Record<string, number>;
    mean?: number;
    historyRuns?: number;
    evalRunId?: string;
  };
  // A gate has two rows (suspended, then success): read outputs from the successful ones.
  const byPath = new Map(steps.filter((s) => s.status === 'success').map((s) => [s.path, s]));
  const context = byPath.get('context')?.output as
    | {
        context: {
          files: number;
          symbols: number;
          snapshot: { cached: boolean; reparsed: number; reused: number; ms: number };
          relevant: { path: string; matched: string[] }[];
          coChange: { a: string; b: string; commits: number }[];
          git: { commits: number; cached: boolean; note?: string };
          tokens: { before: number; after: number };
        };
      }
    | undefined;
  // The reviewed payload carries the dag's batches and per-task status.
  const dag = byPath.get('review')?.output as
    | { batches: string[][]; tasks: { id: string; status: string }[] }
    | undefined;

  console.log(`\n══ Summary of run ${runId}: ${run.status.toUpperCase()} ══`);
  console.log('steps (attempts, as stored):');
  const pad = Math.max(16, ...steps.map((s) => s.path.length));
  for (const s of steps) {
    const took = s.endedAt === undefined ? '—' : ms(s.endedAt - s.startedAt);
    console.log(`  ${s.path.padEnd(pad)} ${s.status.padEnd(9)} attempt ${s.attempt}  ${took}`);
  }
  printTimeline(steps.filter((s) => s.path.startsWith('execute/') && s.status === 'success'));
  if (input.reused > 0) console.log(`  (${input.reused} steps ${input.reusedHow} were reused, not re-run)`);
  if (context) {
    const c = context.context;
    const snap = c.snapshot.cached
      ? `cached snapshot reused: ${c.snapshot.reused} files unchanged, ${c.snapshot.reparsed} re-parsed`
      : `no cached snapshot: parsed all ${c.snapshot.reparsed} files`;
    console.log(`context: ${c.files} files, ${c.symbols} symbols (${snap}, ${c.snapshot.ms} ms, 0 LLM tokens)`);
    console.log(`  ${c.relevant.length} relevant files as skeletons: ${c.tokens.before} → ${c.tokens.after} tokens`);
    for (const f of c.relevant) console.log(`    ${f.path}  (${f.matched.join(', ')})`);
    console.log(
      `  co-change: ${c.coChange.length} pairs from ${c.git.commits} commits${c.git.cached ? ' (cached for this HEAD)' : ''}${c.git.note ? ` — ${c.git.note}` : ''}`,
    );
    for (const p of c.coChange.slice(0, 3)) console.log(`    ${p.a} + ${p.b} (${p.commits}×)`);
  }
  const gate = (await input.approvals.list({ workflowId: run.workflowId })).find((r) => r.runId === runId);
  if (gate && gate.status !== 'pending') {
    const who = gate.votes.map((v) => `${v.actor.id} via ${v.via}${v.comment ? ` ("${v.comment}")` : ''}`).join(', ');
    console.log(
      `approval: ${gate.status} by ${who}${gate.edited ? ' — payload edited, the edit is what flowed on' : ''}`,
    );
  }
  if (dag) {
    console.log(
      `batches: ${dag.batches.map((b) => `[${b.join(', ')}]`).join(' → ')} (${dag.tasks.filter((t) => t.status === 'succeeded').length}/${dag.tasks.length} subtasks succeeded)`,
    );
  }
  const unpriced = usage.unpricedCalls > 0 ? ` (${usage.unpricedCalls} calls to unpriced models count as $0)` : '';
  console.log(
    `tokens: ${usage.inputTokens} in + ${usage.outputTokens} out in ${usage.calls} model calls · cost $${usage.costUsd.toFixed(4)}${unpriced}`,
  );
  console.log(`model: ${input.model}`);
  if (output.scores) {
    const scores = Object.entries(output.scores)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
    console.log(
      `eval: ${scores} · mean ${output.mean?.toFixed(2)} · ${output.historyRuns} runs in history ("demo:plan-change")`,
    );
    if (input.model.startsWith('offline')) {
      console.log("  (the plan came from the offline planner's rules, not an LLM: these scores grade those rules)");
    }
  }
  console.log(`time: ${ms(input.elapsedMs)} in this process`);
  console.log(
    `state: ${input.dbLabel} — runs, steps, events, approvals, eval history, LLM calls and the snapshot cache`,
  );
  const db = input.dbUrl === 'file:.weft/weft.db' ? '' : ` --db ${input.dbUrl}`;
  const weft = weftCommand();
  console.log('inspect:');
  console.log(`  ${weft} runs show ${runId}${db}`);
  console.log(`  ${weft} llm usage --run ${runId}${db}`);
  console.log(`  ${weft} runs list${db}`);
  console.log(`  ${weft} approvals list --all${db}`);
  // Weft Studio: the same store in a browser (timeline, approvals, LLM cost, eval history).
  console.log('see it in Weft Studio:');
  console.log(`  ${weft} studio${db}`);
  console.log(`  then http://127.0.0.1:4400/runs/${runId} (open the link Studio prints once: it logs you in)`);
  return run.status === 'success' ? 0 : 1;
}

/** The DAG's tasks on one time axis: bars that overlap ran at the same time. */
function printTimeline(tasks: { path: string; startedAt: number; endedAt?: number }[]) {
  if (tasks.length < 2) return;
  const t0 = Math.min(...tasks.map((t) => t.startedAt));
  const t1 = Math.max(...tasks.map((t) => t.endedAt ?? t.startedAt));
  const span = Math.max(1, t1 - t0);
  const width = 40;
  const busy = tasks.reduce((n, t) => n + ((t.endedAt ?? t.startedAt) - t.startedAt), 0);
  console.log(
    `execute (DAG): ${tasks.length} tasks in ${ms(span)}, ${ms(busy)} of work — ${(busy / span).toFixed(1)}× parallel`,
  );
  const pad = Math.max(16, ...tasks.map((t) => t.path.length - 'execute/'.length));
  for (const t of [...tasks].sort((a, b) => a.startedAt - b.startedAt || a.path.localeCompare(b.path))) {
    const from = Math.floor(((t.startedAt - t0) / span) * width);
    const to = Math.max(from + 1, Math.round((((t.endedAt ?? t.startedAt) - t0) / span) * width));
    console.log(`  ${t.path.slice('execute/'.length).padEnd(pad)} ${' '.repeat(from)}${'█'.repeat(to - from)}`);
  }
}
