/**
 * The docs check (scripts/docs-check.mjs, also a CI stage): it finds dead links and code blocks
 * that no longer compile — proven on a fixture with one of each — and the repo's own docs have
 * no dead links.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, repo, runProcess, tempDir } from './run-example.js';

const check = join(repo, 'scripts/docs-check.mjs');

describe('docs check', () => {
  it('reports a dead link, a missing anchor, a ts block that does not compile and a nocheck opt-out; compiles fragments with their prelude', async () => {
    const dir = tempDir('weft-docs-check-');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub/target.md'), '# Target\n\n## Real heading\n');
    writeFileSync(
      join(dir, 'page.md'),
      [
        '# Page',
        '',
        'Good: [target](sub/target.md#real-heading), [web](https://example.invalid/x).',
        'Dead: [missing](sub/missing.md) and [anchor](sub/target.md#no-such-heading).',
        '',
        '```ts',
        "import { createMemoryStore } from '@weft/workflow';",
        'const store = createMemoryStore();',
        'await store.init();',
        '```',
        '',
        '```ts',
        "const n: number = 'not a number';",
        '```',
        '',
        '```ts nocheck',
        'this is not TypeScript at all',
        '```',
        '',
        '<!-- docs-check prelude',
        'declare const runId: string;',
        '-->',
        '```ts',
        'const id: string = runId;',
        '```',
        '',
        '<!-- docs-check prelude',
        'declare const count: number;',
        '-->',
        '```ts',
        'const wrong: string = count;',
        '```',
        '',
      ].join('\n'),
    );
    const r = await runProcess(process.execPath, [check, join(dir, 'page.md')], { timeoutMs: 60_000 });
    expect(r.code, describeResult(r)).toBe(1);
    expect(r.stdout).toMatch(/3 relative links in 1 files, 2 broken/);
    expect(r.stdout).toMatch(/page\.md:4: link "sub\/missing\.md" → .*sub\/missing\.md does not exist/);
    expect(r.stdout).toMatch(/page\.md:4: link "sub\/target\.md#no-such-heading" → no heading #no-such-heading/);
    // 4 blocks compiled (2 with a prelude); errors: the bad block, the nocheck opt-out, the bad fragment.
    expect(r.stdout).toMatch(/4 ts code blocks typechecked, 3 errors/);
    expect(r.stdout).toMatch(/page\.md:13:\d+: error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.stdout).toMatch(/page\.md:16: a ```ts block may not opt out with nocheck/);
    // The error of a fragment points at its line in the Markdown, not at the prelude's.
    expect(r.stdout).toMatch(/page\.md:31:\d+: error TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it('the README, docs/ and the examples index have no dead links', async () => {
    const r = await runProcess(process.execPath, [check, '--links-only'], { timeoutMs: 60_000 });
    expect(r.code, describeResult(r)).toBe(0);
    expect(r.stdout).toMatch(/docs-check: \d+ relative links in \d+ files, 0 broken/);
  });
});
