// Figures quoted outside docs/benchmarks.md (the FAQ, durability.md, scaling.md), generated from the
// same bench results so no page repeats a stale number. Each snippet replaces the text between
// `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in its page; scripts/bench-doc.mjs writes them
// (and `--check` fails when a page differs from what the results generate).

/** Formats a figure as the benchmarks page does. */
export const fmt = (v) => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
};

const WEFT_FILE = 'weft (libsql file)';
const PG_OFF = 'weft (postgres, synchronous_commit=off)';
const PG_ON = 'weft (postgres, synchronous_commit=on)';
const MASTRA_FILE = '@mastra/core + @mastra/libsql';
const LANGGRAPH_FILE = '@langchain/langgraph + SqliteSaver';
const FLOOR = 'SQLite floor (bare commits, no engine)';

function finder(results) {
  const rows = results.rows ?? [];
  /** The value of one row, or undefined when this run did not measure it. */
  const value = (suite, kase, impl) => {
    const r = rows.find((x) => x.suite === suite && x.case === kase && x.impl === impl);
    return r && Number.isFinite(r.value) ? r : undefined;
  };
  const show = (suite, kase, impl) => {
    const r = value(suite, kase, impl);
    return r ? fmt(r.value) : '–';
  };
  /** When and where a suite's rows were measured. */
  const run = (suite) => {
    const m = results.suites?.[suite] ?? results.machine;
    return m ? `${m.date.slice(0, 10)}, ${m.cpu}, ${m.cores} cores` : 'machine not recorded';
  };
  return { value, show, run };
}

/** A number parsed out of a row's note (e.g. "11 writes/run"), or '–'. */
function fromNote(row, re) {
  const m = row?.note?.match(re);
  return m ? m[1] : '–';
}

/** The FAQ's headline comparison. */
function faq(results) {
  const { value, show, run } = finder(results);
  const bare = value('durable', 'one bare WAL commit (one-row INSERT)', FLOOR);
  const ceiling = value('durable', 'persisted 10-step chain', FLOOR);
  const md = [
    `From the committed run (durable suite: ${run('durable')}; engine: ${run('engine')}; memory: ${run('memory')}):`,
    '',
    '| case | Weft | Mastra | LangGraph.js |',
    '| --- | ---: | ---: | ---: |',
    `| 10-step chain in memory (µs per step) | ${show('engine', '10-step chain, in memory', 'weft')} | ${show('engine', '10-step chain, in memory', '@mastra/core (InMemoryStore)')} | ${show('engine', '10-step chain, in memory', '@langchain/langgraph')} |`,
  ];
  for (const [label, kase] of [
    ['persisted 10-step chain on a file (runs/s)', 'persisted 10-step chain'],
    ['suspend + resume round trip on a file (ms)', 'suspend + resume round trip'],
    ['100 runs started at once on a file (ms until all done)', '100 runs started at once'],
  ])
    md.push(
      `| ${label} | ${show('durable', kase, WEFT_FILE)} | ${show('durable', kase, MASTRA_FILE)} | ${show('durable', kase, LANGGRAPH_FILE)} |`,
    );
  md.push(
    `| RSS after import (MiB) | ${show('memory', 'RSS after import', 'weft')} | ${show('memory', 'RSS after import', '@mastra/core')} | ${show('memory', 'RSS after import', '@langchain/langgraph')} |`,
  );
  if (bare && ceiling)
    md.push(
      '',
      `In that run one bare SQLite commit cost ${fmt(bare.value)} µs (the durable suite's floor row); with 11 commits a 10-step run, such commits alone allow at most ${fmt(ceiling.value)} runs/s on that machine.`,
    );
  return md;
}

/** durability.md's table of the durable suite. */
function durability(results) {
  const { value, show, run } = finder(results);
  const both = (kase) => `${show('durable', kase, PG_OFF)} / ${show('durable', kase, PG_ON)}`;
  const writes = (impl) => fromNote(value('durable', 'persisted 10-step chain', impl), /(\d+) writes\/run/);
  return [
    `\`pnpm bench durable\` (${run('durable')}; every file in WAL + synchronous=NORMAL; medians of 5 repetitions, min–max in [benchmarks.md](benchmarks.md#durable)):`,
    '',
    '| case | Weft, libsql file | Weft, Postgres (`synchronous_commit=off` / `on`) | Mastra + LibSQLStore | LangGraph + SqliteSaver¹ |',
    '| --- | --- | --- | --- | --- |',
    `| persisted 10-step chain (runs/s) | **${show('durable', 'persisted 10-step chain', WEFT_FILE)}** | ${both('persisted 10-step chain')} | ${show('durable', 'persisted 10-step chain', MASTRA_FILE)} | ${show('durable', 'persisted 10-step chain', LANGGRAPH_FILE)} |`,
    `| suspend + resume round trip (ms) | **${show('durable', 'suspend + resume round trip', WEFT_FILE)}** | ${both('suspend + resume round trip')} | ${show('durable', 'suspend + resume round trip', MASTRA_FILE)} | ${show('durable', 'suspend + resume round trip', LANGGRAPH_FILE)} |`,
    `| 100 runs started at once (ms) | **${show('durable', '100 runs started at once', WEFT_FILE)}** | ${both('100 runs started at once')} | ${show('durable', '100 runs started at once', MASTRA_FILE)} | ${show('durable', '100 runs started at once', LANGGRAPH_FILE)} |`,
    `| writes per 10-step run | ${writes(WEFT_FILE)} | ${writes(PG_OFF)} | ${writes(MASTRA_FILE)} snapshot rewrites | ${writes(LANGGRAPH_FILE)} |`,
    `| one bare WAL commit, no engine (µs) | ${show('durable', 'one bare WAL commit (one-row INSERT)', FLOOR)} | | | |`,
  ];
}

