// `pnpm bench`: runs every suite in bench/suites, prints one table and writes bench/results/latest.json.
// Usage: pnpm bench [--quick] [suite-name …]
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
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

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const dir = join(import.meta.dirname, 'suites');
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

const rows: BenchRow[] = [];
const errors: { suite: string; error: string }[] = [];
for (const file of files) {
  const suite = file.replace(/\.ts$/, '');
  process.stdout.write(`\n▶ ${suite}\n`);
  try {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    const out: BenchRow[] = await mod.default({ quick });
    rows.push(...out);
    printTable(out);
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    errors.push({ suite, error: message });
    console.error(`  suite ${suite} failed: ${message}`);
  }
}

mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
const outFile = join(import.meta.dirname, 'results', quick ? 'latest-quick.json' : 'latest.json');
writeFileSync(outFile, `${JSON.stringify({ machine, quick, rows, errors }, null, 2)}\n`);
console.log(`\nwrote ${outFile} (${rows.length} rows${errors.length ? `, ${errors.length} failed suites` : ''})`);
process.exit(errors.length ? 1 : 0);

function printTable(out: BenchRow[]) {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
  const table = out.map((r) => [r.case, r.impl, `${fmt(r.value)} ${r.unit}`, r.note ?? '']);
  const head = ['case', 'impl', 'value', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const t of table) console.log(line(t));
}
