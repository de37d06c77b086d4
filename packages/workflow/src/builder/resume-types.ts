/**
 * Type-only bookkeeping of what each suspendable step of a workflow accepts on resume. The builder
 * accumulates a map `{ [stepPath]: payload }` while steps are added; `commit()` puts it on the
 * committed workflow's `'~resume'` member (never set at run time), and `Run.resume` /
 * `engine.resume` read it, so a wrong payload or an unknown step path fails to compile.
 */
import type { ApprovalDecision } from './types.js';

/** The resume payloads of a committed workflow by step path (type only, never set at run time). */
export interface ResumeTypes<M> {
  /** Type only: `{ [stepPath]: payload }` of every step `resume({ step, data })` can reach. */
  readonly '~resume'?: M;
}

/** The resume map a committed workflow carries (`unknown` for an untyped `Workflow`). */
export type ResumeMapOf<W> = W extends { readonly '~resume'?: infer M } ? M : unknown;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The resume entries a runnable of kind `K` whose `'~resume'` member is `R` adds when it runs at
 * path `P`: a step adds `{ [P]: its resume schema's input type }`; a nested workflow adds its own
 * map under `P/` (any `P/…` path when the nested workflow is untyped).
 */
export type ResumeAt<P extends string, K, R> = K extends 'workflow'
  ? unknown extends R
    ? { [X in `${P}/${string}`]: unknown }
    : { [X in keyof R & string as `${P}/${X}`]: R[X] }
  : { [X in P]: R };

/** The resume entries of several arms (`parallel`, `branch`) at `${P}/<armId>`. */
export type ArmsResume<P extends string, Arms> = UnionToIntersection<
  Arms extends { readonly id: infer AId extends string; readonly kind?: infer K; readonly '~resume'?: infer R }
    ? ResumeAt<`${P}/${AId}`, K, R>
    : never
>;

/** The entry of an approval gate: its decision, with the payload type the gate validates. */
export type ApprovalResume<SId extends string, T> = { [X in SId]: ApprovalDecision<T> };

/** The path of a composite node: its explicit id, else the positional `kind-N` it gets. */
export type CompositePath<Id extends string, Kind extends string> = [Id] extends [never] ? `${Kind}-${number}` : Id;

/** Arguments of resume for a workflow whose resume map is `M`: a union of `{ step, data }` per step path. */
export type TypedResumeArgs<M> = {
  [P in keyof M & string]: undefined extends M[P] ? { step: P; data?: M[P] } : { step: P; data: M[P] };
}[keyof M & string];
