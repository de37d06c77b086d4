// The performance goals the benchmarks are held to (issue #18), each tied to the row of
// bench/results/latest.json that measures it and to the peers' rows of the same case in the same run.
// scripts/bench-doc.mjs turns them into the "Goals" table of docs/benchmarks.md: goal, Weft's value,
// met or not, the best peer. Nothing here is a measurement; a goal whose row is missing from the run
// says so.

/**
 * @typedef {{ suite: string, case: string, impl: string }} RowRef
 * @typedef {{
 *   goal: string,
 *   row: RowRef,
 *   op: '>=' | '<=',
 *   target: number,
 *   unit: string,
 *   peers?: RowRef[],
 *   floor?: RowRef,
 * }} Goal
 */

const libsqlPeers = (kase) => [
  { suite: 'durable', case: kase, impl: '@mastra/core + @mastra/libsql' },
  { suite: 'durable', case: kase, impl: '@langchain/langgraph + SqliteSaver' },
];

/** @type {Goal[]} */
export const goals = [
  {
    goal: 'persisted 10-step chain on a libsql file, sequential',
    row: { suite: 'durable', case: 'persisted 10-step chain', impl: 'weft (libsql file)' },
    op: '>=',
    target: 5000,
    unit: 'runs/s',
    peers: libsqlPeers('persisted 10-step chain'),
    // What 11 bare SQLite commits allow on this machine in this run: one commit per step's ceiling.
    floor: { suite: 'durable', case: 'persisted 10-step chain', impl: 'SQLite floor (bare commits, no engine)' },
  },
  {
    goal: '100 concurrent 10-step runs on a libsql file, aggregate',
    row: { suite: 'durable', case: '100 concurrent runs, aggregate', impl: 'weft (libsql file)' },
    op: '>=',
    target: 20_000,
    unit: 'runs/s',
    peers: libsqlPeers('100 concurrent runs, aggregate'),
  },
  {
    goal: 'suspend + resume round trip on a libsql file',
    row: { suite: 'durable', case: 'suspend + resume round trip', impl: 'weft (libsql file)' },
    op: '<=',
    target: 0.2,
    unit: 'ms',
    peers: libsqlPeers('suspend + resume round trip'),
  },
  {
    goal: 'Postgres, 100 concurrent 10-step runs from one process, synchronous_commit=off',
    row: { suite: 'durable', case: '100 concurrent runs, aggregate', impl: 'weft (postgres, synchronous_commit=off)' },
    op: '>=',
    target: 2500,
    unit: 'runs/s',
  },
  {
    goal: 'Postgres, 100 concurrent 10-step runs from one process, synchronous_commit=on',
    row: { suite: 'durable', case: '100 concurrent runs, aggregate', impl: 'weft (postgres, synchronous_commit=on)' },
    op: '>=',
    target: 2500,
    unit: 'runs/s',
  },
  {
    goal: 'Postgres, 4 worker processes, aggregate, synchronous_commit=off',
    row: {
      suite: 'pg-workers',
      case: '4 worker processes, 10-step runs',
      impl: 'weft (postgres, synchronous_commit=off)',
    },
    op: '>=',
    target: 5000,
    unit: 'runs/s',
  },
  {
    goal: 'Postgres, 4 worker processes, aggregate, synchronous_commit=on',
    row: {
      suite: 'pg-workers',
      case: '4 worker processes, 10-step runs',
      impl: 'weft (postgres, synchronous_commit=on)',
    },
    op: '>=',
    target: 5000,
    unit: 'runs/s',
  },
  {
    goal: 'RSS after import',
    row: { suite: 'memory', case: 'RSS after import', impl: 'weft' },
    op: '<=',
    target: 70,
    unit: 'MiB',
    peers: [
      { suite: 'memory', case: 'RSS after import', impl: '@mastra/core' },
      { suite: 'memory', case: 'RSS after import', impl: '@langchain/langgraph' },
    ],
  },
  {
    goal: '10,000 suspended runs held by one engine',
    row: { suite: 'memory', case: '10,000 suspended runs held by one engine', impl: 'weft' },
    op: '<=',
    target: 50,
    unit: 'MiB',
    peers: [
      { suite: 'memory', case: '10,000 suspended runs held by one engine', impl: '@mastra/core' },
      { suite: 'memory', case: '10,000 suspended runs held by one engine', impl: '@langchain/langgraph' },
    ],
  },
  {
    goal: 'in memory, per step (10-step chain)',
    row: { suite: 'engine', case: '10-step chain, in memory', impl: 'weft' },
    op: '<=',
    target: 1,
    unit: 'µs/step',
    peers: [
      { suite: 'engine', case: '10-step chain, in memory', impl: '@mastra/core (InMemoryStore)' },
      { suite: 'engine', case: '10-step chain, in memory', impl: '@mastra/core (no storage)' },
      { suite: 'engine', case: '10-step chain, in memory', impl: '@langchain/langgraph' },
    ],
  },
  {
    goal: 'libsql file flat as history grows: runs/s at 1,000,000 stored runs vs empty (last window / first)',
    row: {
      suite: 'history',
      case: 'runs/s at 1,000,000 stored runs vs empty: last window / first window',
      impl: 'weft (libsql file)',
    },
    op: '>=',
    target: 90,
    unit: '%',
  },
];
