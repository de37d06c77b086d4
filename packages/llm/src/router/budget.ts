/**
 * Budgets per run, per workflow and per UTC day, in dollars and in tokens. A call reserves its
 * estimate (cost, input tokens, output tokens) before it is made and settles to the actual figures
 * afterwards; the check and the reservation happen in one synchronous step, so concurrent calls
 * cannot together pass a limit. Spent amounts are loaded from the store once per budget key (per
 * process), then kept up to date in memory.
 */
import { type BudgetScope, type BudgetUnit, BudgetExceededError } from '../errors/errors.js';
import type { UsageQuery, UsageStore } from '../store/usage-store.js';

/** Token limits of one budget scope. Each is checked on its own; omit the ones you do not need. */
export interface TokenLimits {
  /** Input (prompt) tokens, cached ones included. */
  input?: number;
  /** Output tokens (text and reasoning). */
  output?: number;
  /** Input plus output tokens. */
  total?: number;
}

/**
 * Spending limits, in USD and in tokens. A call whose estimate does not fit what is left is refused
 * with `BudgetExceededError` before anything is sent.
 *
 * Dollar budgets need a price for every model a call can be routed to: a model without one is
 * refused with `BudgetUnpricedModelError` when a dollar budget applies (see `unpricedModels`).
 * Token budgets count tokens as the provider reports them, priced or not.
 */
export interface BudgetOptions {
  perRunUsd?: number;
  perWorkflowUsd?: number;
  perDayUsd?: number;
  /** Token limits per run (calls with a `runId`). */
  perRunTokens?: TokenLimits;
  /** Token limits per workflow id (calls with a `workflowId`). */
  perWorkflowTokens?: TokenLimits;
  /** Token limits per UTC day (every call). */
  perDayTokens?: TokenLimits;
  /**
   * What a dollar budget does with a candidate model that has no price. `'error'` (default): the
   * call is refused with `BudgetUnpricedModelError` — its cost would count as $0 and the budget
   * could not stop it. `'count-as-zero'`: the call goes ahead, counts $0, and the router emits an
   * `unpriced-model` event (the behaviour before 0.2).
   */
  unpricedModels?: 'error' | 'count-as-zero';
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

/** A call's figures: what a budget reserves before the call and settles after it. */
export interface BudgetAmounts {
  usd: number;
  inputTokens: number;
  outputTokens: number;
}

interface Account {
  spent: BudgetAmounts;
  reserved: BudgetAmounts;
  loaded?: Promise<void>;
}

/** A reservation: settle it exactly once with the actual figures. */
export interface Reservation {
  settle(actual: BudgetAmounts): void;
}

interface Scope {
  scope: BudgetScope;
  key: string;
  query: UsageQuery;
  usd?: number;
  tokens?: TokenLimits;
}

const zero = (): BudgetAmounts => ({ usd: 0, inputTokens: 0, outputTokens: 0 });
const SCOPES = [
  ['run', 'perRunUsd', 'perRunTokens'],
  ['workflow', 'perWorkflowUsd', 'perWorkflowTokens'],
  ['day', 'perDayUsd', 'perDayTokens'],
] as const;

function measure(unit: BudgetUnit, a: BudgetAmounts): number {
  switch (unit) {
    case 'usd':
      return a.usd;
    case 'input-tokens':
      return a.inputTokens;
    case 'output-tokens':
      return a.outputTokens;
    case 'total-tokens':
      return a.inputTokens + a.outputTokens;
  }
}

/** Sums of `costUsd`, input and output tokens of the stored calls matching `query`. */
async function loadSpent(store: UsageStore, query: UsageQuery): Promise<BudgetAmounts> {
  if (store.sumUsage) {
    const s = await store.sumUsage(query);
    return { usd: s.costUsd, inputTokens: s.inputTokens, outputTokens: s.outputTokens };
  }
  const out = zero();
  for (const c of await store.listCalls(query)) {
    out.usd += c.costUsd;
    out.inputTokens += c.inputTokens;
    out.outputTokens += c.outputTokens;
  }
  return out;
}

export class BudgetLedger {
  readonly #store: UsageStore;
  readonly #options: BudgetOptions;
  readonly #now: () => number;
  readonly #accounts = new Map<string, Account>();

  constructor(store: UsageStore, options: BudgetOptions, now: () => number) {
    for (const [, usdKey, tokensKey] of SCOPES) {
      const v = options[usdKey];
      if (v !== undefined && !(typeof v === 'number' && v >= 0))
        throw new TypeError(`Expected budgets.${usdKey} to be a number of USD from 0 up, got ${v}`);
      const t = options[tokensKey];
      if (t === undefined) continue;
      if (t === null || typeof t !== 'object')
        throw new TypeError(`Expected budgets.${tokensKey} to be { input?, output?, total? }, got ${String(t)}`);
      for (const k of Object.keys(t)) {
        const n = (t as Record<string, unknown>)[k];
        if (!['input', 'output', 'total'].includes(k))
          throw new TypeError(`Unknown key budgets.${tokensKey}.${k}; expected input, output or total`);
        if (n !== undefined && !(typeof n === 'number' && Number.isFinite(n) && n >= 0))
          throw new TypeError(
            `Expected budgets.${tokensKey}.${k} to be a number of tokens from 0 up, got ${String(n)}`,
          );
      }
    }
    const u = options.unpricedModels;
    if (u !== undefined && u !== 'error' && u !== 'count-as-zero')
      throw new TypeError(`Expected budgets.unpricedModels to be 'error' or 'count-as-zero', got ${String(u)}`);
    this.#store = store;
    this.#options = options;
    this.#now = now;
  }

