/**
 * Run ids: UUIDv7 (RFC 9562), time-ordered. The run id leads the primary key of the run and of
 * every step, event and suspension row, so a new run's rows land at the right edge of each b-tree
 * (pages already in the cache) instead of on a random page of a file that holds months of history.
 *
 * Monotonic within a process, with the layout and counter of `uuid`'s v7: 48 bits of Unix ms, then
 * a 31-bit counter (seeded at random each new millisecond, incremented within one; on overflow the
 * timestamp moves on by 1 ms), then random bits. Written here rather than calling `uuid` because
 * the run id is on every `start()`: this draws randomness from a 4 KiB pool (one `randomFillSync`
 * per ~400 ids instead of per 16), allocates no byte arrays, writes the timestamp digits once per
 * millisecond, and returns a flat string (a concatenation would keep a tree of string pieces alive
 * with every stored run).
 */
import { createRequire } from 'node:module';

// node:crypto (about 3.5 MiB of RSS) loads with the first run id, not at import.
let fill: ((b: Uint8Array) => void) | undefined;
const pool = new Uint8Array(4096);
/** Bytes of the pool each id uses: 4 to seed the counter (on a new ms) + 6 random. */
const USE = 10;
let at = pool.length;

/** The two hex digits (char codes) of every byte. */
const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = (i + 0x100).toString(16);
  HEX[2 * i] = h.charCodeAt(1);
  HEX[2 * i + 1] = h.charCodeAt(2);
}
/** The id being written, as latin1 characters. */
const out = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
const put = (p: number, byte: number): void => {
  out[p] = HEX[2 * byte] as number;
  out[p + 1] = HEX[2 * byte + 1] as number;
};

let msecs = Number.NEGATIVE_INFINITY;
let seq = 0;

/** Writes `xxxxxxxx-xxxx` (the 48-bit timestamp) of `ms`. */
function writeTime(ms: number): void {
  put(0, (ms / 0x10000000000) & 0xff);
  put(2, (ms / 0x100000000) & 0xff);
  put(4, (ms / 0x1000000) & 0xff);
  put(6, (ms / 0x10000) & 0xff);
  put(9, (ms / 0x100) & 0xff);
  put(11, ms & 0xff);
}

/** A new run id: a time-ordered UUIDv7 string. */
export function newRunId(): string {
  if (at > pool.length - USE) {
    fill ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomFillSync;
    fill(pool);
    at = 0;
  }
  const r = pool;
  const o = at;
  at += USE;
  const now = Date.now();
  if (now > msecs) {
    seq = ((r[o] as number) << 23) | ((r[o + 1] as number) << 16) | ((r[o + 2] as number) << 8) | (r[o + 3] as number);
    msecs = now;
    writeTime(msecs);
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) writeTime(++msecs);
  }
  const s = seq;
  // Bytes 6–9: the version (7), the counter's high bits, the variant (10xx); byte 10: the
  // counter's low 2 bits and 2 random ones; bytes 11–15: random.
  put(14, 0x70 | ((s >>> 28) & 0x0f));
  put(16, (s >>> 20) & 0xff);
  put(19, 0x80 | ((s >>> 14) & 0x3f));
  put(21, (s >>> 6) & 0xff);
  put(24, ((s << 2) & 0xff) | ((r[o + 4] as number) & 0x03));
  put(26, r[o + 5] as number);
  put(28, r[o + 6] as number);
  put(30, r[o + 7] as number);
  put(32, r[o + 8] as number);
  put(34, r[o + 9] as number);
  return out.toString('latin1');
}
