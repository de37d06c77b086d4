/**
 * The shape of a definition, as versioning compares it: the workflow input schema and, per step
 * path, the node kind and the schemas that stored data of that path depends on. It is stored once
 * per definition hash (`store.saveDefinition`) so a later deploy can be compared with the definition
 * a run started on even when that one is no longer registered.
 */
import { schemaJson } from '../definition/hash.js';
import type { Node } from '../definition/nodes.js';
import type { Workflow } from '../definition/workflow.js';
import { describeNodes } from '../definition/hash.js';

/** One step path of a {@link DefinitionShape}. */
export interface StepShape {
  kind: string;
  /** Schema label (`input`, `output`, `suspend`, `resume`, `event`, `payload`, `task`) → canonical JSON. */
  schemas: Record<string, string>;
}

/** What versioning knows of a definition. */
export interface DefinitionShape {
  v: 1;
  input: string;
  steps: Record<string, StepShape>;
}

const json = (s: Parameters<typeof schemaJson>[0]): string => JSON.stringify(schemaJson(s));

function schemasOf(node: Node): Record<string, string> {
  switch (node.kind) {
    case 'step':
      return {
        input: json(node.step.inputSchema),
        output: json(node.step.outputSchema),
        suspend: json(node.step.suspendSchema),
        resume: json(node.step.resumeSchema),
      };
    case 'event':
      return { event: JSON.stringify(node.event), payload: json(node.schema) };
    case 'approval':
      return { payload: json(node.options.schema as Parameters<typeof schemaJson>[0]) };
    case 'dag':
      return { task: JSON.stringify(typeof node.run === 'function' ? 'fn' : describeNodes([node.run])) };
    default:
      return {};
  }
}

const shapes = new WeakMap<Workflow, DefinitionShape>();

/** The shape of a committed workflow (computed once per definition object). */
export function shapeOf(wf: Workflow): DefinitionShape {
  let s = shapes.get(wf);
  if (s) return s;
  const steps: Record<string, StepShape> = {};
  for (const info of wf.steps) steps[info.path] = { kind: info.kind, schemas: schemasOf(info.node) };
  s = { v: 1, input: json(wf.inputSchema), steps };
  shapes.set(wf, s);
  return s;
}

/** The shape entry of a run's step path (`items[3]/x` → `items/x`; dag task paths → the dag). */
export function stepShapeAt(shape: DefinitionShape, path: string): StepShape | undefined {
  const p = path.replace(/\[\d+\]|#\d+/g, '');
  const hit = shape.steps[p];
  if (hit) return hit;
  const parent = shape.steps[p.slice(0, p.lastIndexOf('/'))];
  return parent?.kind === 'dag' ? parent : undefined;
}

/** Reads a stored shape back; undefined when it is not one (older or foreign data). */
export function parseShape(value: unknown): DefinitionShape | undefined {
  const s = value as DefinitionShape | null;
  return s && s.v === 1 && typeof s.steps === 'object' && typeof s.input === 'string' ? s : undefined;
}
