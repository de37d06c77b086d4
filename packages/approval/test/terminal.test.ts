import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { promptApproval, runApprovalCli } from '@weft/approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnly, simple } from './fixtures/workflows.js';
import { approvalOf, type DbTarget, dbTarget, type Opened, open, startSuspended } from './helpers.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  });
  return { stream, text: () => text };
}

describe('terminal interfaces (libsql)', () => {
  let target: DbTarget;
  let o: Opened;
  let dir: string;
  beforeAll(async () => {
    target = dbTarget('libsql', 'term');
    o = await open(target);
    dir = mkdtempSync(join(tmpdir(), 'weft-editor-'));
  });
  afterAll(async () => {
    await o?.close();
    await target?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('interactive prompt: edit in $EDITOR (invalid, then valid), approve with a comment', async () => {
    const runId = await startSuspended(o, simple, { customer: 'term', amount: 70 });
    const id = await approvalOf(o.service, runId);
    // A scripted "editor": the first edit breaks the schema, the second one is valid.
    const counter = join(dir, 'count');
    const editor = join(dir, 'editor.mjs');
    writeFileSync(
      editor,
      `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const n = existsSync(${JSON.stringify(counter)}) ? Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0;
writeFileSync(${JSON.stringify(counter)}, String(n + 1));
const file = process.argv[2];
const value = JSON.parse(readFileSync(file, 'utf8'));
writeFileSync(file, JSON.stringify(n === 0 ? { ...value, amount: 'seventy' } : { ...value, amount: 35 }));
`,
    );
    const input = new PassThrough();
    const out = sink();
    input.end('e\ne\na\nsplit the difference\n');
    const results = await promptApproval({
      service: o.service,
      actor: { id: 'alice' },
      id,
      input,
      output: out.stream,
      editor: `${JSON.stringify(process.execPath)} ${JSON.stringify(editor)}`,
    });
    expect(out.text()).toContain('"customer": "term"');
    expect(out.text()).toMatch(/Invalid payload:\n\s+amount: /);
    expect(out.text()).toContain('Recorded: approve → approved');
    expect(results).toHaveLength(1);
    expect(await o.store.getRun(runId)).toMatchObject({
      status: 'success',
      output: { sent: { customer: 'term', amount: 35 } },
    });
    expect((await o.service.audit(id)).at(-1)).toMatchObject({
      via: 'terminal',
      comment: 'split the difference',
      payloadAfter: { customer: 'term', amount: 35 },
    });
  });

  it('interactive prompt: reject, and skip on end of input', async () => {
    const runA = await startSuspended(o, readOnly, { customer: 'ta', amount: 1 });
    const input = new PassThrough();
    const out = sink();
    input.end('x\nr\n\n');
    const results = await promptApproval({
      service: o.service,
      actor: { id: 'alice' },
      id: await approvalOf(o.service, runA),
      input,
      output: out.stream,
    });
    expect(out.text()).toContain('Please answer');
    expect(out.text()).not.toContain('[e]dit'); // read-only gate
    expect(results[0]?.request.status).toBe('rejected');
    expect((await o.store.getRun(runA))?.status).toBe('failed');
  });

  it('non-interactive CLI for CI: exit codes 0 / 1 / 2', async () => {
    const runId = await startSuspended(o, simple, { customer: 'ci', amount: 12 });
    const id = await approvalOf(o.service, runId);
    const out = sink();
    const err = sink();
    const cli = (...argv: string[]) =>
      runApprovalCli({ service: o.service, argv, stdout: out.stream, stderr: err.stream });
    expect(await cli('list', '--json', '--actor', 'alice')).toBe(0);
    expect(out.text()).toContain(id);
    expect(await cli('approve', id)).toBe(2);
    expect(err.text()).toContain('needs --actor');
    expect(await cli('approve', id, '--actor', 'mallory')).toBe(1);
    expect(err.text()).toContain('APPROVAL_FORBIDDEN');
    expect(await cli('approve', id, '--actor', 'alice', '--payload', '{"customer":"ci","amount":-1}')).toBe(1);
    expect(err.text()).toContain('APPROVAL_VALIDATION');
    expect(
      await cli(
        'approve',
        id,
        '--actor',
        'ci-bot',
        '--groups',
        'finance',
        '--comment',
        'pipeline green',
        '--payload',
        '{"customer":"ci","amount":11}',
      ),
    ).toBe(0);
    expect(out.text()).toContain('"status":"approved"');
    expect(await o.store.getRun(runId)).toMatchObject({
      status: 'success',
      output: { sent: { customer: 'ci', amount: 11 } },
    });
    expect(await cli('reject', id, '--actor', 'alice')).toBe(1);
    expect(err.text()).toContain('APPROVAL_CLOSED');
    expect(await cli('frobnicate')).toBe(2);
  });
});
