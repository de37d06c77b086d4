/**
 * The flagship demo, run as a newcomer would (non-interactively: no TTY, so the gate auto-approves),
 * against a small git repository made here, from a clean state in a temp directory:
 * 1. a first run plans from the workspace's facts, runs the plan as a DAG, is SIGKILLed at the gate
 *    by the demo itself and finished by the demo's own process, prints the whole summary and leaves
 *    its rows in the store;
 * 2. a second run reuses the cached workspace snapshot (and re-parses only a file that changed);
 * 3. a run killed (SIGKILL) while waiting at the approval gate continues with `--resume` without
 *    re-running any step that had finished.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApprovalService } from '@weft/approval';
import { createEvalStore } from '@weft/eval';
import { createKyselyUsageStore } from '@weft/llm';
import { createStore, type KyselyStore } from '@weft/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeResult,
  examplesDir,
  hooks,
  type ProcessResult,
  repo as repoRoot,
  runNodeTs,
  tempDir,
} from './run-example.js';

const demo = join(examplesDir, 'demo/main.ts');
const REQUEST = 'add retry with backoff to the http client and log failures';

/** A tiny repository with history: client.ts and retry.ts change together twice. */
function makeRepo(): string {
  const root = tempDir('weft-demo-repo-');
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.invalid', '-C', root, ...args], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  git('init', '-q');
  write(
    'src/http/client.ts',
    '/** HTTP client. */\nexport class HttpClient {\n  /** GET a URL. */\n  async get(url: string): Promise<string> {\n    const res = await fetch(url);\n    return res.text();\n  }\n}\n',
  );
  write(
    'src/retry.ts',
    '/** Retries fn. */\nexport async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {\n  let last: unknown;\n  for (let i = 0; i < attempts; i++) {\n    try {\n      return await fn();\n    } catch (err) {\n      last = err;\n    }\n  }\n  throw last;\n}\n',
  );
  git('add', '.');
  git('commit', '-qm', 'client and retry');
  write('src/log.ts', 'export function logFailure(message: string): void {\n  console.error(message);\n}\n');
  write(
    'src/http/client.ts',
    "import { retry } from '../retry.js';\n\n/** HTTP client. */\nexport class HttpClient {\n  /** GET a URL, with retries. */\n  async get(url: string): Promise<string> {\n    return retry(async () => (await fetch(url)).text());\n  }\n}\n",
  );
  write(
    'src/retry.ts',
    '/** Retries fn with backoff. */\nexport async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {\n  for (let i = 1; ; i++) {\n    try {\n      return await fn();\n    } catch (err) {\n      if (i >= attempts) throw err;\n    }\n  }\n}\n',
  );
  git('add', '.');
  git('commit', '-qm', 'backoff');
  write('tools/report.py', 'def report(rows):\n    """Prints rows."""\n    for r in rows:\n        print(r)\n');
  git('add', '.');
  git('commit', '-qm', 'report tool');
  return root;
}

const cwd = tempDir('weft-demo-cwd-');
const dbFile = join(cwd, '.weft/weft.db');
let repo = '';
let store: KyselyStore;

