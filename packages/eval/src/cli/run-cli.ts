/**
 * The eval CLI (`weft eval …` / `weft-eval`): runs eval files, compares runs, checks thresholds
 * against a baseline, and writes JSON, JUnit and HTML reports. Returns an exit code instead of
 * exiting, so the main `weft` CLI and tests can call it in-process.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createStore } from '@weft/workflow';
import { type CompareOptions, type Comparison, compare } from '../compare/compare.js';
import type { Correction } from '../stats/adjust.js';
import type { IntervalMethod } from '../stats/bootstrap.js';
import { checkThresholds, type ThresholdResult } from '../compare/thresholds.js';
import { type EvalDefinition, isEvalDefinition } from '../define/define-eval.js';
import { WeftEvalError } from '../errors/errors.js';
import { formatComparison, formatHistory, formatRun, formatThresholds } from '../report/console.js';
import { toHtmlReport } from '../report/html.js';
import { type EvalReport, toJsonReport } from '../report/json.js';
import { toJUnit } from '../report/junit.js';
import { runEval } from '../runner/run-eval.js';
import type { EvalRun } from '../runner/types.js';
import { createEvalStore, type EvalStore, type EvalStoreSource } from '../storage/eval-store.js';

/** I/O of the CLI, injectable for tests and for the main `weft` CLI. */
export interface CliIo {
  /** Where reports and results go (default `process.stdout`). */
  stdout?: {
    /** Writes a chunk of report output; the return value is ignored. */
    write(chunk: string): unknown;
    isTTY?: boolean;
  };
  /** Where usage, errors and progress go (default `process.stderr`). */
  stderr?: {
    /** Writes a chunk of diagnostic output (usage, errors, progress); the return value is ignored. */
    write(chunk: string): unknown;
    isTTY?: boolean;
  };
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Opens the store for `--store <url>`; default `createStore({ url })` of @weft/workflow. */
  openStore?: (url: string) => Promise<
    EvalStoreSource & {
      /** Releases the store's connections; called by the CLI when the command finishes, if present. */
      close?(): Promise<void>;
    }
  >;
}

const USAGE = `Usage:
  weft eval <files…> [options]        run the evals exported by .ts/.js files
  weft eval compare <a> <b> [options] compare two runs (run ids in the store, or JSON report files)
  weft eval history <eval> [options]  list stored runs of an eval, newest first (--variant filters)

Options:
  --store <url>        Weft store (libsql file: or postgres:) for history; default $WEFT_STORE_URL
  --variant <name>     variant name stored with the runs (default "default")
  --baseline <ref>     compare against a baseline: "latest", "latest:<variant>", a run id, or a JSON report file
  --fail-on-regression compare: exit 1 when any scorer regressed significantly (adjusted p-value)
  --alpha <x>          significance level in (0, 1) (default 0.05)
  --test <name>        permutation (default) or sign
  --correction <name>  holm (default), bh / benjamini-hochberg, bonferroni or none
  --interval <name>    t (default), bca or percentile
  --seed <s>           seed of the statistics (default fixed)
  --allow-different-evals  compare runs of different evals
  --trials <n>         trials per item        --concurrency <n>  items in flight
  --json <path>        write the JSON report ("-" for stdout)
  --junit <path>       write JUnit XML        --html <path>      write the HTML report
  --filter <text>      only evals whose name contains <text>
  -h, --help           show this help
Exit code: 0 when all evals ran and every threshold passed, 1 when a threshold failed, 2 on usage or load errors.`;

/**
 * Runs the eval CLI with `argv` (without the node and script paths) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runEvalCli(['evals/support.eval.ts', '--baseline', 'latest', '--html', 'eval.html']);
 * ```
 */
