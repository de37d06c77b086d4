/**
 * The flagship demo: "plan a change to a codebase", end to end, on your machine.
 *
 *   npm run demo                                   # plans a change to this repository, offline
 *   npm run demo -- "add a --since flag to weft runs list" --root ../other-repo
 *   npm run demo -- --yes                          # approve the gate without asking
 *   npm run demo -- --resume [run-id]              # continue a run stopped at the gate
 *   npm run demo -- --no-kill                      # one process: no SIGKILL at the gate
 *
 * What it shows: step 1 reads the workspace (outlines, imports, tests, co-change history; no LLM),
 * step 2 plans from those facts, step 3 runs the plan as a DAG (independent tasks side by side),
 * then the run waits at an approval gate. By default the demo runs steps 1–3 in a child process and
 * SIGKILLs it at the gate — then this process opens the same store and finishes the run from there:
 * nothing committed is done again. Step 5 scores the plan and records the scores as eval history.
 *
 * State: the embedded libsql file .weft/weft.db under the current directory (WEFT_DB_URL or --db to
 * change it). Model: the demo's offline planner (./planner.ts: written rules over the workspace
 * facts, NOT an LLM) unless OPENAI_API_KEY, OPENAI_BASE_URL or WEFT_LLM_BASE_URL is set (then that
 * provider, given the same facts, falling back to the planner; WEFT_LLM_MODEL picks the model). WEFT_DEMO_PAUSE_AT_GATE=1 makes it wait at the gate instead of deciding (for the test
 * that kills it there).
 */
import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApprovalService } from '@weft/approval';
import { createEvalStore } from '@weft/eval';
import { createKyselyUsageStore, createRouter, openaiCompatible, type ProviderLike } from '@weft/llm';
import { createEngine, createStore, DEFAULT_STORE_URL } from '@weft/workflow';
import { createDemoCache } from './cache.ts';
import { decideAtGate } from './gate.ts';
import { createWorkspacePlanner, PLANNER_LABEL } from './planner.ts';
import { printSummary } from './summary.ts';
import { createPlanWorkflow } from './workflow.ts';

const DEFAULT_REQUEST = 'Add retry metrics to the workflow engine, show them in the weft CLI, and document them';
const repoRoot = resolve(import.meta.dirname, '../..');

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    root: { type: 'string' },
    db: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    resume: { type: 'boolean' },
    concurrency: { type: 'string' },
    'no-kill': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    `Usage: npm run demo -- ["change request"] [--root <repo>] [--yes] [--resume [run-id]] [--no-kill] [--db <url>] [--concurrency <n>]`,
  );
  process.exit(0);
}

// Empty variables count as unset.
const env = (name: string) => process.env[name] || undefined;
const dbUrl = values.db || env('WEFT_DB_URL') || DEFAULT_STORE_URL;
// Shown in the output: a file's absolute path, or the URL without its password.
const dbLabel = dbUrl.startsWith('file://')
  ? fileURLToPath(dbUrl)
  : dbUrl.startsWith('file:')
    ? resolve(dbUrl.slice(5))
    : dbUrl.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
const root = values.root ? (isAbsolute(values.root) ? values.root : resolve(values.root)) : repoRoot;
const request = values.resume ? '' : positionals.join(' ').trim() || DEFAULT_REQUEST;

// Model: a real provider when configured, else the offline planner (deterministic rules, not an LLM).
// It waits 300 ms per subtask (WEFT_DEMO_LATENCY_MS), as a model would, so the DAG's parallelism shows.
const providers: Record<string, ProviderLike> = {
  planner: createWorkspacePlanner({ taskLatencyMs: Number(env('WEFT_DEMO_LATENCY_MS') ?? 300) }),
};
let routeDefault = ['planner/rules'];
const apiKey = env('OPENAI_API_KEY');
const baseURL =
  env('WEFT_LLM_BASE_URL') ?? env('OPENAI_BASE_URL') ?? (apiKey ? 'https://api.openai.com/v1' : undefined);
if (baseURL) {
  const model = env('WEFT_LLM_MODEL') ?? 'gpt-4o-mini';
  // Named 'openai' for OpenAI itself, so the shipped price table applies; 'local' for other servers.
  const name = env('WEFT_LLM_BASE_URL') ? 'local' : 'openai';
  providers[name] = openaiCompatible({ name, baseURL, ...(apiKey ? { apiKey } : {}) });
  routeDefault = [`${name}/${model}`, 'planner/rules'];
}
const modelLabel = baseURL
  ? `${routeDefault[0]} at ${baseURL} (falls back to the offline planner)`
  : `${PLANNER_LABEL} (set OPENAI_API_KEY or WEFT_LLM_BASE_URL for a real model)`;
// This process is the demo's worker child when the parent runs it to the gate (and kills it there).
const pauseAtGate = process.env.WEFT_DEMO_PAUSE_AT_GATE === '1';
const child = process.env.WEFT_DEMO_CHILD === '1';
const orchestrate = !values.resume && !values['no-kill'] && !pauseAtGate;
const autoDecide = values.yes === true || !process.stdin.isTTY;

const store = createStore({ url: dbUrl });
await store.init();
const router = createRouter({
  providers,
  routes: { default: routeDefault },
  store: createKyselyUsageStore({ db: store.db, dialect: store.dialect }),
  retry: { retries: 1, baseDelayMs: 200 },
});
const plan = createPlanWorkflow(
  { llm: router, cache: await createDemoCache(store.db), evals: createEvalStore(store) },
  values.concurrency ? { concurrency: Number(values.concurrency) } : {},
);
const engine = createEngine({ store, workflows: [plan] });
const approvals = createApprovalService({
  store,
  engine,
  workflows: [plan],
  // The demo waits for the rest of the run after the decision (an inbox would not).
  awaitResume: true,
  onError: (err, where) => console.error(`approval ${where.phase} failed: ${(err as Error).message}`),
});

