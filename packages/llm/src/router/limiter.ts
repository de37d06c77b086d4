/**
 * Per-provider limits: concurrent calls, requests per minute and tokens per minute. Callers wait in
 * FIFO order until a slot is free; token use is reserved from the estimate and corrected afterwards.
 */

/** Limits for one provider. All optional; an absent limit is unlimited. */
export interface ProviderLimits {
  /** Calls in flight at once. */
  concurrency?: number;
  /** Calls started per rolling 60 s. */
  requestsPerMinute?: number;
  /** Tokens (estimated at start, corrected at the end) per rolling 60 s. */
  tokensPerMinute?: number;
}

const WINDOW_MS = 60_000;

interface Waiter {
  tokens: number;
  resolve: (release: (actualTokens?: number) => void) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class ProviderLimiter {
  readonly #limits: ProviderLimits;
  readonly #now: () => number;
  #active = 0;
  readonly #starts: number[] = [];
  readonly #tokens: { at: number; n: number }[] = [];
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(limits: ProviderLimits, now: () => number) {
    for (const [k, v] of Object.entries(limits)) {
      if (v !== undefined && !(typeof v === 'number' && v >= 1))
        throw new TypeError(`Expected limits.${k} to be a number from 1 and up, got ${v}`);
    }
    this.#limits = limits;
    this.#now = now;
  }

  /** Waits for a slot; resolves to a release function taking the actual token count. */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<(actualTokens?: number) => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = { tokens: estimatedTokens, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #prune(now: number): void {
    while (this.#starts.length && (this.#starts[0] as number) <= now - WINDOW_MS) this.#starts.shift();
    while (this.#tokens.length && (this.#tokens[0] as { at: number }).at <= now - WINDOW_MS) this.#tokens.shift();
  }

  /** 0 if a call estimated at `tokens` may start now, else ms until it might. */
  #waitFor(tokens: number, now: number): number {
    const { concurrency, requestsPerMinute, tokensPerMinute } = this.#limits;
    if (concurrency !== undefined && this.#active >= concurrency) return Number.POSITIVE_INFINITY; // woken by a release
    if (requestsPerMinute !== undefined && this.#starts.length >= requestsPerMinute)
      return (this.#starts[0] as number) + WINDOW_MS - now;
    if (tokensPerMinute !== undefined && this.#tokens.length > 0) {
      const used = this.#tokens.reduce((s, t) => s + t.n, 0);
      if (used + tokens > tokensPerMinute) return (this.#tokens[0] as { at: number }).at + WINDOW_MS - now;
    }
    return 0;
  }

  #pump(): void {
    const now = this.#now();
    this.#prune(now);
    while (this.#queue.length) {
      const head = this.#queue[0] as Waiter;
      const wait = this.#waitFor(head.tokens, now);
      if (wait > 0) {
        if (Number.isFinite(wait) && !this.#timer) {
          this.#timer = setTimeout(
            () => {
              this.#timer = undefined;
              this.#pump();
            },
            Math.max(1, wait),
          );
        }
        return;
      }
      this.#queue.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      this.#active++;
      this.#starts.push(now);
      const entry = { at: now, n: head.tokens };
      this.#tokens.push(entry);
      let released = false;
      head.resolve((actual) => {
        if (released) return;
        released = true;
        this.#active--;
        if (actual !== undefined) entry.n = actual;
        this.#pump();
      });
    }
  }

  get active(): number {
    return this.#active;
  }
}
