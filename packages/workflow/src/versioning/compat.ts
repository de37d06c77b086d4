/**
 * Can a definition continue a run that started on another one? Decided from the definitions
 * themselves and the run's committed history, never by trying:
 *
 * - every step path the run completed, is waiting in (suspended) or sleeping in must exist in the
 *   new definition, with the same kind and the same schemas (input, output, suspend, resume, event
 *   or approval payload) — a removed or renamed completed step, or a changed schema, is a change;
 * - the workflow input schema must be the same (the stored input is validated against it again);
 * - steps the run has not reached yet may be added, removed or changed freely.
 *
 * When the old definition's shape was not stored (runs from before versioning), the stored outputs
 * are validated against the new schemas instead.
 */
import type { Workflow } from '../definition/workflow.js';
import type { History } from '../engine/drive.js';
import type { RunRecord } from '../store/store.js';
import { type DefinitionShape, shapeOf, stepShapeAt } from './shape.js';

const LIVE_STATUSES = new Set(['success', 'suspended', 'running', 'skipped']);

/** The changes that keep `wf` from continuing the run; empty when it can continue it. */
export function incompatibilities(
  old: DefinitionShape | undefined,
  target: Workflow | DefinitionShape,
  rec: Pick<RunRecord, 'input'>,
  history: Pick<History, 'memo' | 'suspensions'>,
): string[] {
  const wf = 'kind' in target ? target : undefined;
  const next = wf ? shapeOf(wf) : (target as DefinitionShape);
  const changes: string[] = [];
  if (old) {
    if (old.input !== next.input) changes.push('the workflow input schema changed');
  } else if (wf?.inputSchema && !wf.inputSchema.safeParse(rec.input).success) {
    changes.push('the stored input does not match the new input schema');
  }
  const paths = new Map<string, string>();
  for (const [path, s] of history.memo) {
    if (LIVE_STATUSES.has(s.status)) paths.set(path, s.status === 'success' ? 'completed' : s.status);
  }
  for (const path of history.suspensions.keys()) paths.set(path, 'suspended');
  for (const [path, what] of paths) {
    const now = stepShapeAt(next, path);
    if (!now) {
      changes.push(`step "${path}" (${what} in this run) is not in the new definition (removed or renamed)`);
      continue;
    }
    if (old) {
      const before = stepShapeAt(old, path);
      if (!before) continue; // not in the stored shape (dynamic path): nothing to compare against
      if (before.kind !== now.kind) {
        changes.push(`step "${path}" (${what}) changed from ${before.kind} to ${now.kind}`);
        continue;
      }
      const labels = new Set([...Object.keys(before.schemas), ...Object.keys(now.schemas)]);
      for (const label of labels) {
        if (before.schemas[label] !== now.schemas[label])
          changes.push(`step "${path}" (${what}) changed its ${label} schema`);
      }
      continue;
    }
    // No stored shape: check the stored data against the new schemas.
    const info = wf?.getStep(path);
    const row = history.memo.get(path);
    if (info?.node.kind === 'step' && row?.status === 'success' && info.node.step.outputSchema) {
      if (!info.node.step.outputSchema.safeParse(row.output).success)
        changes.push(`step "${path}" (completed): its stored output does not match the new output schema`);
    }
  }
  return changes;
}
