/**
 * `node:crypto`, loaded on first use instead of at import (about 3.5 MiB of RSS): a UUID for the
 * first run or engine, a sha256 for the first `commit()`.
 */
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');
let loaded: NodeCrypto | undefined;

function nodeCrypto(): NodeCrypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto;
  return loaded;
}

/** A random v4 UUID (`crypto.randomUUID()`). */
export function randomUUID(): string {
  return nodeCrypto().randomUUID();
}

/** The hex sha256 of `text`. */
export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}
