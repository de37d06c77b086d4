/**
 * Budgets per run, per workflow and per UTC day. A call reserves its cost estimate before it is made and
 * settles to the actual cost afterwards; the check and the reservation happen in one synchronous step,
 * so concurrent calls cannot together pass a limit. Spent amounts are loaded from the store once per
 * budget key (per process), then kept up to date in memory.
 */
import { type BudgetScope, BudgetExceededError } from '../errors/errors.js';
import type { UsageQuery, UsageStore } from '../store/usage-store.js';

/** Spending limits in USD. */
export interface BudgetOptions {
  perRunUsd?: number;
  perWorkflowUsd?: number;
  perDayUsd?: number;
  /**
   * When a budget applies and a call sets no `maxOutputTokens`, the router sets this many (default 1024)
   * so the estimate bounds the output. Set `false` to leave calls unchanged (the estimate then assumes
   * this many output tokens but cannot guarantee it).
   */
  defaultMaxOutputTokens?: number | false;
}

/** Who a call is attributed to. */
export interface BudgetSubject {
  runId?: string;
  workflowId?: string;
}

interface Account {
  spent: number;
  reserved: number;
  loaded?: Promise<void>;
}

/** A reservation: settle it exactly once with the actual cost. */
export interface Reservation {
  settle(actualUsd: number): void;
}

export class BudgetLedger {
  readonly #store: UsageStore;
  readonly #options: BudgetOptions;
  readonly #now: () => number;
  readonly #accounts = new Map<string, Account>();

  constructor(store: UsageStore, options: BudgetOptions, now: () => number) {
    for (const k of ['perRunUsd', 'perWorkflowUsd', 'perDayUsd'] as const) {
      const v = options[k];
      if (v !== undefined && !(typeof v === 'number' && v >= 0))
        throw new TypeError(`Expected budgets.${k} to be a number of USD from 0 up, got ${v}`);
    }
    this.#store = store;
    this.#options = options;
    this.#now = now;
  }

  get active(): boolean {
    const o = this.#options;
    return o.perRunUsd !== undefined || o.perWorkflowUsd !== undefined || o.perDayUsd !== undefined;
  }

  #scopes(subject: BudgetSubject): { scope: BudgetScope; key: string; limit: number; query: UsageQuery }[] {
    const out: { scope: BudgetScope; key: string; limit: number; query: UsageQuery }[] = [];
    const o = this.#options;
    if (o.perRunUsd !== undefined && subject.runId)
      out.push({ scope: 'run', key: subject.runId, limit: o.perRunUsd, query: { runId: subject.runId } });
    if (o.perWorkflowUsd !== undefined && subject.workflowId) {
      out.push({
        scope: 'workflow',
        key: subject.workflowId,
        limit: o.perWorkflowUsd,
        query: { workflowId: subject.workflowId },
      });
    }
    if (o.perDayUsd !== undefined) {
      const day = new Date(this.#now()).toISOString().slice(0, 10);
      const since = Date.parse(`${day}T00:00:00.000Z`);
      out.push({ scope: 'day', key: day, limit: o.perDayUsd, query: { since, until: since + 86_400_000 } });
    }
    return out;
  }

  /** Reserves `estimateUsd` in every applicable budget or throws {@link BudgetExceededError}. */
  async reserve(subject: BudgetSubject, estimateUsd: number): Promise<Reservation> {
    const scopes = this.#scopes(subject);
    const accounts = await Promise.all(
      scopes.map(async (s) => {
        const id = `${s.scope}:${s.key}`;
        let acc = this.#accounts.get(id);
        if (!acc) {
          const fresh: Account = { spent: 0, reserved: 0 };
          fresh.loaded = this.#store.sumCost(s.query).then((v) => {
            fresh.spent += v;
          });
          this.#accounts.set(id, fresh);
          acc = fresh;
        }
        await acc.loaded;
        return acc;
      }),
    );
    // From here to the end: synchronous, so the check and the reservation are atomic.
    scopes.forEach((s, i) => {
      const acc = accounts[i] as Account;
      const committed = acc.spent + acc.reserved;
      if (committed + estimateUsd > s.limit + 1e-12) {
        throw new BudgetExceededError({
          scope: s.scope,
          key: s.key,
          limitUsd: s.limit,
          committedUsd: committed,
          estimateUsd,
        });
      }
    });
    for (const acc of accounts) acc.reserved += estimateUsd;
    let settled = false;
    return {
      settle(actualUsd) {
        if (settled) return;
        settled = true;
        for (const acc of accounts) {
          acc.reserved -= estimateUsd;
          acc.spent += actualUsd;
        }
      },
    };
  }
}
