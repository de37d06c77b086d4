/**
 * The backends every shared test runs against: js always; native when the addon builds here. When
 * cargo is on PATH and the addon is missing or older than the Rust sources, it is (re)built first.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsBackend } from '../../src/backend/js.js';
import type { Backend } from '../../src/backend/types.js';
import { addonPath, load } from '../../src/loader.js';

export const pkgRoot = fileURLToPath(new URL('../..', import.meta.url));

export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function newestRustSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestRustSource(p));
    else if (e.name.endsWith('.rs')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function ensureAddon(): void {
  if (process.env.WEFT_NATIVE === '0' || !hasCommand('cargo')) return;
  let built = 0;
  try {
    built = statSync(addonPath()).mtimeMs;
  } catch {
    built = 0;
  }
  const src = Math.max(newestRustSource(join(pkgRoot, 'src')), statSync(join(pkgRoot, 'Cargo.toml')).mtimeMs);
  if (built >= src) return;
  const r = spawnSync(process.execPath, [join(pkgRoot, 'scripts/build-addon.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the addon failed:\n${r.stdout}\n${r.stderr}`);
}

ensureAddon();
const loaded = load({ ...process.env, WEFT_NATIVE: undefined });

/** The native backend, or undefined (with the reason) when the addon is not available here. */
export const nativeBackend: Backend | undefined = loaded.backend.name === 'native' ? loaded.backend : undefined;
export const nativeReason = loaded.reason;

/** CI sets WEFT_EXPECT_NATIVE=1 where cargo exists: then a missing addon is a failure, not a skip. */
if (!nativeBackend && (process.env.WEFT_EXPECT_NATIVE === '1' || hasCommand('cargo'))) {
  throw new Error(`cargo is available but the native backend did not load: ${nativeReason}`);
}

export const backends: Backend[] = nativeBackend ? [jsBackend, nativeBackend] : [jsBackend];
export { jsBackend };
