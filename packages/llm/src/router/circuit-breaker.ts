/**
 * Per-provider circuit breaker. After `failureThreshold` consecutive retryable failures the provider is
 * *open* (skipped) for `cooldownMs`; then it is *half-open*: exactly one call is let through as a probe.
 * A successful probe closes the circuit, a failed one opens it again.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of the per-provider cooldown. */
export interface CooldownOptions {
  /** Consecutive retryable failures that open the circuit (default 3). */
  failureThreshold?: number;
  /** How long an open circuit skips the provider before a half-open probe, in ms (default 30 000). */
  cooldownMs?: number;
}

/** A provider's circuit, as reported by `router.health()`. */
export interface ProviderHealth {
  state: CircuitState;
  consecutiveFailures: number;
  /** Epoch ms when an open circuit allows a probe. */
  retryAt?: number;
  /** Times the circuit has opened. */
  opened: number;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  #opened = 0;

  constructor(options: CooldownOptions, now: () => number) {
    this.#threshold = options.failureThreshold ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = now;
    if (!(this.#threshold >= 1))
      throw new TypeError(`Expected cooldown.failureThreshold to be a number from 1 and up, got ${this.#threshold}`);
  }

  /** Whether a call may go to the provider now. In half-open state only the first caller gets `true`. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#now() - this.#openedAt < this.#cooldownMs) return false;
      this.#state = 'half-open';
      this.#probing = false;
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** The provider answered (successfully, or with a non-retryable error that proves it is up). */
  onSuccess(): void {
    this.#failures = 0;
    this.#probing = false;
    this.#state = 'closed';
  }

  /** A retryable failure. Returns true if this failure opened the circuit. */
  onFailure(): boolean {
    this.#failures++;
    this.#probing = false;
    if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
      this.#state = 'open';
      this.#openedAt = this.#now();
      this.#opened++;
      return true;
    }
    return false;
  }

  /** The call was cancelled by the caller: neither success nor failure. */
  release(): void {
    this.#probing = false;
  }

  get state(): CircuitState {
    return this.#state;
  }

  snapshot(): ProviderHealth {
    const h: ProviderHealth = { state: this.#state, consecutiveFailures: this.#failures, opened: this.#opened };
    if (this.#state === 'open') h.retryAt = this.#openedAt + this.#cooldownMs;
    return h;
  }
}
