/** Spawning TypeScript child processes (Node 24 strips types; the hook maps .js → .ts and @weft/*). */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOOKS = fileURLToPath(new URL('../../../../../scripts/ts-hooks.mjs', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** Resolves when the child printed `line` (rejects if it exits first). */
  waitFor(line: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  output(): string;
}

export function spawnTs(script: string, args: string[], env: Record<string, string> = {}, cwd?: string): Child {
  const proc = spawn(process.execPath, ['--import', HOOKS, script, ...args], {
    env: { ...process.env, ...env },
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    output: () => `${out}\n--- stderr ---\n${err}`,
    waitFor(line, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.split('\n').includes(line)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`child did not print "${line}" within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`child exited (${code}) before printing "${line}":\n${out}\n${err}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          proc.off('exit', onExit);
        };
        listeners.add(check);
        proc.on('exit', onExit);
        check();
      });
    },
  };
}

/** Runs a child to completion; resolves to its stdout (rejects on a non-zero exit). */
export async function runTs(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
): Promise<string> {
  const child = spawnTs(script, args, env, cwd);
  const code = await child.exited;
  if (code !== 0) throw new Error(`child ${script} exited with ${code}:\n${child.output()}`);
  return child.output().split('\n--- stderr ---\n')[0] as string;
}
