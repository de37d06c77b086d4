/**
 * Finding a gate's definition-side options (policy function, zod schema) on the workflows the
 * service was given, and validating edits with the schema. The suspension in the store only holds
 * JSON; functions and schemas live on the committed workflow (`workflow.getStep(path)`).
 */
import { createHash } from 'node:crypto';
import type { ApprovalFieldIssue } from '../errors/errors.js';
import { type ApprovalPolicyFn, policyFunctionOf } from '../policy/options.js';

/** What the service needs from a committed workflow: its id and `getStep(path)`. */
export interface ApprovalWorkflowLike {
  /** The workflow id (as stored with each run). */
  readonly id: string;
  /** The step at a path; approval gates carry their raw options (functions included). */
  getStep?(path: string): unknown;
}

/** Anything with zod's `safeParse` (or standard-schema's shape through zod). */
export interface SchemaLike {
  safeParse(value: unknown):
    | { success: true; data: unknown }
    | {
        success: false;
        error: { issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[] };
      };
}

/** The definition-side parts of one gate. */
export interface GateDefinition {
  policy?: ApprovalPolicyFn;
  schema?: SchemaLike;
  raw?: Record<string, unknown>;
}

function isSchema(v: unknown): v is SchemaLike {
  return !!v && typeof (v as { safeParse?: unknown }).safeParse === 'function';
}

/** Normalizes the `workflows` option into a map by id. */
export function workflowMap(
  workflows: Iterable<ApprovalWorkflowLike> | Record<string, ApprovalWorkflowLike> | undefined,
): Map<string, ApprovalWorkflowLike> {
  const map = new Map<string, ApprovalWorkflowLike>();
  if (!workflows) return map;
  const list: Iterable<ApprovalWorkflowLike> =
    Symbol.iterator in (workflows as object)
      ? (workflows as Iterable<ApprovalWorkflowLike>)
      : Object.values(workflows as Record<string, ApprovalWorkflowLike>);
  for (const w of list) map.set(w.id, w);
  return map;
}

/** Looks up the gate at `path` of `workflow`; tolerant of the step object's exact shape. */
export function gateDefinition(workflow: ApprovalWorkflowLike | undefined, path: string): GateDefinition {
  if (!workflow?.getStep) return {};
  let step: unknown;
  try {
    step = workflow.getStep(path);
  } catch {
    return {};
  }
  if (!step || typeof step !== 'object') return {};
  const s = step as Record<string, unknown>;
  const raw = (s.options && typeof s.options === 'object' ? s.options : s) as Record<string, unknown>;
  const schema = [raw.schema, s.schema, s.outputSchema, s.resumeSchema].find(isSchema);
  const policy = policyFunctionOf(raw) ?? policyFunctionOf(s);
  return { raw, ...(schema ? { schema } : {}), ...(policy ? { policy } : {}) };
}

/**
 * Parses a value with the schema: the parsed value (what the engine will pass on, e.g. with zod's
 * unknown keys stripped and defaults applied) or the field-by-field issues.
 */
export function parseWithSchema(
  schema: SchemaLike | undefined,
  value: unknown,
): { value: unknown; issues: ApprovalFieldIssue[] } {
  if (!schema) return { value, issues: [] };
  const result = schema.safeParse(value);
  return result.success ? { value: result.data, issues: [] } : { value, issues: validateWithSchema(schema, value) };
}

/** Validates a value; returns field-by-field issues (empty when valid). */
export function validateWithSchema(schema: SchemaLike | undefined, value: unknown): ApprovalFieldIssue[] {
  if (!schema) return [];
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }));
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Hash of a JSON value, independent of key order. */
export function payloadHash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(stable(value)) ?? 'undefined')
    .digest('base64url')
    .slice(0, 22);
}

/** Deterministic approval id for a run's gate, so every process derives the same id. */
export function approvalIdFor(runId: string, path: string): string {
  return `apr_${createHash('sha256').update(`${runId}\n${path}`).digest('base64url').slice(0, 24)}`;
}
