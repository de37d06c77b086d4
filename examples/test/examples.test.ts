/**
 * Runs every example as a real child process, non-interactively, so none of them rots: each must
 * exit 0 and print its characteristic line. New example folders (examples/<name>/main.ts) are
 * picked up automatically; an example without an entry in EXPECT must still exit 0 and print.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bunBin,
  describeResult,
  discoverExamples,
  examplesDir,
  missingBuilds,
  runNodeTs,
  runProcess,
  tempDir,
} from './run-example.js';

/** What each example must print (a characteristic line), and any environment it needs. */
const EXPECT: Record<string, { line: RegExp; env?: Record<string, string> }> = {
  quickstart: { line: /^severity: high$/m },
  'branch-and-parallel': { line: /^checks: lint=ok test=ok audit=ok → ship$/m },
  'suspend-resume': { line: /^process B: run \S+ finished: success/m },
  'postgres-workers': { line: /^all \d+ runs completed: \d+ by worker 1, \d+ by worker 2$/m },
  'enqueue-and-follow': { line: /#\d+ run:success\nresult: Labelled "Issue #42" as feature \(worker pid \d+\)$/m },
  'approval-inbox': { line: /\S/, env: { WEFT_EXAMPLE_AUTO: '1' } },
  'eval-ab': { line: /\S/ },
  'router-fallbacks': { line: /\S/ },
  tracing: { line: /^trace [0-9a-f]{32} \(\d+ spans, 1 trace\):$/m },
};

/** Runs under Bun, not Node (see the Bun test below). */
const BUN_ONLY = new Set(['bun-quickstart']);

const examples = discoverExamples();

describe('examples', () => {
  it('finds the examples the docs link to', () => {
    const names = examples.map((e) => e.name);
    for (const name of ['quickstart', 'branch-and-parallel', 'suspend-resume', 'postgres-workers', 'bun-quickstart']) {
      expect(names).toContain(name);
    }
  });

  for (const example of examples.filter((e) => !BUN_ONLY.has(e.name))) {
    it(`${example.name} runs under Node and prints its result`, async () => {
      const spec = EXPECT[example.name] ?? { line: /\S/ };
      const r = await runNodeTs(example.entry, [], {
        cwd: tempDir(),
        env: { CI: '1', WEFT_EXAMPLE_AUTO: '1', ...spec.env },
        timeoutMs: 45_000,
      });
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stdout, describeResult(r)).toMatch(spec.line);
    });
  }

  // Bun runs the same quickstart against the built packages (CI builds before the tests).
  const missing = missingBuilds(['workflow', 'native']);
  it.skipIf(missing.length > 0)(
    `bun-quickstart runs under Bun${missing.length ? ` — SKIPPED: no build of ${missing.join(', ')}; run \`pnpm build\` first` : ''}`,
    async () => {
      const r = await runProcess(bunBin, [join(examplesDir, 'bun-quickstart/main.ts')], {
        cwd: tempDir(),
        env: { CI: '1' },
        timeoutMs: 45_000,
      });
      expect(r.code, describeResult(r)).toBe(0);
      expect(r.stdout, describeResult(r)).toMatch(/^severity: high \(Bun \d+\.\d+\.\d+\)$/m);
    },
  );
});
