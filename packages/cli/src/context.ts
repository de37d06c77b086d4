/** What every command receives: output streams, environment, and the store it works on. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createStore, DEFAULT_STORE_URL, type KyselyStore } from '@weft/workflow';
import { StoreMissingError } from './errors.js';

/** A stream the CLI writes to: `process.stdout`, `process.stderr`, or a test double. */
export interface OutputStream {
  /** Writes one chunk of text. */
  write(chunk: string): unknown;
  /** True when the stream is a terminal. */
  isTTY?: boolean;
}

/** Where the CLI writes and what it reads from its environment; injectable for tests. */
export interface CliIo {
  /** Standard output (default `process.stdout`). */
  stdout?: OutputStream;
  /** Standard error (default `process.stderr`). */
  stderr?: OutputStream;
  /** Environment variables (default `process.env`); `WEFT_DB_URL` selects the store. */
  env?: Record<string, string | undefined>;
  /** Working directory that relative store paths resolve against (default `process.cwd()`). */
  cwd?: string;
  /** Stops long-running commands (`weft studio`) like SIGINT does. */
  signal?: AbortSignal;
}

/** Resolved I/O plus the store URL, shared by the commands. */
export interface CommandContext {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The store URL in effect: `--db`, else `WEFT_DB_URL`, else `file:.weft/weft.db`. */
  dbUrl: string;
  /** Opens the store (once); fails with a hint when a local file does not exist yet. */
  store(): Promise<KyselyStore>;
  close(): Promise<void>;
}

/** The local file a libsql URL points to, or undefined for `:memory:`, remote and Postgres URLs. */
export function localFileOf(url: string, cwd: string): string | undefined {
  if (url === ':memory:' || url.startsWith('file::memory:')) return undefined;
  let path: string | undefined;
  if (url.startsWith('file://')) path = new URL(url).pathname;
  else if (url.startsWith('file:')) path = url.slice('file:'.length).split('?')[0];
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) path = url;
  if (path === undefined) return undefined;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Store options for a non-file URL. A Postgres URL may name the schema the app's store uses, as
 * `?schema=<name>` (the same `schema` option as `createStore`); it is taken off the URL.
 */
export function postgresOptions(url: string): { url: string; schema?: string } {
  if (!/^postgres(ql)?:\/\//.test(url)) return { url };
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema) return { url };
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/** Builds the context for one CLI invocation. */
export function createContext(io: CliIo, dbFlag: string | undefined): CommandContext {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  // Empty values count as unset.
  const dbUrl = dbFlag || env.WEFT_DB_URL || DEFAULT_STORE_URL;
  let opened: KyselyStore | undefined;
  return {
    out: (text) => void stdout.write(`${text}\n`),
    err: (text) => void stderr.write(`${text}\n`),
    env,
    cwd,
    dbUrl,
    async store() {
      if (opened) return opened;
      const file = localFileOf(dbUrl, cwd);
      if (file !== undefined && !existsSync(file)) {
        throw new StoreMissingError(dbUrl, file);
      }
      // Relative file URLs resolve against the process cwd inside createStore: make them absolute.
      opened = createStore(file !== undefined ? { url: `file:${file}` } : postgresOptions(dbUrl));
      await opened.init();
      return opened;
    },
    async close() {
      await opened?.close();
      opened = undefined;
    },
  };
}
