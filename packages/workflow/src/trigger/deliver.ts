/**
 * `engine.sendEvent`: validates the payload against every trigger of the event (all before any
 * write: a payload failing one schema starts nothing), dedupes by event id, starts the matching
 * workflows (queued for workers), then wakes the runs waiting in `waitForEvent`.
 */
import type { Workflow } from '../definition/workflow.js';
import type { ValidationIssue } from '../errors/errors.js';
import type { RunResult } from '../engine/types.js';
import type { FlowBackend } from '../flow-control/backend.js';
import { FlowConfigError, RateLimitedError } from '../flow-control/errors.js';
import type { StartOptions } from '../flow-control/types.js';
import { EventPayloadError } from './errors.js';
import type { EventDelivery, SkippedTrigger, StartedRun } from './types.js';

interface DeliverDeps {
  registry: ReadonlyMap<string, Workflow>;
  backend: () => FlowBackend;
  enqueue(wf: Workflow, input: unknown, opts: StartOptions): Promise<{ runId: string; created: boolean }>;
}

const DAY = 86_400_000;

function delivery(
  resumed: RunResult[],
  started: StartedRun[],
  skipped: SkippedTrigger[],
  duplicate: boolean,
): EventDelivery<RunResult> {
  const out = [...resumed];
  // Not enumerable: the array keeps comparing and printing as the list of resumed runs it always was.
  Object.defineProperties(out, {
    started: { value: started },
    skipped: { value: skipped },
    duplicate: { value: duplicate },
  });
  return out as unknown as EventDelivery<RunResult>;
}

const toIssues = (
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[],
): ValidationIssue[] =>
  issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[],
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }));

/** Delivers one event: triggers first, then waiting runs. */
export async function deliverEvent(
  deps: DeliverDeps,
  event: string,
  payload: unknown,
  opts: { runId?: string; id?: string } | undefined,
  resumeWaiting: () => Promise<RunResult[]>,
): Promise<EventDelivery<RunResult>> {
  if (typeof event !== 'string' || event === '')
    throw new FlowConfigError(
      `Expected sendEvent(event, payload) with a non-empty event name, got ${JSON.stringify(event)}.`,
    );
  const id = opts?.id;
  if (id !== undefined && (typeof id !== 'string' || id === '' || id.length > 300))
    throw new FlowConfigError(
      `Expected sendEvent(…, { id }) to be a non-empty string of at most 300 characters, got ${JSON.stringify(id)}.`,
    );
  const matches: { wf: Workflow; input: unknown }[] = [];
  const skipped: SkippedTrigger[] = [];
  if (opts?.runId === undefined) {
    for (const wf of deps.registry.values()) {
      for (const t of wf.triggers ?? []) {
        if (t.event !== event) continue;
        const parsed = t.schema.safeParse(payload);
        if (!parsed.success) throw new EventPayloadError(event, wf.id, toIssues(parsed.error.issues));
        if (t.filter && !t.filter(parsed.data)) {
          skipped.push({ workflowId: wf.id, reason: 'filtered' });
          continue;
        }
        matches.push({ wf, input: t.input ? t.input(parsed.data) : parsed.data });
      }
    }
  }
  if (id !== undefined && !(await deps.backend().remember(`event:${event}`, id, Date.now() + DAY, Date.now())))
    return delivery([], [], [], true);
  const started: StartedRun[] = [];
  for (const m of matches) {
    try {
      const out = await deps.enqueue(m.wf, m.input, id === undefined ? {} : { idempotencyKey: `event:${event}:${id}` });
      started.push({ workflowId: m.wf.id, ...out });
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      skipped.push({ workflowId: m.wf.id, reason: 'rate-limited' });
    }
  }
  return delivery(await resumeWaiting(), started, skipped, false);
}
