/**
 * Error classes of @weft/llm. Every error has a stable `code`, an optional `cause` and a `toJSON()`
 * that survives `JSON.stringify` (so a failed call can be stored on a run). `instanceof` works across
 * copies of the library through a registry symbol (see `Symbol.hasInstance` below).
 */

const brand = Symbol.for('weft.llm.error');

/** Stable machine-readable codes of every @weft/llm error. */
export type LlmErrorCode =
  | 'LLM_BUDGET_EXCEEDED'
  | 'LLM_BUDGET_UNPRICED_MODEL'
  | 'LLM_NO_PROVIDER_AVAILABLE'
  | 'LLM_PROVIDER_ERROR'
  | 'LLM_UNKNOWN_ROUTE'
  | 'LLM_UNKNOWN_PROVIDER'
  | 'LLM_INVALID_CONFIG';

/**
 * Base class of all @weft/llm errors.
 *
 * @example
 * ```ts
 * try { await generateText({ model: router.model('default'), prompt }) }
 * catch (e) { if (e instanceof WeftLlmError) console.log(e.code, e.toJSON()) }
 * ```
 */
export class WeftLlmError extends Error {
  /** Stable code, e.g. `LLM_BUDGET_EXCEEDED`. */
  readonly code: LlmErrorCode;
  declare readonly cause?: unknown;
  readonly [brand] = true;

  constructor(code: LlmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  // `this` is the class `instanceof` was called on: the base checks the cross-copy brand, subclasses
  // keep the ordinary prototype check.
  /**
   * Backs `instanceof`. On `WeftLlmError` itself it is a brand check, so errors thrown by a duplicate
   * copy of @weft/llm (e.g. two versions in `node_modules`) still match; on subclasses it is the
   * ordinary prototype check.
   *
   * @param value - The left-hand side of `instanceof`.
   * @returns Whether `value` is an error of this class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: must distinguish the base from subclasses
    if (this === WeftLlmError) {
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
    }
    // biome-ignore lint/complexity/noThisInStatic: see above
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** A plain-data view: name, code, message, cause (recursively) and the subclass's details. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...this.details(),
      cause: serializeCause(this.cause),
    };
  }

  /** Extra fields for `toJSON()`; subclasses override. */
  protected details(): Record<string, unknown> {
    return {};
  }
}

function serializeCause(cause: unknown): unknown {
  if (cause === undefined) return undefined;
  if (cause instanceof WeftLlmError) return cause.toJSON();
  if (cause instanceof Error) {
    const status = (cause as { statusCode?: unknown }).statusCode;
    return { name: cause.name, message: cause.message, ...(typeof status === 'number' ? { statusCode: status } : {}) };
  }
  return String(cause);
}

/** Which budget scope refused a call. */
export type BudgetScope = 'run' | 'workflow' | 'day';

/**
 * What a budget counts: US dollars, or tokens (input, output, or both together). See
 * `BudgetOptions`.
 */
export type BudgetUnit = 'usd' | 'input-tokens' | 'output-tokens' | 'total-tokens';

const unitLabel: Record<BudgetUnit, string> = {
  usd: 'USD',
  'input-tokens': 'input tokens',
  'output-tokens': 'output tokens',
  'total-tokens': 'tokens (input + output)',
};
const unitOption: Record<BudgetUnit, string> = {
  usd: 'Usd',
  'input-tokens': 'Tokens.input',
  'output-tokens': 'Tokens.output',
  'total-tokens': 'Tokens.total',
};

/**
 * The call was refused *before* it was made: its estimate (cost, or tokens: the prompt's estimated
 * input tokens and its `maxOutputTokens`) exceeds what is left of a budget. Nothing was sent to any
 * provider and nothing was spent.
 *
 * `unit`, `limit`, `committed` and `estimate` describe the budget that refused, in its unit. The
 * `…Usd` fields are the dollar view of the same scope: for a token budget `limitUsd` is the scope's
 * dollar limit, or `Infinity` when it has none.
 */
export class BudgetExceededError extends WeftLlmError {
  readonly scope: BudgetScope;
  /** Identifier of the budget (run id, workflow id, or the UTC day `YYYY-MM-DD`). */
  readonly key: string;
  /** What the refusing budget counts. */
  readonly unit: BudgetUnit;
  /** The refusing budget's limit, in `unit`. */
  readonly limit: number;
  /** Spent plus reserved by calls in flight, in `unit`, at the time of refusal. */
  readonly committed: number;
  /** This call's estimate, in `unit`. */
  readonly estimate: number;
  readonly limitUsd: number;
  /** Spent plus reserved by calls in flight, in USD, at the time of refusal. */
  readonly committedUsd: number;
  readonly estimateUsd: number;