function runDemo(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  // WEFT_NATIVE is inherited: CI runs the demo on whichever backend the machine has.
  return runNodeTs(demo, args, {
    cwd,
    env: { WEFT_DB_URL: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', WEFT_LLM_BASE_URL: '', ...env },
    timeoutMs: 60_000,
  });
}

/** Starts the demo with WEFT_DEMO_PAUSE_AT_GATE=1, waits until it waits at the gate, SIGKILLs it; returns the run id. */
async function startAndKillAtGate(): Promise<string> {
  const child = spawn(process.execPath, ['--import', hooks, demo, REQUEST, '--root', repo], {
    cwd,
    env: {
      ...process.env,
      WEFT_DEMO_PAUSE_AT_GATE: '1',
      WEFT_DB_URL: '',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      WEFT_LLM_BASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  const runId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not pause at the gate:\n${out}`)), 45_000);
    child.stdout.on('data', (d: string) => {
      out += d;
      const m = /Paused at the approval gate \(run (\S+)\)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.on('exit', (code) => reject(new Error(`demo exited (${code}) before the gate:\n${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return runId;
}

const summaryRunId = (out: string) => /Summary of run (\S+): SUCCESS/.exec(out)?.[1];

beforeAll(() => {
  repo = makeRepo();
});

afterAll(async () => {
  await store?.close();
});

describe('the demo (npm run demo)', () => {
  let firstRunId = '';

  it('runs from a clean state, non-interactively, and prints the whole summary', async () => {
    const r = await runDemo([REQUEST, '--root', repo]);
    expect(r.code, describeResult(r)).toBe(0);
    const out = r.stdout;
    expect(out).toContain('Weft demo — plan a change to a codebase');
    expect(out).toMatch(/model\s+offline planner of the demo — rules over workspace facts, NOT an LLM/);
    // The demo kills its own worker process at the gate and finishes the run in its own process.
    const worker = /worker process (\d+) runs the workflow:/.exec(out)?.[1];
    expect(worker, out).toBeDefined();
    expect(out).toContain(`⚡ SIGKILL → worker process ${worker} while its run waited at the gate`);
    const takeover =
      /↻ This process \((\d+)\) opens the same store: run (\S+) is suspended at "review", (\d+) steps committed/.exec(
        out,
      );
    expect(takeover, out).not.toBeNull();
    expect(takeover?.[1]).not.toBe(worker);
    // context, plan and the three dag tasks were committed by the killed process
    expect(Number(takeover?.[3])).toBe(5);
    expect(out).toMatch(/\(5 steps committed by the killed process \d+ were reused, not re-run\)/);
    expect(out).toMatch(/── approval gate "review": Apply this plan\? ──/);
    expect(out).toMatch(/✓ auto-approved: no TTY/);
    firstRunId = summaryRunId(out) ?? '';
    expect(firstRunId, describeResult(r)).not.toBe('');
    // steps and timings
    for (const path of ['context', 'plan', 'execute/retry', 'execute/client', 'execute/log', 'review', 'evaluate']) {
      expect(out).toMatch(new RegExp(`^  ${path.replace('/', '\\/')}\\s+success\\s+attempt 1\\s+\\d`, 'm'));
    }
    // context: parsed from scratch, relevant skeletons, co-change from git log
    expect(out).toMatch(
      /context: 4 files, \d+ symbols \(no cached snapshot: parsed all 4 files, \d+ ms, 0 LLM tokens\)/,
    );
    expect(out).toMatch(/relevant files as skeletons: \d+ → \d+ tokens/);
    expect(out).toMatch(/src\/http\/client\.ts/);
    expect(out).toMatch(/co-change: [1-9]\d* pairs from 3 commits/);
    expect(out).toMatch(/src\/http\/client\.ts \+ src\/retry\.ts \(2×\)/);
    // batches, tokens and cost, eval, state, how to inspect
    // The plan comes from the workspace: a task per relevant file, client.ts after the retry.ts it imports.
    expect(out).toMatch(/^batches: \[retry, log\] → \[client\] \(3\/3 subtasks succeeded\)$/m);
    expect(out).toMatch(/^execute \(DAG\): 3 tasks in \d+ ms, [\d.]+ (ms|s) of work — [\d.]+× parallel$/m);
    expect(out).toMatch(/^tokens: [1-9]\d* in \+ \d+ out in [2-9]\d* model calls · cost \$\d+\.\d{4}/m);
    // Scores computed from the plan: its files exist, 3 tasks in 2 batches, client + retry both planned.
    expect(out).toMatch(
      /^eval: completion 1\.00, plan-valid 1\.00, grounded 1\.00, parallelism 0\.50, co-change recall 1\.00 · mean 0\.90 · 1 runs in history \("demo:plan-change"\)$/m,
    );
    expect(out).toContain(`state: ${dbFile}`);
    expect(out).toMatch(new RegExp(`(npm run weft --|node \\S*packages/cli/dist/cli\\.js) runs show ${firstRunId}`));
    // It ends with the Studio command and the run's page in Studio.
    expect(out).toMatch(/^ {2}(npm run weft --|node \S*packages\/cli\/dist\/cli\.js) studio( --db \S+)?$/m);
    expect(out).toContain(`http://127.0.0.1:4400/runs/${firstRunId}`);
    expect(out).toMatch(new RegExp(`llm usage --run ${firstRunId}`));
    // The demo ends with Studio: its command and the run's link are the last things it prints.
    expect(out.trimEnd().split('\n').at(-1)).toContain(`http://127.0.0.1:4400/runs/${firstRunId}`);
  });

  it('left its rows in the store: run, steps, approval with audit, eval history, LLM calls, snapshot cache', async () => {
    store = createStore({ url: `file:${dbFile}` });
    const run = await store.getRun(firstRunId);
    expect(run?.status).toBe('success');
    expect(run?.workflowId).toBe('plan-change');
    expect(run?.output).toMatchObject({ scores: { completion: 1, 'plan-valid': 1 }, historyRuns: 1 });
    const steps = await store.listSteps(firstRunId);
    const paths = steps.map((s) => s.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'context',
        'plan',
        'execute/retry',
        'execute/client',
        'execute/log',
        'review',
        'evaluate',
      ]),
    );
    for (const path of new Set(paths)) expect(paths.filter((p) => p === path).length, path).toBe(1);
    expect(steps.every((s) => s.status === 'success' && s.attempt === 1)).toBe(true);
    const plan = steps.find((s) => s.path === 'plan')?.output as {
      tasks: { id: string; title: string; files: string[]; dependsOn: string[] }[];
    };
    // Every task names files of the workspace and declarations from their outlines.
    expect(plan.tasks.map((t) => [t.id, t.files, t.dependsOn])).toEqual([
      ['retry', ['src/retry.ts'], []],
      ['client', ['src/http/client.ts'], ['retry']],
      ['log', ['src/log.ts'], []],
    ]);
    expect(plan.tasks.map((t) => t.title)).toEqual([
      'Change retry in src/retry.ts',
      'Change HttpClient and get in src/http/client.ts',
      'Change logFailure in src/log.ts',
    ]);
    const proposal = steps.find((s) => s.path === 'execute/client')?.output as { proposal: string };
    expect(proposal.proposal).toContain('Edit src/http/client.ts: change `export class HttpClient`');
    expect(proposal.proposal).toContain('It builds on src/retry.ts.');

    const approvals = createApprovalService({ store, engine: { resume: async () => undefined } });
    const [request] = await approvals.list({ workflowId: 'plan-change' });
    expect(request).toMatchObject({ runId: firstRunId, path: 'review', status: 'approved' });
    const audit = await approvals.audit(request?.id as string);
    expect(audit.some((e) => JSON.stringify(e).includes('auto-approved'))).toBe(true);

    const evals = await createEvalStore(store).listRuns({ evalName: 'demo:plan-change' });
    expect(evals).toHaveLength(1);
    const calls = await createKyselyUsageStore({ db: store.db, dialect: store.dialect }).listCalls({
      runId: firstRunId,
    });
    expect(calls.length).toBe(1 + plan.tasks.length); // the plan, then one call per subtask
    // Each call is attributed to the step (path and attempt) that made it: `weft llm usage --run`.
    expect(calls.map((c) => [c.stepPath, c.attempt]).sort()).toEqual([
      ['execute/client', 1],
      ['execute/log', 1],
      ['execute/retry', 1],
      ['plan', 1],
    ]);
    const cached = await store.db.selectFrom('weft_demo_cache').select('key').execute();
    expect(cached.map((c) => c.key).sort()).toEqual([`cochange:${repo}`, `snapshot:${repo}`]);
  });

  it('a second run reuses the cached snapshot, and re-parses only the file that changed', async () => {
    const again = await runDemo([REQUEST, '--root', repo]);
    expect(again.code, describeResult(again)).toBe(0);
    expect(again.stdout).toMatch(/cached snapshot reused: 4 files unchanged, 0 re-parsed/);
    expect(again.stdout).toMatch(/co-change: .* \(cached for this HEAD\)/);
    expect(again.stdout).toMatch(/· 2 runs in history/);

    writeFileSync(
      join(repo, 'src/log.ts'),
      'export function logFailure(message: string, attempt: number): void {\n  console.error(attempt, message);\n}\n',
    );
    const third = await runDemo([REQUEST, '--root', repo]);
    expect(third.code, describeResult(third)).toBe(0);
    expect(third.stdout).toMatch(/cached snapshot reused: 3 files unchanged, 1 re-parsed/);
  });

  it('killed at the approval gate, `--resume` finishes the same run without redoing finished steps', async () => {
    const pausedRunId = await startAndKillAtGate();

    const before = await store.listSteps(pausedRunId);
    expect((await store.getRun(pausedRunId))?.status).toBe('suspended');
    expect(before.map((s) => s.path)).toEqual(expect.arrayContaining(['context', 'plan', 'execute/retry']));
    const usage = createKyselyUsageStore({ db: store.db, dialect: store.dialect });
    const callsBefore = (await usage.listCalls({ runId: pausedRunId })).length;

    const resumed = await runDemo(['--resume']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stdout).toContain(`resuming run ${pausedRunId} at the approval gate`);
    expect(resumed.stdout).toMatch(
      new RegExp(
        `${before.filter((s) => s.status === 'success').length} finished steps are reused from the store, not run again`,
      ),
    );
    expect(summaryRunId(resumed.stdout)).toBe(pausedRunId);
    // Only the gate and what follows it ran in the second process.
    expect(resumed.stdout).not.toMatch(/✓ context|✓ plan|✓ execute\//);

    const after = await store.listSteps(pausedRunId);
    for (const s of before) {
      expect(
        after.filter((a) => a.path === s.path),
        `step ${s.path} ran again`,
      ).toHaveLength(1);
    }
    expect(after.map((s) => s.path)).toEqual(expect.arrayContaining(['review', 'evaluate']));
    expect((await store.getRun(pausedRunId))?.status).toBe('success');
    expect((await usage.listCalls({ runId: pausedRunId })).length).toBe(callsBefore);

    // Nothing left to resume now.
    const nothing = await runDemo(['--resume']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/Nothing to resume/);
  });

  it('a gate decided with the weft CLI while no demo ran: --resume continues with that decision', async () => {
    const runId = await startAndKillAtGate();
    const list = await runNodeTs(
      join(repoRoot, 'packages/cli/src/cli.ts'),
      ['approvals', 'list', '--json', '--db', `file:${dbFile}`],
      { cwd },
    );
    expect(list.code, describeResult(list)).toBe(0);
    const request = (JSON.parse(list.stdout) as { id: string; runId: string }[]).find((r) => r.runId === runId);
    expect(request).toBeDefined();
    const approve = await runNodeTs(
      join(repoRoot, 'packages/cli/src/cli.ts'),
      ['approvals', 'approve', request?.id as string, '--actor', 'ana', '--comment', 'go', '--db', `file:${dbFile}`],
      { cwd },
    );
    expect(approve.code, describeResult(approve)).toBe(0);
    expect(approve.stdout).toMatch(/approved by ana/);
    expect((await store.getRun(runId))?.status).toBe('suspended'); // the CLI has no workflow code

    const resumed = await runDemo(['--resume', runId]);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stdout).toMatch(/The gate was already approved by ana; continuing the run\./);
    expect(summaryRunId(resumed.stdout)).toBe(runId);
    expect((await store.getRun(runId))?.status).toBe('success');
  });

  it('uses a real provider when OPENAI_API_KEY is set (an OpenAI-compatible server on 127.0.0.1), with cost', async () => {
    // The vendor edge: a local server speaking OpenAI's chat completions API.
    const requests: { model: string; structured: boolean; facts: boolean }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const call = JSON.parse(body) as { model: string; response_format?: unknown };
        // The model gets the same workspace facts as the offline planner.
        const facts = body.includes('<facts>') && body.includes('src/retry.ts');
        requests.push({ model: call.model, structured: call.response_format !== undefined, facts });
        const content = call.response_format
          ? JSON.stringify({
              tasks: [
                { id: 'retry', title: 'Add backoff to retry()', files: ['src/retry.ts'], dependsOn: [] },
                {
                  id: 'client',
                  title: 'Use retry() in HttpClient.get',
                  files: ['src/http/client.ts'],
                  dependsOn: ['retry'],
                },
                { id: 'log', title: 'Log failures with logFailure()', files: ['src/log.ts'], dependsOn: ['retry'] },
              ],
            })
          : 'Change src/retry.ts and src/http/client.ts.';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion',
            created: 0,
            model: call.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const r = await runDemo([REQUEST, '--root', repo], {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: url,
        WEFT_DB_URL: `file:${join(tempDir('weft-demo-provider-'), 'weft.db')}`,
      });
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stdout).toContain(`model    openai/gpt-4o-mini at ${url} (falls back to the offline planner)`);
      expect(r.stdout).toMatch(/^batches: \[retry\] → \[client, log\] \(3\/3 subtasks succeeded\)$/m);
      // 4 calls × (1000 in, 100 out) at gpt-4o-mini's listed price.
      expect(r.stdout).toMatch(/^tokens: 4000 in \+ 400 out in 4 model calls · cost \$0\.0008/m);
      expect(requests).toHaveLength(4);
      expect(requests.filter((q) => q.structured)).toHaveLength(1);
      expect(requests.every((q) => q.facts)).toBe(true);
      expect(new Set(requests.map((q) => q.model))).toEqual(new Set(['gpt-4o-mini']));
    } finally {
      server.close();
    }
  });

  // A real terminal: util-linux `script` gives the demo a pseudo-TTY, so the gate asks. The answer
  // edits the payload in $EDITOR (a script here) and approves; the edit is what flows on.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'on a terminal the gate asks; an edited payload is what flows on',
    async () => {
      const dir = tempDir('weft-demo-tty-');
      const editor = join(dir, 'edit.sh');
      writeFileSync(editor, `#!/bin/sh\nsed -i 's/"title": "\\([^"]*\\)"/"title": "EDITED \\1"/' "$1"\n`);
      chmodSync(editor, 0o755);
      const db = `file:${join(dir, 'weft.db')}`;
      const command = [process.execPath, '--import', hooks, demo, JSON.stringify(REQUEST), '--root', repo].join(' ');
      const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], {
        cwd,
        env: {
          ...process.env,
          EDITOR: `sh ${editor}`,
          VISUAL: `sh ${editor}`,
          USER: 'ana',
          WEFT_DB_URL: db,
          OPENAI_API_KEY: '',
          OPENAI_BASE_URL: '',
          WEFT_LLM_BASE_URL: '',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      const answers = ['e', 'a', 'edited the titles'];
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        // Answer each prompt once it is shown.
        const prompts = (out.match(/\[s\]kip > |Comment \(optional\) > /g) ?? []).length;
        while (answers.length > 0 && 3 - answers.length < prompts) child.stdin.write(`${answers.shift()}\n`);
      });
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
        child.on('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect(code, out).toBe(0);
      expect(out).toMatch(/\[a\]pprove \(edited\)/);
      // The plan is shown once, compactly (no JSON dump of the payload).
      expect(out.match(/── approval gate "review"/g)).toHaveLength(2); // the plan, then the edited plan
      expect(out).toMatch(/Edited:\s+── approval gate "review"[\s\S]*EDITED /);
      expect(out).not.toMatch(/"proposal":/);
      const runId = summaryRunId(out);
      expect(runId, out).toBeDefined();
      expect(out).toMatch(/approval: approved by ana via terminal \("edited the titles"\) — payload edited/);
      const tty = createStore({ url: db });
      try {
        const review = (await tty.listSteps(runId as string)).find(
          (s) => s.path === 'review' && s.status === 'success',
        );
        const titles = ((review?.output ?? { tasks: [] }) as { tasks: { title: string }[] }).tasks.map((t) => t.title);
        expect(titles.length).toBeGreaterThan(0);
        expect(titles.every((t) => t.startsWith('EDITED '))).toBe(true);
        expect((await tty.getRun(runId as string))?.status).toBe('success');
      } finally {
        await tty.close();
      }
    },
  );
});