export async function runEvalCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const storeUrl = values.store ?? env.WEFT_STORE_URL;
  let store: EvalStore | undefined;
  let closeStore: (() => Promise<void>) | undefined;
  try {
    if (storeUrl) {
      const source = await (io.openStore ?? defaultOpenStore)(storeUrl);
      store = createEvalStore(source);
      closeStore = source.close?.bind(source);
    }
    if (positionals[0] === 'history') {
      return await historyCommand(positionals.slice(1), values, { out, err, cwd, store });
    }
    if (positionals[0] === 'compare') {
      return await compareCommand(positionals.slice(1), values, { out, err, cwd, store });
    }
    return await runCommand(positionals[0] === 'run' ? positionals.slice(1) : positionals, values, {
      out,
      err,
      cwd,
      store,
    });
  } catch (e) {
    const code = e instanceof WeftEvalError ? ` [${e.code}]` : '';
    err.write(`weft eval: ${(e as Error).message}${code}\n`);
    return 2;
  } finally {
    await closeStore?.();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      variant: { type: 'string' },
      baseline: { type: 'string' },
      trials: { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'string' },
      junit: { type: 'string' },
      html: { type: 'string' },
      filter: { type: 'string' },
      'fail-on-regression': { type: 'boolean' },
      alpha: { type: 'string' },
      test: { type: 'string' },
      correction: { type: 'string' },
      interval: { type: 'string' },
      seed: { type: 'string' },
      'allow-different-evals': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Values = ReturnType<typeof parse>['values'];
interface Ctx {
  out: NonNullable<CliIo['stdout']>;
  err: NonNullable<CliIo['stderr']>;
  cwd: string;
  store: EvalStore | undefined;
}

async function defaultOpenStore(url: string): Promise<EvalStoreSource & { close?(): Promise<void> }> {
  const store = createStore({ url });
  await store.init();
  return store;
}

function usage(message: string): never {
  throw new WeftEvalError('EVAL_CLI_USAGE', `${message}\n\n${USAGE}`);
}

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    usage(`Expected --${name} to be an integer from 1 and up, got ${JSON.stringify(value)}.`);
  return n;
}

/** Loads the eval definitions a module exports (default, named, or arrays of them). */
export async function loadEvalFile(file: string): Promise<EvalDefinition[]> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const defs: EvalDefinition[] = [];
  for (const value of Object.values(mod)) {
    for (const v of Array.isArray(value) ? value : [value]) if (isEvalDefinition(v) && !defs.includes(v)) defs.push(v);
  }
  return defs;
}

async function runCommand(files: string[], values: Values, ctx: Ctx): Promise<number> {
  if (files.length === 0) usage('Expected at least one eval file.');
  const runs: EvalRun[] = [];
  const comparisons: Comparison[] = [];
  const thresholds: { runId: string; result: ThresholdResult }[] = [];
  let failed = false;
  for (const file of files) {
    const path = resolve(ctx.cwd, file);
    const defs = (await loadEvalFile(path)).filter((d) => !values.filter || d.name.includes(values.filter));
    if (defs.length === 0)
      ctx.err.write(
        `weft eval: ${file} exports no defineEval(...) results${values.filter ? ` matching "${values.filter}"` : ''}\n`,
      );
    for (const def of defs) {
      const baseline = values.baseline ? await resolveBaseline(values.baseline, def.name, ctx) : undefined;
      const trials = intOption(values.trials, 'trials');
      const concurrency = intOption(values.concurrency, 'concurrency');
      const run = await runEval(def, {
        ...(values.variant ? { variant: values.variant } : {}),
        ...(trials ? { trials } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(ctx.store ? { store: ctx.store } : {}),
        progress: ctx.err,
      });
      runs.push(run);
      ctx.out.write(`${formatRun(run)}\n`);
      let cmp: Comparison | undefined;
      if (baseline) {
        cmp = compare(baseline, run, compareOptions(values));
        comparisons.push(cmp);
        ctx.out.write(`\n${formatComparison(cmp)}\n`);
      } else if (values.baseline) {
        ctx.out.write(`(no baseline run found for ${def.name}; thresholds relative to a baseline are skipped)\n`);
      }
      const result = checkThresholds(run, def.thresholds ?? {}, cmp);
      thresholds.push({ runId: run.id, result });
      if (result.checked.length > 0) ctx.out.write(`${formatThresholds(result)}\n`);
      if (!result.passed) failed = true;
      ctx.out.write('\n');
    }
  }
  await writeReports(values, ctx, { runs, comparisons, thresholds });
  if (failed) ctx.err.write('weft eval: thresholds failed\n');
  return failed ? 1 : 0;
}

async function resolveBaseline(ref: string, evalName: string, ctx: Ctx): Promise<EvalRun | undefined> {
  if (/\.json$/i.test(ref)) {
    const report = await readReport(resolve(ctx.cwd, ref));
    return report.runs.filter((r) => r.evalName === evalName).at(-1);
  }
  if (!ctx.store)
    usage(`Expected --store (or $WEFT_STORE_URL) to find baseline ${JSON.stringify(ref)}, or pass a JSON report file.`);
  if (ref === 'latest') return ctx.store.latestRun(evalName);
  if (ref.startsWith('latest:')) return ctx.store.latestRun(evalName, { variant: ref.slice('latest:'.length) });
  const run = await ctx.store.getRun(ref);
  if (!run) usage(`Expected a stored run with id ${ref}, but none exists.`);
  return run;
}

async function readReport(path: string): Promise<EvalReport> {
  let parsed: EvalReport;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as EvalReport;
  } catch (cause) {
    throw new WeftEvalError(
      'EVAL_CLI_USAGE',
      `Expected a JSON eval report (from --json) at ${path}, but it could not be read or parsed.`,
      { cause },
    );
  }
  if (parsed.format !== 'weft-eval-report@1' || !Array.isArray(parsed.runs)) {
    throw new WeftEvalError(
      'EVAL_CLI_USAGE',
      `Expected ${path} to be a weft-eval-report@1 document written by --json.`,
    );
  }
  return parsed;
}

