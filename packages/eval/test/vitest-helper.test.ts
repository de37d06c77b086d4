/**
 * `@weft/eval/vitest`: describeEval declares a passing suite here; a failing threshold is checked
 * in a child vitest process (a failing test cannot be asserted from inside the same run).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineEval } from '../src/define/define-eval.js';
import { exactMatch } from '../src/scorers/text.js';
import { describeEval } from '../src/vitest.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const runs: number[] = [];

describeEval(
  defineEval({
    name: 'doubling',
    data: [1, 2, 3].map((n) => ({ input: n, expected: n * 2 })),
    task: (n: number) => n * 2,
    scorers: [exactMatch()],
    thresholds: { exactMatch: { min: 1 } },
  }),
  { onRun: (run) => void runs.push(run.summary.scorers.exactMatch?.mean ?? -1) },
);

describe('describeEval', () => {
  it('ran the declared eval before this test', () => {
    expect(runs).toEqual([1]);
  });

  it('fails the vitest test when a threshold fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-eval-vitest-'));
    const src = join(repo, 'packages/eval/src');
    await writeFile(
      join(dir, 'failing.test.ts'),
      `import { defineEval } from '${src}/define/define-eval.ts';
import { exactMatch } from '${src}/scorers/text.ts';
import { describeEval } from '${src}/vitest.ts';
describeEval(defineEval({ name: 'broken', data: [{ input: 1, expected: 2 }], task: (n: number) => n, scorers: [exactMatch()] }), { thresholds: { exactMatch: { min: 0.9 } } });
`,
    );
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter', 'default', '--no-color'],
        {
          cwd: dir,
          env: { ...process.env, CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(result.code, result.out).toBe(1);
    expect(result.out).toContain('eval: broken');
    expect(result.out).toContain('exactMatch: mean 0.000 < required 0.9');
  });
});
