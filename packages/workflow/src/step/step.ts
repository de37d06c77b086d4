/** `step()`: defining a typed, validated unit of work. */
import type { z } from 'zod';
import { toMs } from '../util/duration.js';
import type { Resources, Step, StepOptions, StepRunArgs } from './types.js';

type MaybePromise<T> = T | Promise<T>;
type AnySchema = z.ZodType;
type In<S> = S extends AnySchema ? z.input<S> : unknown;
type Out<S> = S extends AnySchema ? z.output<S> : unknown;

/**
 * Config of a step with an output schema. `R` is what `run` returns, inferred on its own (so string
 * literals such as enum values keep their literal types when `run` takes its arguments) and then
 * checked against the output schema's input type by {@link ReturnCheck}.
 */
export interface StepConfigWithOutput<Id extends string, IS, OS extends AnySchema, SS, RS, R = z.input<OS>>
  extends StepOptions {
  id: Id;
  input?: IS;
  output: OS;
  suspendSchema?: SS;
  resumeSchema?: RS;
  /** The body: receives the parsed input, returns the output schema's input type. */
  run: (args: StepRunArgs<Out<IS>, Resources, In<SS>, Out<RS>>) => MaybePromise<R>;
}

/** Fails the call when what `run` returns does not fit the output schema (the error names the expected type). */
export type ReturnCheck<R, OS extends AnySchema> = [R] extends [z.input<OS>]
  ? unknown
  : {
      /** Shown in the compile error: what `run` must return. */
      run: (...args: never[]) => MaybePromise<z.input<OS>>;
    };

/** Config of a step whose output type is inferred from `run`. */
export interface StepConfigInferred<Id extends string, IS, O, SS, RS> extends StepOptions {
  id: Id;
  input?: IS;
  output?: undefined;
  suspendSchema?: SS;
  resumeSchema?: RS;
  /** The body: receives the parsed input; its return type is the step's output type. */
  run: (args: StepRunArgs<Out<IS>, Resources, In<SS>, Out<RS>>) => MaybePromise<O>;
}

/**
 * Defines a step. Its input type (what the previous step must produce) is the input schema's
 * *input* type; `run` receives the schema's *output* (defaults applied). Input and output are
 * validated at run time; a violation is a `StepValidationError` naming workflow, step and zod path.
 *
 * @example
 * ```ts
 * const fetchIssue = step({
 *   id: 'fetch',
 *   input: z.object({ repo: z.string() }),
 *   output: z.object({ title: z.string(), body: z.string() }),
 *   retry: { attempts: 3, backoff: 'exponential' },
 *   timeout: '30s',
 *   run: async ({ input, signal }) => fetchLatestIssue(input.repo, signal),
 * });
 * ```
 */
export function step<
  Id extends string,
  OS extends AnySchema,
  R,
  IS extends AnySchema | undefined = undefined,
  SS = undefined,
  RS = undefined,
>(config: StepConfigWithOutput<Id, IS, OS, SS, RS, R> & ReturnCheck<R, OS>): Step<Id, In<IS>, z.output<OS>, In<RS>>;
export function step<
  Id extends string,
  O,
  IS extends AnySchema | undefined = undefined,
  SS = undefined,
  RS = undefined,
>(config: StepConfigInferred<Id, IS, O, SS, RS>): Step<Id, In<IS>, Awaited<O>, In<RS>>;
export function step(
  config:
    | StepConfigInferred<string, AnySchema | undefined, unknown, unknown, unknown>
    | StepConfigWithOutput<string, unknown, AnySchema, unknown, unknown>,
): Step {
  if (typeof config !== 'object' || config === null)
    throw new TypeError('Expected step({ id, run, … }) to receive an object');
  if (typeof config.id !== 'string' || config.id === '')
    throw new TypeError('Expected step `id` to be a non-empty string');
  if (typeof config.run !== 'function') throw new TypeError(`Expected step "${config.id}" to have a \`run\` function`);
  if (config.retry && !(Number.isInteger(config.retry.attempts) && config.retry.attempts >= 1)) {
    throw new TypeError(
      `Expected retry.attempts of step "${config.id}" to be an integer from 1 and up, got ${config.retry.attempts}`,
    );
  }
  return Object.freeze({
    kind: 'step' as const,
    id: config.id,
    description: config.description,
    inputSchema: config.input as AnySchema | undefined,
    outputSchema: config.output,
    suspendSchema: config.suspendSchema as AnySchema | undefined,
    resumeSchema: config.resumeSchema as AnySchema | undefined,
    retry: config.retry,
    timeoutMs: config.timeout === undefined ? undefined : toMs(config.timeout),
    run: config.run as Step['run'],
  });
}