  /** True when any budget (dollars or tokens) is configured. */
  get active(): boolean {
    const o = this.#options;
    return SCOPES.some(
      ([, usd, tokens]) => o[usd] !== undefined || Object.values(o[tokens] ?? {}).some((v) => typeof v === 'number'),
    );
  }

  /** The dollar budgets that apply to a call of `subject` (empty when none). */
  usdScopes(subject: BudgetSubject): BudgetScope[] {
    return this.#scopes(subject)
      .filter((s) => s.usd !== undefined)
      .map((s) => s.scope);
  }

  /** Whether an unpriced model under a dollar budget is an error (the default) or counts $0. */
  get refuseUnpriced(): boolean {
    return (this.#options.unpricedModels ?? 'error') === 'error';
  }

  #scopes(subject: BudgetSubject): Scope[] {
    const o = this.#options;
    const out: Scope[] = [];
    for (const [scope, usdKey, tokensKey] of SCOPES) {
      const usd = o[usdKey];
      const tokens = o[tokensKey];
      if (usd === undefined && tokens === undefined) continue;
      let key: string | undefined;
      let query: UsageQuery;
      if (scope === 'run') {
        key = subject.runId;
        query = { runId: subject.runId };
      } else if (scope === 'workflow') {
        key = subject.workflowId;
        query = { workflowId: subject.workflowId };
      } else {
        key = new Date(this.#now()).toISOString().slice(0, 10);
        const since = Date.parse(`${key}T00:00:00.000Z`);
        query = { since, until: since + 86_400_000 };
      }
      if (!key) continue;
      out.push({ scope, key, query, ...(usd === undefined ? {} : { usd }), ...(tokens ? { tokens } : {}) });
    }
    return out;
  }

  /** Reserves `estimate` in every applicable budget or throws {@link BudgetExceededError}. */
  async reserve(subject: BudgetSubject, estimate: BudgetAmounts): Promise<Reservation> {
    const scopes = this.#scopes(subject);
    const accounts = await Promise.all(
      scopes.map(async (s) => {
        const id = `${s.scope}:${s.key}`;
        let acc = this.#accounts.get(id);
        if (!acc) {
          const fresh: Account = { spent: zero(), reserved: zero() };
          fresh.loaded = loadSpent(this.#store, s.query).then((v) => {
            fresh.spent.usd += v.usd;
            fresh.spent.inputTokens += v.inputTokens;
            fresh.spent.outputTokens += v.outputTokens;
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
      const committed: BudgetAmounts = {
        usd: acc.spent.usd + acc.reserved.usd,
        inputTokens: acc.spent.inputTokens + acc.reserved.inputTokens,
        outputTokens: acc.spent.outputTokens + acc.reserved.outputTokens,
      };
      const limits: [BudgetUnit, number | undefined][] = [
        ['usd', s.usd],
        ['input-tokens', s.tokens?.input],
        ['output-tokens', s.tokens?.output],
        ['total-tokens', s.tokens?.total],
      ];
      for (const [unit, limit] of limits) {
        if (limit === undefined) continue;
        const c = measure(unit, committed);
        const e = measure(unit, estimate);
        if (c + e > limit + (unit === 'usd' ? 1e-12 : 0)) {
          throw new BudgetExceededError({
            scope: s.scope,
            key: s.key,
            unit,
            limit,
            committed: c,
            estimate: e,
            limitUsd: s.usd ?? Number.POSITIVE_INFINITY,
            committedUsd: committed.usd,
            estimateUsd: estimate.usd,
          });
        }
      }
    });
    for (const acc of accounts) {
      acc.reserved.usd += estimate.usd;
      acc.reserved.inputTokens += estimate.inputTokens;
      acc.reserved.outputTokens += estimate.outputTokens;
    }
    let settled = false;
    return {
      settle(actual) {
        if (settled) return;
        settled = true;
        for (const acc of accounts) {
          acc.reserved.usd -= estimate.usd;
          acc.reserved.inputTokens -= estimate.inputTokens;
          acc.reserved.outputTokens -= estimate.outputTokens;
          acc.spent.usd += actual.usd;
          acc.spent.inputTokens += actual.inputTokens;
          acc.spent.outputTokens += actual.outputTokens;
        }
      },
    };
  }
}
