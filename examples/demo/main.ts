/**
 * The flagship demo: "plan a change to a codebase", end to end, on your machine.
 *
 *   npm run demo                                   # plans a change to this repository, offline
 *   npm run demo -- "add a --since flag to weft runs list" --root ../other-repo
 *   npm run demo -- --yes                          # approve the gate without asking
 *   npm run demo -- --resume [run-id]              # continue a run stopped at the gate
 *
 * State: the embedded libsql file .weft/weft.db under the current directory (WEFT_DB_URL or --db to
 * change it). Model: the deterministic offline model of @weft/llm (not an LLM) unless
 * OPENAI_API_KEY, OPENAI_BASE_URL or WEFT_LLM_BASE_URL is set (then that provider, falling back to
 * offline). WEFT_DEMO_PAUSE_AT_GATE=1 makes it wait at the gate instead of deciding (for the test
 * that kills it there).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApprovalService } from '@weft/approval';
import { createEvalStore } from '@weft/eval';
import { createKyselyUsageStore, createRouter, openaiCompatible, type ProviderLike } from '@weft/llm';
import { createEngine, createStore, DEFAULT_STORE_URL } from '@weft/workflow';
import { createDemoCache } from './cache.ts';
import { decideAtGate } from './gate.ts';
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
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    `Usage: npm run demo -- ["change request"] [--root <repo>] [--yes] [--resume [run-id]] [--db <url>] [--concurrency <n>]`,
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

// Model: a real provider when configured, else the offline model (deterministic, not an LLM).
const providers: Record<string, ProviderLike> = {};
let routeDefault = ['offline/planner'];
const apiKey = env('OPENAI_API_KEY');
const baseURL =
  env('WEFT_LLM_BASE_URL') ?? env('OPENAI_BASE_URL') ?? (apiKey ? 'https://api.openai.com/v1' : undefined);
if (baseURL) {
  const model = env('WEFT_LLM_MODEL') ?? 'gpt-4o-mini';
  // Named 'openai' for OpenAI itself, so the shipped price table applies; 'local' for other servers.
  const name = env('WEFT_LLM_BASE_URL') ? 'local' : 'openai';
  providers[name] = openaiCompatible({ name, baseURL, ...(apiKey ? { apiKey } : {}) });
  routeDefault = [`${name}/${model}`, 'offline/planner'];
}
const modelLabel = baseURL
  ? `${routeDefault[0]} at ${baseURL} (falls back to the offline model)`
  : 'offline model of @weft/llm — deterministic, NOT an LLM (set OPENAI_API_KEY for a real one)';

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
const t0 = Date.now();
if (values.resume) {
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
  console.log('Weft demo — plan a change to a codebase');
  console.log(`  request  ${request}`);
  console.log(`  repo     ${root}`);
  console.log(`  model    ${modelLabel}`);
  console.log(`  state    ${dbLabel}\n`);
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
    auto: values.yes === true || !process.stdin.isTTY,
    pause: process.env.WEFT_DEMO_PAUSE_AT_GATE === '1',
    why: values.yes ? '--yes' : 'no TTY',
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
  model: modelLabel,
});
await store.close();
process.exitCode = code;
