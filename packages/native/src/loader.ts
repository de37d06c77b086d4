/**
 * Picks the backend: the Rust addon (`weft-native.<platform>.node` at the package root) when it
 * loads, else the TypeScript implementation, keeping the reason. `WEFT_NATIVE=0` forces js.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { jsBackend } from './backend/js.js';
import { createNativeBackend, isBinding } from './backend/native.js';
import type { Backend } from './backend/types.js';

/** `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`… as @napi-rs/cli names its outputs. */
export function platformTriple(): string {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return `linux-${arch}-${header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** Path of the addon for this platform. Both src/loader.ts and dist/index.js sit one level below the root. */
export function addonPath(): string {
  return fileURLToPath(new URL(`../weft-native.${platformTriple()}.node`, import.meta.url));
}

export interface Loaded {
  backend: Backend;
  reason: string;
}

/** Loads the raw addon, or returns why it could not. */
export function loadBinding(file: string = addonPath()): { binding: unknown } | { error: string } {
  if (!existsSync(file))
    return { error: `addon not built: ${file} does not exist (run \`pnpm --filter @weft/native build:addon\`)` };
  try {
    const require = createRequire(import.meta.url);
    return { binding: require(file) };
  } catch (err) {
    return { error: `addon failed to load from ${file}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function load(env: Record<string, string | undefined> = process.env, file: string = addonPath()): Loaded {
  if (env.WEFT_NATIVE === '0') return { backend: jsBackend, reason: 'WEFT_NATIVE=0 forces the js backend' };
  const got = loadBinding(file);
  if ('error' in got) return { backend: jsBackend, reason: got.error };
  if (!isBinding(got.binding))
    return { backend: jsBackend, reason: 'addon loaded but lacks the expected exports (stale build?)' };
  return { backend: createNativeBackend(got.binding), reason: `addon ${file} loaded` };
}
