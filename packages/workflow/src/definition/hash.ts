/**
 * The structural hash of a committed workflow: ids, kinds, options that change behaviour and the
 * JSON Schema of every zod schema — never function source text, so reformatting code or editing a
 * step's body does not change it, while re-wiring or changing a schema does.
 */
import { z } from 'zod';
import { sha256Hex } from '../util/crypto.js';
import type { Node } from './nodes.js';

/** @internal The JSON Schema of a zod schema as the hash covers it (`null` when absent). */
export const schemaJson = (s: z.ZodType | undefined): unknown => {
  if (!s) return null;
  try {
    return z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
  } catch {
    return { unrepresentable: true };
  }
};

/** A canonical, JSON-serializable description of a node tree (what the hash covers). */
export function describeNodes(nodes: readonly Node[]): unknown[] {
  return nodes.map(describe);
}

function describe(n: Node): unknown {
  switch (n.kind) {
    case 'step':
      return {
        k: n.kind,
        id: n.id,
        in: schemaJson(n.step.inputSchema),
        out: schemaJson(n.step.outputSchema),
        sus: schemaJson(n.step.suspendSchema),
        res: schemaJson(n.step.resumeSchema),
      };
    case 'map':
      return { k: n.kind, id: n.id };
    case 'branch':
      return {
        k: n.kind,
        id: n.id,
        b: n.branches.map((b) => describe(b.node)),
        d: n.default ? describe(n.default) : null,
      };
    case 'parallel':
      return { k: n.kind, id: n.id, c: n.children.map(describe) };
    case 'foreach':
      return { k: n.kind, id: n.id, c: n.concurrency, b: describe(n.body) };
    case 'loop':
      return { k: n.kind, id: n.id, m: n.mode, max: n.maxIterations, b: describe(n.body) };
    case 'sleep':
      return { k: n.kind, id: n.id, ms: n.ms ?? null };
    case 'event':
      return { k: n.kind, id: n.id, e: n.event, s: schemaJson(n.schema), t: n.timeoutMs ?? null };
    case 'workflow':
      return { k: n.kind, id: n.id, h: n.workflow.hash };
    case 'approval':
      return { k: n.kind, id: n.id, s: schemaJson(n.options.schema) };
    case 'dag':
      return {
        k: n.kind,
        id: n.id,
        c: n.concurrency,
        f: n.failurePolicy,
        r: typeof n.run === 'function' ? 'fn' : describe(n.run),
      };
  }
}

/** sha256 (hex) of the workflow's canonical description. */
export function hashDefinition(
  id: string,
  input: z.ZodType | undefined,
  output: z.ZodType | undefined,
  nodes: readonly Node[],
): string {
  const doc = JSON.stringify({ v: 1, id, in: schemaJson(input), out: schemaJson(output), n: describeNodes(nodes) });
  return sha256Hex(doc);
}
