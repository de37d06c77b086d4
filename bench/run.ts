// `pnpm bench`: runs every suite in bench/suites, prints one table per suite and writes
// bench/results/latest.json.
// Usage: pnpm bench [--quick] [suite-name …]
//
// Every cell runs in a fresh Node process (with --expose-gc): a suite that exports `cells` (the
// implementations it compares, e.g. ['weft', 'mastra']) is run once per cell with `{ cell }`, so no
// implementation inherits another's JIT state, heap or handles; any other suite runs in a process
// of its own. Naming some suites re-runs those and keeps the other suites' rows of the last run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

/** What a suite module exports. */
interface SuiteModule {
  default(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]>;
  /** The cells to run in separate processes; without it, the suite runs in one process. */
  cells?: readonly string[];
  /** Rows derived from every cell's rows (e.g. a ratio between two cells), computed in the parent. */
  summary?(rows: BenchRow[]): BenchRow[];
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const dir = join(import.meta.dirname, 'suites');

// A child: run one cell of one suite, write its rows to the given file.
// `--child` may come after `--quick` (the flags are not positional): take the three values after it.
const childAt = args.indexOf('--child');
if (childAt >= 0) {
  const [suite, cell, out] = args.slice(childAt + 1);
  const mod = (await import(pathToFileURL(join(dir, `${suite}.ts`)).href)) as SuiteModule;
  const rows = await mod.default({ quick, ...(cell && cell !== '-' ? { cell } : {}) });
  writeFileSync(out as string, JSON.stringify(rows));
  process.exit(0);
}

const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  platform: `${platform()}-${arch()}`,
  node: process.version,
  date: new Date().toISOString(),
};
console.log(
  `machine: ${machine.cpu} · ${machine.cores} cores · ${machine.memoryGiB} GiB · ${machine.platform} · node ${machine.node}`,
);

const tmp = mkdtempSync(join(tmpdir(), 'weft-bench-run-'));
const rows: BenchRow[] = [];
const errors: { suite: string; error: string }[] = [];
for (const file of files) {
  const suite = file.replace(/\.ts$/, '');
  process.stdout.write(`\n▶ ${suite}\n`);
  let cells: readonly string[] = ['-'];
  let summary: SuiteModule['summary'];
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as SuiteModule;
    if (mod.cells?.length) cells = mod.cells;
    summary = mod.summary;
  } catch (err) {
    errors.push({ suite, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    continue;
  }
  const out: BenchRow[] = [];
  for (const cell of cells) {
    if (cell !== '-') process.stdout.write(`  · ${cell} (fresh process)\n`);
    const result = join(tmp, `${suite}-${cell.replace(/\W/g, '_')}.json`);
    const childArgs = [
      '--expose-gc',
      ...process.execArgv.filter((a) => a !== '--expose-gc'),
      import.meta.filename,
      '--child',
      suite,
      cell,
      result,
      ...(quick ? ['--quick'] : []),
    ];
    const spawnCell = () =>
      spawnSync(process.execPath, childArgs, { stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    // One retry: a cell that fails for a reason outside it (the shared Postgres restarting) gets a
    // second fresh process; a cell that fails twice is reported as failed.
    let r = spawnCell();
    if (r.status !== 0 || !existsSync(result)) {
      process.stdout.write(`  · ${cell} failed (${r.status ?? r.signal}); retrying once in a fresh process\n`);
      r = spawnCell();
    }
    if (r.status !== 0 || !existsSync(result)) {
      errors.push({ suite, error: `${cell === '-' ? 'the suite' : `cell ${cell}`} exited ${r.status ?? r.signal}` });
      continue;
    }
    out.push(...(JSON.parse(readFileSync(result, 'utf8')) as BenchRow[]));
  }
  if (summary) out.push(...summary(out));
  rows.push(...out);
  printTable(out);
}
rmSync(tmp, { recursive: true, force: true });

// Keep the other suites' rows of the last run when only some suites were named.
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const outFile = join(import.meta.dirname, 'results', quick ? 'latest-quick.json' : 'latest.json');
const ran = new Set(files.map((f) => f.replace(/\.ts$/, '')));
// Each suite records the machine and time it ran on: a partial re-run keeps older suites' rows, and
// the page says which rows came from which run.
type Machine = typeof machine;
let kept: { rows: BenchRow[]; errors: { suite: string; error: string }[]; suites: Record<string, Machine> } = {
  rows: [],
  errors: [],
  suites: {},
};
if (only.length > 0 && existsSync(outFile)) {
  const previous = JSON.parse(readFileSync(outFile, 'utf8')) as Partial<typeof kept> & { machine?: Machine };
  const rowsKept = (previous.rows ?? []).filter((r) => !ran.has(r.suite));
  const suitesKept: Record<string, Machine> = {};
  for (const s of new Set(rowsKept.map((r) => r.suite))) {
    const m = previous.suites?.[s] ?? previous.machine;
    if (m) suitesKept[s] = m;
  }
  kept = {
    rows: rowsKept,
    errors: (previous.errors ?? []).filter((e) => !ran.has(e.suite)),
    suites: suitesKept,
  };
}
const suites: Record<string, Machine> = { ...kept.suites };
for (const s of ran) suites[s] = machine;
writeFileSync(
  outFile,
  `${JSON.stringify({ machine, quick, suites, rows: [...kept.rows, ...rows], errors: [...kept.errors, ...errors] }, null, 2)}\n`,
);
console.log(`\nwrote ${outFile} (${rows.length} rows${errors.length ? `, ${errors.length} failed suites` : ''})`);
for (const e of errors) console.error(`  suite ${e.suite} failed: ${e.error}`);
process.exit(errors.length ? 1 : 0);

function printTable(out: BenchRow[]) {
  const fmt = (v: number | null) =>
    v === null || !Number.isFinite(v)
      ? String(v)
      : Math.abs(v) >= 100
        ? v.toFixed(0)
        : Math.abs(v) >= 1
          ? v.toFixed(2)
          : v.toPrecision(3);
  const table = out.map((r) => [r.case, r.impl, `${fmt(r.value)} ${r.unit}`, r.note ?? '']);
  const head = ['case', 'impl', 'value', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const t of table) console.log(line(t));
}