  constructor(info: {
    scope: BudgetScope;
    key: string;
    limitUsd: number;
    committedUsd: number;
    estimateUsd: number;
    unit?: BudgetUnit;
    limit?: number;
    committed?: number;
    estimate?: number;
  }) {
    const unit = info.unit ?? 'usd';
    const limit = info.limit ?? info.limitUsd;
    const committed = info.committed ?? info.committedUsd;
    const estimate = info.estimate ?? info.estimateUsd;
    const show = (n: number) => (unit === 'usd' ? `$${fmt(n)}` : `${Math.round(n)}`);
    super(
      'LLM_BUDGET_EXCEEDED',
      unit === 'usd'
        ? `Budget for ${info.scope} "${info.key}" would be exceeded: limit $${fmt(limit)}, already committed $${fmt(committed)}, this call is estimated at $${fmt(estimate)}. ` +
            'The call was not made. Raise the budget, lower maxOutputTokens, or route to a cheaper tier.'
        : `Token budget for ${info.scope} "${info.key}" would be exceeded: limit ${show(limit)} ${unitLabel[unit]}, already committed ${show(committed)}, this call may use up to ${show(estimate)}. ` +
            `The call was not made. Raise budgets.per${info.scope === 'day' ? 'Day' : info.scope === 'run' ? 'Run' : 'Workflow'}${unitOption[unit]}, lower maxOutputTokens, or shorten the prompt.`,
    );
    this.scope = info.scope;
    this.key = info.key;
    this.unit = unit;
    this.limit = limit;
    this.committed = committed;
    this.estimate = estimate;
    this.limitUsd = info.limitUsd;
    this.committedUsd = info.committedUsd;
    this.estimateUsd = info.estimateUsd;
  }

  protected override details() {
    return {
      scope: this.scope,
      key: this.key,
      unit: this.unit,
      limit: this.limit,
      committed: this.committed,
      estimate: this.estimate,
      limitUsd: this.limitUsd,
      committedUsd: this.committedUsd,
      estimateUsd: this.estimateUsd,
    };
  }
}

/**
 * A dollar budget applies to the call, but a model the call could be routed to has no price: its
 * cost would count as $0, so the budget would refuse nothing. Refused before anything was sent.
 * Add the model to `createRouter({ prices })`, limit it with a token budget instead, or set
 * `budgets.unpricedModels: 'count-as-zero'` to accept that it is not counted.
 */
export class BudgetUnpricedModelError extends WeftLlmError {
  /** The candidate models without a price (`provider/model`). */
  readonly models: string[];
  /** The dollar budgets that apply to the call. */
  readonly scopes: BudgetScope[];

  constructor(models: string[], scopes: BudgetScope[]) {
    super(
      'LLM_BUDGET_UNPRICED_MODEL',
      `A dollar budget (${scopes.map((s) => `per ${s}`).join(', ')}) applies to this call, but ${models.map((m) => `"${m}"`).join(', ')} ${models.length === 1 ? 'has' : 'have'} no price, so ${models.length === 1 ? 'its' : 'their'} cost would count as $0 and the budget could not stop spending. ` +
        `The call was not made. Add ${models.length === 1 ? 'it' : 'them'} to createRouter({ prices: { '${models[0]}': { input, output } } }) (USD per million tokens), use a token budget (budgets.perRunTokens, …), or set budgets.unpricedModels: 'count-as-zero'.`,
    );
    this.models = models;
    this.scopes = scopes;
  }

