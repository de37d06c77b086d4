/** Input checks shared by the statistical functions: a NaN must never become a confident answer. */
import { EvalStatisticsError } from '../errors/errors.js';
import { createRandom, type Random } from './prng.js';

/**
 * Throws {@link EvalStatisticsError} naming the first index whose value is not a finite number
 * (NaN, ±Infinity, `undefined`, a string …). `what` names the argument in the message.
 */
export function assertFiniteSample(values: readonly number[], fn: string, what = 'values'): void {
  if (!Array.isArray(values)) {
    throw new EvalStatisticsError(
      `Expected ${fn}(${what}) to be an array of finite numbers, but got ${typeof values}.`,
      {
        details: { function: fn, argument: what, reason: 'not-an-array' },
      },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new EvalStatisticsError(
        `Expected ${fn}(${what}) to hold finite numbers, but ${what}[${i}] is ${describe(v)}. Drop or fix errored scores before computing statistics (compare() excludes and reports them).`,
        { details: { function: fn, argument: what, reason: 'non-finite', index: i, value: describe(v) } },
      );
    }
  }
}

/** Throws {@link EvalStatisticsError} when `values` has fewer than `min` entries. */
export function assertMinLength(values: readonly number[], min: number, fn: string, what = 'values'): void {
  if (values.length < min) {
    throw new EvalStatisticsError(
      `Expected ${fn}(${what}) to have at least ${min} value${min === 1 ? '' : 's'}, but got ${values.length}.`,
      { details: { function: fn, argument: what, reason: 'too-few', n: values.length, min } },
    );
  }
}

/** The random source of `{ seed, random }` options: `random` (a function or seed) wins over `seed`. */
export function randomFrom(options: { seed?: number | string; random?: Random | number | string }): Random {
  if (typeof options.random === 'function') return options.random;
  return createRandom(options.random ?? options.seed);
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  return `${typeof v} ${JSON.stringify(v)}`;
}
