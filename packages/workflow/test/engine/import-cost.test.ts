/**
 * What a plain import costs: the package loads kysely, the Postgres and libsql drivers, croner,
 * @weft/native and node:crypto only when something uses them (bench/suites/memory.ts measures
 * the RSS). Run in a child process, so nothing else in the test process has loaded them already.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const HOOKS = fileURLToPath(new URL('../../../../scripts/ts-hooks.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/import-cost-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'weft-import-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazy loading', () => {
  it('loads kysely, drivers, croner, @weft/native and node:crypto only once they are used', () => {
    const r = spawnSync(process.execPath, ['--import', HOOKS, CHILD, dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout);
    const none = { kysely: false, pg: false, libsql: false, croner: false, native: false, crypto: false };
    expect(seen.afterImport).toEqual(none);
    // An in-memory run needs a UUID (node:crypto) and a sha256 for commit(); nothing else.
    expect(seen.afterRun).toEqual({ ...none, crypto: true });
    // A file store: the libsql driver, and kysely for its migrations.
    expect(seen.afterStore).toEqual({ ...none, crypto: true, libsql: true, kysely: true });
    expect(seen.afterDag).toEqual({ ...none, crypto: true, libsql: true, kysely: true, native: true });
  });
});