/** `ref` is a run id in the store, `file.json` (last run in it) or `file.json#variant`. */
async function resolveRun(ref: string, ctx: Ctx): Promise<EvalRun> {
  const [file, variant] = ref.split('#') as [string, string | undefined];
  if (/\.json$/i.test(file)) {
    const report = await readReport(resolve(ctx.cwd, file));
    const run = variant ? report.runs.find((r) => r.variant === variant || r.id === variant) : report.runs.at(-1);
    if (!run) usage(`Expected a run${variant ? ` of variant ${variant}` : ''} in ${file}, but found none.`);
    return run;
  }
  if (!ctx.store) usage(`Expected --store (or $WEFT_STORE_URL) to load run ${ref}, or pass a JSON report file.`);
  const run = await ctx.store.getRun(ref);
  if (!run) usage(`Expected a stored run with id ${ref}, but none exists.`);
  return run;
}

async function compareCommand(refs: string[], values: Values, ctx: Ctx): Promise<number> {
  if (refs.length !== 2) usage(`Expected two runs to compare, got ${refs.length}.`);
  const a = await resolveRun(refs[0] as string, ctx);
  const b = await resolveRun(refs[1] as string, ctx);
  const cmp = compare(a, b, compareOptions(values));
  ctx.out.write(`${formatComparison(cmp)}\n`);
  await writeReports(values, ctx, { runs: [a, b], comparisons: [cmp], thresholds: [] });
  return values['fail-on-regression'] && cmp.scorers.some((s) => s.verdict === 'regressed') ? 1 : 0;
}

/** The statistics options of `compare` from the command line (validated: bad values are usage errors). */
function compareOptions(values: Values): CompareOptions {
  const options: CompareOptions = {};
  if (values.alpha !== undefined) {
    const alpha = Number(values.alpha);
    if (!(alpha > 0 && alpha < 1))
      usage(`Expected --alpha to be a number in (0, 1), got ${JSON.stringify(values.alpha)}.`);
    options.alpha = alpha;
  }
  if (values.test !== undefined) {
    if (values.test !== 'permutation' && values.test !== 'sign')
      usage(`Expected --test permutation or sign, got ${JSON.stringify(values.test)}.`);
    options.test = values.test;
  }
  if (values.correction !== undefined) {
    const ok = ['holm', 'bh', 'benjamini-hochberg', 'bonferroni', 'none'];
    if (!ok.includes(values.correction))
      usage(`Expected --correction ${ok.join(', ')}, got ${JSON.stringify(values.correction)}.`);
    options.correction = values.correction as Correction;
  }
  if (values.interval !== undefined) {
    if (!['t', 'bca', 'percentile'].includes(values.interval))
      usage(`Expected --interval t, bca or percentile, got ${JSON.stringify(values.interval)}.`);
    options.interval = values.interval as IntervalMethod;
  }
  if (values.seed !== undefined) options.seed = values.seed;
  if (values['allow-different-evals']) options.allowDifferentEvals = true;
  return options;
}

async function historyCommand(args: string[], values: Values, ctx: Ctx): Promise<number> {
  if (args.length !== 1) usage(`Expected one eval name for history, got ${args.length}.`);
  if (!ctx.store) usage('Expected --store (or $WEFT_STORE_URL) to read eval history.');
  const runs = await ctx.store.listRuns({
    evalName: args[0] as string,
    ...(values.variant ? { variant: values.variant } : {}),
    limit: 50,
  });
  ctx.out.write(`${formatHistory(runs)}\n`);
  return 0;
}

async function writeReports(
  values: Values,
  ctx: Ctx,
  parts: { runs: EvalRun[]; comparisons: Comparison[]; thresholds: { runId: string; result: ThresholdResult }[] },
): Promise<void> {
  const write = async (path: string, text: string) => {
    if (path === '-') {
      ctx.out.write(text);
      return;
    }
    const full = resolve(ctx.cwd, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
    ctx.err.write(`wrote ${full}\n`);
  };
  if (values.json) await write(values.json, `${JSON.stringify(toJsonReport(parts), null, 2)}\n`);
  if (values.junit) {
    const thresholdsByRun = Object.fromEntries(parts.thresholds.map((t) => [t.runId, t.result]));
    await write(values.junit, toJUnit(parts.runs, { thresholdsByRun }));
  }
  if (values.html) await write(values.html, toHtmlReport(parts));
}