/** scaling.md's history table. */
function history(results) {
  const { value, show, run } = finder(results);
  const big = 'persisted 10-step chain, 1,000,000 stored runs';
  const empty = 'persisted 10-step chain, 0 stored runs';
  const first = (r) => fromNote(r, /first window ([\d,.]*\d)/);
  const last = (r) => fromNote(r, /last ([\d,.]*\d) runs\/s/);
  const e = value('history', empty, WEFT_FILE);
  const b = value('history', big, WEFT_FILE);
  const cpuE = value('history', 'CPU per run, 0 stored runs', WEFT_FILE);
  const cpuB = value('history', 'CPU per run, 1,000,000 stored runs', WEFT_FILE);
  const reads = (r) => fromNote(r, /([\d.]+) read/);
  const purge = value('history', 'purge oldest 10% (100,000 runs) at 1,000,000: longest transaction', WEFT_FILE);
  const ratio = (kase) => show('history', kase, WEFT_FILE);
  return [
    `Measured ${run('history')}; every row in [benchmarks.md](./benchmarks.md#history):`,
    '',
    '| | empty file | 1,000,000 stored runs | ratio |',
    '| --- | --- | --- | --- |',
    `| runs/s, median of 5 windows | ${show('history', empty, WEFT_FILE)} | ${show('history', big, WEFT_FILE)} | ${ratio('runs/s at 1,000,000 stored runs vs empty: median / median')}% |`,
    `| runs/s, first window (empty) vs last window (1M) | ${first(e)} | ${last(b)} | ${ratio('runs/s at 1,000,000 stored runs vs empty: last window / first window')}% |`,
    `| CPU per run, ms (mean of 300 runs) | ${cpuE ? fmt(cpuE.value) : '–'} | ${cpuB ? fmt(cpuB.value) : '–'} | ${ratio('CPU per run at 1,000,000 stored runs vs empty: empty / full')}% |`,
    `| read syscalls per run | ${reads(cpuE)} | ${reads(cpuB)} | |`,
    `| purge of the oldest 100,000 runs: longest transaction | | ${purge ? `${fmt(purge.value)} ms (${fromNote(purge, /whole purge ([\d.]+ s)/)} in all)` : '–'} | |`,
  ];
}

/** observability.md's tracing overhead table. */
function tracing(results) {
  const { value, show, run } = finder(results);
  const before = results.rows?.find((r) => r.suite === 'tracing' && r.impl.startsWith('weft before tracing'))?.impl;
  const row = (kase, unit, overImpl) => {
    const over = value('tracing', kase, overImpl);
    const pct = (impl) => {
      const r = value('tracing', kase, impl);
      return r ? fmt(r.value) : '–';
    };
    return `| ${kase} (${unit}) | ${before ? pct(before) : '–'} | ${show('tracing', kase, 'weft, tracing off (no provider)')} | ${show('tracing', kase, 'weft, tracing on (SDK provider, no-op processor)')} | ${over ? `${fmt(over.value)}%` : '–'} |`;
  };
  return [
    `Measured ${run('tracing')} (CPU time, medians; every row in [benchmarks.md](benchmarks.md#tracing)):`,
    '',
    `| case | before tracing${before ? ` (${before.replace(/^weft before tracing \(|\)$/g, '')})` : ''} | tracing off (no provider) | tracing on (SDK provider, no-op processor) | off over before, median of pairs |`,
    '| --- | ---: | ---: | ---: | ---: |',
    row('10-step chain, in memory', 'µs/step', 'tracing off over previous'),
    row('fan-out of 8 parallel branches', 'runs/s', 'tracing off over previous (time per run)'),
  ];
}

/** Every snippet: the page it lives in, and its lines from the results. */
export const snippets = [
  { page: 'docs/faq.md', name: 'faq', render: faq },
  { page: 'docs/durability.md', name: 'durable', render: durability },
  { page: 'docs/scaling.md', name: 'history', render: history },
  { page: 'docs/observability.md', name: 'tracing', render: tracing },
];

/** `text` with the snippet `name` replaced by `lines`; throws when its markers are missing. */
export function inject(text, page, name, lines) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  if (a < 0 || b < a)
    throw new Error(`bench-doc: ${page} has no ${open} … ${close} markers; add them where the figures go`);
  return `${text.slice(0, a + open.length)}\n${lines.join('\n')}\n${text.slice(b)}`;
}
