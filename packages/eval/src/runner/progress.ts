/** A one-line progress bar on a TTY; silent otherwise (CI logs stay clean). */

/** Minimal writable stream shape. */
export interface ProgressStream {
  /** Writes a chunk (the bar redraws with `\r`); the return value is ignored. */
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Progress reporter used by the runner. */
export interface Progress {
  tick(): void;
  done(): void;
}

/** Creates a progress bar on `stream` when it is a TTY (or `force`), else a no-op. */
export function createProgress(
  label: string,
  total: number,
  stream: ProgressStream | undefined,
  force = false,
): Progress {
  if (!stream || (!stream.isTTY && !force) || total === 0) return { tick() {}, done() {} };
  let count = 0;
  const started = Date.now();
  const draw = () => {
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - 30));
    const filled = Math.round((count / total) * width);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    stream.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${count}/${total} ${secs}s`);
  };
  draw();
  return {
    tick() {
      count++;
      draw();
    },
    done() {
      stream.write('\n');
    },
  };
}
