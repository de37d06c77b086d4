/** Commit-time checks of the schedules and triggers declared with a workflow. */
import { FlowConfigError } from '../flow-control/errors.js';
import type { Trigger } from '../trigger/types.js';
import { toScheduleRecord } from './spec.js';
import type { ScheduleOptions } from './types.js';

/** Throws `FlowConfigError` for a bad schedule (cron, zone, policy, duplicate id) or trigger. */
export function validateStarts(
  workflowId: string,
  schedules: readonly ScheduleOptions<any>[] | undefined,
  triggers: readonly Trigger<any>[] | undefined,
): void {
  if (schedules !== undefined) {
    if (!Array.isArray(schedules))
      throw new FlowConfigError(`Expected workflow({ schedules }) of "${workflowId}" to be an array of schedules.`);
    const ids = new Set<string>();
    for (const s of schedules) {
      const rec = toScheduleRecord(workflowId, s, 'code', Date.now());
      if (ids.has(rec.id))
        throw new FlowConfigError(
          `Workflow "${workflowId}" declares two schedules with id "${rec.id}": give each its own id.`,
        );
      ids.add(rec.id);
    }
  }
  if (triggers !== undefined) {
    if (!Array.isArray(triggers))
      throw new FlowConfigError(
        `Expected workflow({ triggers }) of "${workflowId}" to be an array of defineTrigger(…).`,
      );
    for (const t of triggers) {
      if (typeof t?.event !== 'string' || t.event === '' || typeof t.schema?.safeParse !== 'function')
        throw new FlowConfigError(
          `Expected every trigger of workflow "${workflowId}" to be defineTrigger({ event: 'name', schema: z.object(…) }), got ${JSON.stringify(t?.event)}.`,
        );
    }
  }
}
