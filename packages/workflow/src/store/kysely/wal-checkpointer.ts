/**
 * Background WAL checkpoints for a local libsql file. SQLite's automatic checkpoint runs inline on
 * the committing connection: the commit that crosses the threshold copies the WAL into the database
 * and fsyncs both files before it returns. Here the store's connection does not checkpoint (its
 * `wal_autocheckpoint` is only a safety valve at 2× the RESTART point); a worker thread with its own libsql connection to the same file (same
 * driver, same SQLite instance: its POSIX locks are shared, never dropped) watches the WAL and runs
 *  - `wal_checkpoint(PASSIVE)` once `pages` frames wait to be copied (never blocks a writer), and
 *  - `wal_checkpoint(RESTART)` once the WAL holds `restartPages` frames: PASSIVE alone cannot
 *    restart the WAL while commits keep arriving during it, so it would grow without bound. RESTART
 *    waits for the write lock (a commit waits at most for its copy of the last frames and the fsync).
 *
 * What a commit means is unchanged: durable against a process crash when it returns (it is in the
 * WAL); a checkpoint only moves committed pages from the WAL into the database file. A worker that
 * fails or exits turns the inline automatic checkpoint back on (`fallbackPages`).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { LocalSqlite } from './local-sqlite.js';

/** Checkpoints the workers of this process ran, and how many workers failed (tests read it; never reset). */
export const walCheckpointStats = { passive: 0, restart: 0, fallbacks: 0 };

/** Settings of {@link startBackgroundCheckpoint}. */
export interface BackgroundCheckpointOptions {
  /** WAL frames not yet copied into the database that start a PASSIVE checkpoint. */
  pages: number;
  /** WAL frames (copied or not) that start a RESTART checkpoint. */
  restartPages: number;
  /** The store connection's `synchronous` (a checkpoint fsyncs under NORMAL and above). */
  synchronous: string;
  /**
   * Busy timeout of the worker's connection in ms: how long RESTART waits for the write lock (while
   * it holds the checkpoint lock, which the safety valve then cannot take) before it gives up and
   * tries again on the next poll.
   */
  busyTimeoutMs: number;
  /** `wal_autocheckpoint` set on the store's connection if the worker fails. */
  fallbackPages: number;
}

/** A running background checkpointer. */
export interface BackgroundCheckpoint {
  /** Whether the worker still checkpoints (false after it failed: the inline checkpoint is back on). */
  readonly active: boolean;
  /** Checkpoints the worker reported so far (tests read it). */
  readonly stats: { passive: number; restart: number };
  /** Stops the worker (after a checkpoint in progress) and waits for it to exit. */
  close(): Promise<void>;
  /** Test hook: ends the worker as a crash would. */
  crashForTest(): Promise<void>;
}

/**
 * The worker: reads the WAL-index header (the `-shm` file, SQLite's documented format: mxFrame at
 * byte 16, nBackfill at byte 96, native byte order) with one 104-byte read per poll; when the header
 * cannot be read (no `-shm`, another WAL format) it runs PASSIVE every 100 ms and reads the WAL size
 * from its result. Polls every 5 ms while the WAL grows, backing off to 100 ms when idle.
 */
const WORKER_SOURCE = `
const { workerData: w, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const le = require('node:os').endianness() === 'LE';
const Database = require(w.libsql);
const db = new Database(w.path, { timeout: w.busyTimeoutMs });
db.exec('PRAGMA busy_timeout = ' + w.busyTimeoutMs);
db.exec('PRAGMA synchronous = ' + w.synchronous);
db.exec('PRAGMA wal_autocheckpoint = 0');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw(true);
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)').raw(true);
const buf = Buffer.alloc(104);
let fd = -1;
function header() {
  try {
    if (fd < 0) fd = fs.openSync(w.path + '-shm', 'r');
    if (fs.readSync(fd, buf, 0, 104, 0) < 104) return undefined;
  } catch { return undefined; }
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  if (u32(0) !== 3007000 || buf[12] !== 1) return undefined;
  return { frames: u32(16), backfilled: u32(96) };
}
let timer;
let delay = 5;
let lastFrames = -1;
let blindAt = 0;
function tick() {
  const h = header();
  let frames;
  if (h) {
    frames = h.frames;
    if (h.frames - h.backfilled >= w.pages) {
      passive.get([]);
      parentPort.postMessage('passive');
    }
  } else if (Date.now() - blindAt >= 100) {
    blindAt = Date.now();
    frames = passive.get([])[1];
    parentPort.postMessage('passive');
  }
  if (frames !== undefined && frames >= w.restartPages) {
    restart.get([]);
    parentPort.postMessage('restart');
  }
  if (frames !== undefined && frames !== lastFrames) delay = 5;
  else delay = Math.min(100, delay * 2);
  if (frames !== undefined) lastFrames = frames;
  timer = setTimeout(tick, delay);
}
parentPort.on('message', (m) => {
  if (m === 'crash') throw new Error('checkpoint worker crash (test)');
  if (m !== 'stop') return;
  clearTimeout(timer);
  if (fd >= 0) fs.closeSync(fd);
  db.close();
  process.exit(0);
});
parentPort.postMessage('ready');
tick();
`;

/**
 * Turns off the automatic checkpoint of `sqlite`'s connection and starts the worker. Undefined (and
 * the automatic checkpoint left on) when the worker cannot start.
 */
export function startBackgroundCheckpoint(
  sqlite: LocalSqlite,
  options: BackgroundCheckpointOptions,
): BackgroundCheckpoint | undefined {
  let worker: Worker;
  try {
    const libsql = createRequire(import.meta.url).resolve('libsql');
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { libsql, path: sqlite.path, ...options },
    });
  } catch {
    return undefined;
  }
  // A safety valve, not the checkpoint: if the worker falls behind (starved of CPU on a busy
  // machine), the commit that finds the WAL this long checkpoints inline, as without the worker.
  sqlite.db.exec(`PRAGMA wal_autocheckpoint = ${Math.floor(options.restartPages * 2)}`);
  let active = true;
  let stopping = false;
  const stats = { passive: 0, restart: 0 };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    if (!active) return;
    active = false;
    if (!stopping) walCheckpointStats.fallbacks++;
    // The store's connection checkpoints inline again; after close() it is closed, nothing to do.
    if (!stopping) sqlite.db.exec(`PRAGMA wal_autocheckpoint = ${Math.floor(options.fallbackPages)}`);
  };
  worker.on('message', (m: unknown) => {
    if (m === 'passive') {
      stats.passive++;
      walCheckpointStats.passive++;
    } else if (m === 'restart') {
      stats.restart++;
      walCheckpointStats.restart++;
    }
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return {
    get active() {
      return active;
    },
    stats,
    async close() {
      if (stopping) return exited;
      stopping = true;
      if (!active) return exited;
      // Awaiting an unref'd worker's exit keeps nothing alive: ref it until it has exited.
      worker.ref();
      worker.postMessage('stop');
      // A checkpoint in progress finishes first (its fsyncs); a stuck worker is ended after 10 s.
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      timer.unref();
      await exited;
      clearTimeout(timer);
    },
    async crashForTest() {
      worker.ref();
      worker.postMessage('crash');
      await exited;
    },
  };
}