  protected override details() {
    return { models: this.models, scopes: this.scopes };
  }
}

/** One attempt in a fallback chain, as reported by errors and call records. */
export interface AttemptInfo {
  /** `provider/model`. */
  model: string;
  outcome: 'ok' | 'error' | 'skipped-cooldown' | 'timeout';
  /** HTTP status if the provider returned one. */
  status?: number;
  error?: string;
  latencyMs: number;
}

/** A provider failed with a non-retryable error (400, 401, 403, 404, invalid request…). It names the provider. */
export class ProviderError extends WeftLlmError {
  readonly provider: string;
  /** `provider/model`. */
  readonly model: string;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(info: { provider: string; model: string; status?: number; retryable: boolean; cause: unknown }) {
    const causeMessage = info.cause instanceof Error ? info.cause.message : String(info.cause);
    super(
      'LLM_PROVIDER_ERROR',
      `Provider "${info.provider}" (model ${info.model}) failed${info.status ? ` with HTTP ${info.status}` : ''}: ${causeMessage}. ` +
        (info.retryable
          ? 'The error is retryable; all retries were used.'
          : 'This error is not retryable (a bad request or credentials problem), so no fallback was tried: fix the request or the provider configuration.'),
      { cause: info.cause },
    );
    this.provider = info.provider;
    this.model = info.model;
    this.status = info.status;
    this.retryable = info.retryable;
  }

  protected override details() {
    return { provider: this.provider, model: this.model, status: this.status, retryable: this.retryable };
  }
}

/** Every candidate of a route failed with retryable errors or is cooling down. */
export class NoProviderAvailableError extends WeftLlmError {
  readonly route: string;
  readonly attempts: AttemptInfo[];

  constructor(info: { route: string; attempts: AttemptInfo[]; cause?: unknown }) {
    const list = info.attempts
      .map((a) => `${a.model}: ${a.outcome}${a.status ? ` ${a.status}` : ''}${a.error ? ` (${a.error})` : ''}`)
      .join('; ');
    super(
      'LLM_NO_PROVIDER_AVAILABLE',
      `No provider could serve route "${info.route}": ${list || 'no candidates'}. Add another candidate to the route, wait for the cooldown, or check the providers' status.`,
      { cause: info.cause },
    );
    this.route = info.route;
    this.attempts = info.attempts;
  }

  protected override details() {
    return { route: this.route, attempts: this.attempts };
  }
}

/** A route name or model id that the router does not know. */
export class UnknownRouteError extends WeftLlmError {
  readonly requested: string;
  constructor(requested: string, known: string[]) {
    super(
      'LLM_UNKNOWN_ROUTE',
      `Unknown route or model "${requested}". Expected a route name (${known.join(', ') || 'none configured'}) or a "provider/model" id.`,
    );
    this.requested = requested;
  }
  protected override details() {
    return { requested: this.requested };
  }
}

/** A `provider/model` id whose provider was not passed to `createRouter({ providers })`. */
export class UnknownProviderError extends WeftLlmError {
  readonly provider: string;
  constructor(provider: string, modelId: string, known: string[]) {
    super(
      'LLM_UNKNOWN_PROVIDER',
      `Model "${modelId}" names provider "${provider}", which is not configured. Known providers: ${known.join(', ')}. Add it to createRouter({ providers }).`,
    );
    this.provider = provider;
  }
  protected override details() {
    return { provider: this.provider };
  }
}

/** The options passed to a factory are invalid. */
export class InvalidLlmConfigError extends WeftLlmError {
  constructor(message: string) {
    super('LLM_INVALID_CONFIG', message);
  }
}

function fmt(n: number): string {
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
