/**
 * The CLI in-process (runEvalCli with a libsql history) and as a child process (the bin entry
 * run from sources through scripts/ts-hooks.mjs): exit codes, baseline comparison, reports.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, SqliteDialect } from 'kysely';
import Database from 'libsql';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvalCli } from '../src/cli/run-cli.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const evalFile = (drop: number, min = 0.5) => `
import { defineEval, defineScorer, exactMatch } from '@weft/eval';
const items = Array.from({ length: 30 }, (_, i) => ({ id: 'q' + i, input: i, expected: i % 7 }));
export const mod7 = defineEval({
  name: 'cli-demo',
  data: items,
  task: (n: number) => (n < ${drop} ? -1 : n % 7),
  scorers: [exactMatch(), defineScorer('closeness', ({ output, expected }) => 1 - Math.abs((output as number) - (expected as number)) / 7)],
  thresholds: { exactMatch: { min: ${min}, noSignificantDrop: true } },
});
export const notAnEval = 42;
`;

function capture() {
  let text = '';
  return {
    stream: {
      write: (s: string) => {
        text += s;
        return true;
      },
      isTTY: false,
    },
    text: () => text,
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weft-eval-cli-'));
  await writeFile(join(dir, 'good.eval.ts'), evalFile(0));
  await writeFile(join(dir, 'bad.eval.ts'), evalFile(12));
  await writeFile(join(dir, 'strict.eval.ts'), evalFile(0, 1.1));
});

describe('runEvalCli in-process', () => {
  it('stores history, compares against the latest baseline, writes reports and exits 1 on a regression', async () => {
    const db = new Kysely<any>({
      dialect: new SqliteDialect({ database: new Database(join(dir, 'history.db')) as never }),
    });
    const io = (out: ReturnType<typeof capture>, err: ReturnType<typeof capture>) => ({
      stdout: out.stream,
      stderr: err.stream,
      cwd: dir,
      env: {},
      openStore: async () => ({ db }),
    });
    const out1 = capture();
    const err1 = capture();
    const code1 = await runEvalCli(
      ['good.eval.ts', '--store', 'test', '--variant', 'v1', '--json', 'out/good.json', '--baseline', 'latest'],
      io(out1, err1),
    );
    expect(code1, err1.text()).toBe(0);
    expect(out1.text()).toContain('cli-demo · v1 · 30 items');
    expect(out1.text()).toContain('no baseline run found');

    const out2 = capture();
    const err2 = capture();
    const code2 = await runEvalCli(
      [
        'bad.eval.ts',
        '--store',
        'test',
        '--variant',
        'v2',
        '--baseline',
        'latest',
        '--json',
        'out/bad.json',
        '--junit',
        'out/junit.xml',
        '--html',
        'out/report.html',
      ],
      io(out2, err2),
    );
    expect(code2).toBe(1);
    expect(out2.text()).toMatch(/exactMatch .*▼ regressed/);
    expect(out2.text()).toContain('✗ exactMatch: change vs baseline');
    expect(err2.text()).toContain('thresholds failed');

    const report = JSON.parse(await readFile(join(dir, 'out/bad.json'), 'utf8'));
    expect(report.format).toBe('weft-eval-report@1');
    expect(report.comparisons[0].scorers[0]).toMatchObject({ scorer: 'exactMatch', verdict: 'regressed' });
    const junit = await readFile(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="cli-demo \(v2\)" tests="32" failures="13"/); // 12 wrong items + the failed noSignificantDrop rule
    expect(await readFile(join(dir, 'out/report.html'), 'utf8')).toContain('<svg class="chart interval"');

    // compare two JSON reports (no store needed), and two stored run ids.
    const out3 = capture();
    expect(
      await runEvalCli(['compare', 'out/good.json', 'out/bad.json'], {
        stdout: out3.stream,
        stderr: capture().stream,
        cwd: dir,
        env: {},
      }),
    ).toBe(0);
    expect(out3.text()).toContain('cli-demo: v1 (A) → v2 (B)');
    const quiet = { stdout: capture().stream, stderr: capture().stream, cwd: dir, env: {} };
    expect(await runEvalCli(['compare', 'out/good.json', 'out/bad.json', '--fail-on-regression'], quiet)).toBe(1);
    expect(await runEvalCli(['compare', 'out/bad.json', 'out/good.json', '--fail-on-regression'], quiet)).toBe(0);

    // statistics options: --alpha, --test, --correction, --interval, --seed; bad values are usage errors (exit 2).
    const outStats = capture();
    expect(
      await runEvalCli(
        [
          'compare',
          'out/good.json',
          'out/bad.json',
          '--alpha',
          '0.1',
          '--test',
          'sign',
          '--correction',
          'bh',
          '--interval',
          'bca',
          '--seed',
          '7',
          '--json',
          'out/cmp.json',
        ],
        { stdout: outStats.stream, stderr: capture().stream, cwd: dir, env: {} },
      ),
    ).toBe(0);
    expect(outStats.text()).toContain('sign test, benjamini-hochberg correction, α = 0.1');
    const cmpReport = JSON.parse(await readFile(join(dir, 'out/cmp.json'), 'utf8'));
    expect(cmpReport.comparisons[0]).toMatchObject({ alpha: 0.1, test: 'sign', correction: 'benjamini-hochberg' });
    expect(cmpReport.comparisons[0].scorers[0].ci.method).toBe('bca');
    expect(cmpReport.comparisons[0].scorers[0]).toHaveProperty('adjustedPValue');
    for (const bad of [
      ['--alpha', '2'],
      ['--alpha', 'x'],
      ['--test', 'ttest'],
      ['--correction', 'fdr'],
      ['--interval', 'wide'],
    ]) {
      const e = capture();
      expect(
        await runEvalCli(['compare', 'out/good.json', 'out/bad.json', ...bad], { ...quiet, stderr: e.stream }),
      ).toBe(2);
      expect(e.text()).toContain(`Expected ${bad[0]}`);
    }

    // latest:<variant> picks the newest run of that variant (v1), not the newest overall (v2).
    const out5 = capture();
    expect(
      await runEvalCli(
        ['good.eval.ts', '--store', 'test', '--variant', 'v3', '--baseline', 'latest:v1'],
        io(out5, capture()),
      ),
    ).toBe(0);
    expect(out5.text()).toContain('cli-demo: v1 (A) → v3 (B)');

    const out6 = capture();
    expect(await runEvalCli(['history', 'cli-demo', '--store', 'x'], io(out6, capture()))).toBe(0);
    expect(out6.text()).toMatch(/^cli-demo: 3 run\(s\)/);
    const variants = out6.text().trim().split('\n').slice(3);
    expect(variants.map((l) => l.split(/\s+/)[1])).toEqual(['v3', 'v2', 'v1']);
    const out7 = capture();
    expect(await runEvalCli(['history', 'cli-demo', '--store', 'x', '--variant', 'v2'], io(out7, capture()))).toBe(0);
    expect(out7.text()).toMatch(/^cli-demo: 1 run\(s\)/);
    const ids = [JSON.parse(await readFile(join(dir, 'out/good.json'), 'utf8')).runs[0].id, report.runs[0].id];
    const out4 = capture();
    expect(await runEvalCli(['compare', ...ids, '--store', 'x'], io(out4, capture()))).toBe(0);
    expect(out4.text()).toBe(out3.text());
    await db.destroy();
  });

  it('exits 2 on usage errors and 0 for --help', async () => {
    const err = capture();
    expect(await runEvalCli([], { stdout: capture().stream, stderr: err.stream, cwd: dir, env: {} })).toBe(2);
    expect(err.text()).toContain('Expected at least one eval file');
    const err2 = capture();
    expect(
      await runEvalCli(['good.eval.ts', '--trials', 'zero'], {
        stdout: capture().stream,
        stderr: err2.stream,
        cwd: dir,
        env: {},
      }),
    ).toBe(2);
    expect(err2.text()).toContain('--trials');
    expect(await runEvalCli(['--bogus'], { stdout: capture().stream, stderr: capture().stream, env: {} })).toBe(2);
    expect(
      await runEvalCli(['compare', 'a.json'], {
        stdout: capture().stream,
        stderr: capture().stream,
        cwd: dir,
        env: {},
      }),
    ).toBe(2);
    const out = capture();
    expect(await runEvalCli(['--help'], { stdout: out.stream, env: {} })).toBe(0);
    expect(out.text()).toContain('weft eval compare');
  });
});

describe('weft-eval bin as a child process', () => {
  const runBin = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', join(repo, 'scripts/ts-hooks.mjs'), join(repo, 'packages/eval/src/cli.ts'), ...args],
        {
          cwd: dir,
          env: { ...process.env, WEFT_STORE_URL: '', FORCE_COLOR: '0' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('exits 0 when thresholds pass and 1 when an absolute threshold fails', async () => {
    const ok = await runBin(['good.eval.ts', '--json', '-']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('"format": "weft-eval-report@1"');
    const strict = await runBin(['strict.eval.ts']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('✗ exactMatch: mean 1.000 < required 1.1');
  });

  it('keeps history in a Weft store (--store file:…) and fails on a regression against --baseline latest', async () => {
    const store = `file:${join(dir, 'bin-history.db')}`;
    const first = await runBin(['good.eval.ts', '--store', store, '--variant', 'main']);
    expect(first.code, first.stderr).toBe(0);
    const second = await runBin(['bad.eval.ts', '--store', store, '--variant', 'pr-42', '--baseline', 'latest']);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('cli-demo: main (A) → pr-42 (B)');
    expect(second.stdout).toMatch(/exactMatch .*▼ regressed/);
  });
});