// Live progress: one line per finished step.
const started = new Map<string, number>();
engine.on('step:start', (e) => started.set(`${e.runId}:${e.path}`, e.at));
engine.on('step:success', (e) => {
  const t0 = started.get(`${e.runId}:${e.path}`);
  console.log(`  ✓ ${e.path}${t0 === undefined ? '' : ` (${e.at - t0} ms)`}`);
});
engine.on('step:failed', (e) => {
  const error = (e.data as { error?: { message?: string } } | undefined)?.error;
  console.log(`  ✗ ${e.path}: ${error?.message ?? JSON.stringify(e.data ?? '')}`);
});

let runId: string;
let reused = 0;
let reusedHow = 'finished before --resume';
const t0 = Date.now();
if (orchestrate) {
  printHeader();
  const killed = await runChildToGate();
  runId = killed.runId;
  const run = await store.getRun(runId);
  const steps = await store.listSteps(runId);
  reused = steps.filter((s) => s.status === 'success').length;
  reusedHow = `committed by the killed process ${killed.pid}`;
  console.log(
    `\n⚡ SIGKILL → worker process ${killed.pid} while its run waited at the gate: nothing in memory survived.`,
  );
  console.log(
    `↻ This process (${process.pid}) opens the same store: run ${runId} is ${run?.status} at "review", ${reused} steps committed — none of them will run again.`,
  );
} else if (values.resume) {
  const wanted = positionals[0];
  const run = wanted
    ? await store.getRun(wanted)
    : (await store.listRuns({ workflowId: plan.id, status: 'suspended', limit: 1 })).runs[0];
  if (run?.status !== 'suspended') {
    console.error(
      wanted
        ? `Run ${wanted} is ${run ? run.status : 'not in the store'} (${dbLabel}); only a run waiting at the gate can be resumed.`
        : `Nothing to resume: no plan-change run is waiting at the gate in ${dbLabel}. Start one with: npm run demo`,
    );
    await store.close();
    process.exit(1);
  }
  runId = run.id;
  reused = (await store.listSteps(runId)).filter((s) => s.status === 'success').length;
  console.log(`Weft demo — resuming run ${runId} at the approval gate`);
  console.log(`  ${reused} finished steps are reused from the store, not run again\n`);
} else {
  if (!child) printHeader();
  const result = await engine.run(plan).start({ input: { request, root } });
  runId = result.runId;
  if (result.status !== 'suspended') {
    console.error(
      `\nThe run ended ${result.status} before the gate${result.status === 'failed' ? `: ${result.error.message}` : ''}.`,
    );
  }
}

const run = await store.getRun(runId);
if (run?.status === 'suspended') {
  const outcome = await decideAtGate({
    approvals,
    engine,
    runId,
    workflowId: plan.id,
    auto: autoDecide,
    pause: pauseAtGate,
    why: values.yes ? '--yes' : 'no TTY',
    // Shown once: by the killed child when this process decides by itself, else by the prompt here.
    brief: orchestrate || process.env.WEFT_DEMO_GATE_SHOWN_LATER === '1',
  });
  if (outcome === 'pending' || outcome === 'missing') {
    // Skipped at the prompt (the run waits, durably), or nothing to decide.
    await store.close();
    process.exit(outcome === 'pending' ? 0 : 1);
  }
}

const code = await printSummary({
  approvals,
  store,
  router,
  runId,
  dbUrl,
  dbLabel,
  elapsedMs: Date.now() - t0,
  reused,
  reusedHow,
  model: modelLabel,
});
await store.close();
process.exitCode = code;

function printHeader() {
  console.log('Weft demo — plan a change to a codebase');
  console.log(`  request  ${request}`);
  console.log(`  repo     ${root}`);
  console.log(`  model    ${modelLabel}`);
  console.log(`  state    ${dbLabel}\n`);
}

/**
 * Runs steps 1–3 in a child process (this script, paused at the gate), echoing its output, and
 * SIGKILLs it once its run waits at the gate. Resolves to the run id and the killed pid.
 */
function runChildToGate(): Promise<{ runId: string; pid: number }> {
  const args = [...process.execArgv, process.argv[1] as string, ...process.argv.slice(2), '--no-kill'];
  const worker = spawn(process.execPath, args, {
    env: {
      ...process.env,
      WEFT_DEMO_PAUSE_AT_GATE: '1',
      WEFT_DEMO_CHILD: '1',
      WEFT_DB_URL: dbUrl,
      WEFT_DEMO_GATE_SHOWN_LATER: autoDecide ? '' : '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  console.log(`worker process ${worker.pid} runs the workflow:`);
  return new Promise<{ runId: string; pid: number }>((resolveRun, reject) => {
    let out = '';
    worker.stdout.setEncoding('utf8');
    worker.stdout.on('data', (chunk: string) => {
      out += chunk;
      // Everything but the pause notice (this process takes over from there).
      process.stdout.write(chunk.replace(/\n?⏸[^\n]*\n?/, '\n'));
      const paused = /Paused at the approval gate \(run (\S+)\)/.exec(out);
      if (paused) {
        worker.removeAllListeners('exit');
        worker.once('exit', () => resolveRun({ runId: paused[1] as string, pid: worker.pid as number }));
        worker.kill('SIGKILL');
      }
    });
    worker.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before the gate`)));
  }).catch(async (err: Error): Promise<never> => {
    console.error(err.message);
    await store.close();
    process.exit(1);
  });
}
