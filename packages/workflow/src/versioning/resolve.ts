/**
 * Which registered definition executes a stored run: its own (by hash) while it is registered;
 * otherwise the newest registered definition of its workflow that can continue it (see compat.ts),
 * recorded on the run as an automatic migration; otherwise none — the run is parked.
 */
import { WorkflowDefinitionError } from '../errors/errors.js';
import { serializeError } from '../errors/serialize.js';
import type { Workflow } from '../definition/workflow.js';
import type { History } from '../engine/drive.js';
import type { Logger } from '../step/types.js';
import type { EventRecord, RunRecord, RunStatus, Store } from '../store/store.js';
import { incompatibilities } from './compat.js';
import { RunParkedError } from './errors.js';
import type { WorkflowRegistry } from './registry.js';
import { parseShape, shapeOf } from './shape.js';

/** The definition a run continues on, and the run patch + event that record a switch to it. */
export interface Resolved {
  wf: Workflow;
  /** Set when the run switches definitions: merge into the run's next compare-and-set. */
  switch?: { patch: { definitionHash: string }; event: Omit<EventRecord, 'seq' | 'runId'> };
}

/** @internal The engine's versioning: definition snapshots, resolution, parking. */
export interface Versioning {
  readonly registry: WorkflowRegistry;
  /** Stores `wf`'s snapshot once per engine (awaited before its first run is created). */
  persist(wf: Workflow): Promise<void>;
  /** The definition to execute `rec` with; throws RunParkedError (after parking it) when none can. */
  resolve(rec: RunRecord, history: Pick<History, 'memo' | 'suspensions'>, expect: RunStatus[]): Promise<Resolved>;
}

/** @internal */
export function createVersioning(
  store: Store,
  registry: WorkflowRegistry,
  options: { allowDefinitionChange?: boolean | undefined; logger: Logger },
): Versioning {
  const saved = new Map<string, Promise<void>>();
  const persist = (wf: Workflow): Promise<void> => {
    if (!store.saveDefinition) return Promise.resolve();
    let p = saved.get(wf.hash);
    if (!p) {
      p = store.saveDefinition({
        hash: wf.hash,
        workflowId: wf.id,
        ...(wf.version === undefined ? {} : { version: String(wf.version) }),
        shape: shapeOf(wf),
        createdAt: Date.now(),
      });
      saved.set(wf.hash, p);
      p.catch(() => saved.delete(wf.hash));
    }
    return p;
  };

  const switchTo = (rec: RunRecord, wf: Workflow, changes: string[], how: string): Resolved => ({
    wf,
    switch: {
      patch: { definitionHash: wf.hash },
      event: {
        type: 'run:migrated',
        data: {
          from: rec.definitionHash,
          to: wf.hash,
          ...(wf.version === undefined ? {} : { version: wf.version }),
          automatic: true,
          how,
          ...(changes.length ? { changes } : {}),
        },
        at: Date.now(),
      },
    },
  });

  return {
    registry,
    persist,
    async resolve(rec, history, expect) {
      const own = registry.byHash(rec.workflowId, rec.definitionHash);
      if (own) return { wf: own };
      const candidates = registry.versions(rec.workflowId);
      const newest = candidates[0];
      if (!newest) {
        throw new WorkflowDefinitionError(
          rec.workflowId,
          `it is not registered with this engine, so run "${rec.id}" cannot execute. Pass it in createEngine({ workflows: [...] }) or call engine.register(workflow).`,
        );
      }
      const stored = await store.getDefinition?.(rec.definitionHash);
      const old = parseShape(stored?.shape);
      if (options.allowDefinitionChange) {
        await persist(newest);
        return switchTo(rec, newest, incompatibilities(old, newest, rec, history), 'allowDefinitionChange');
      }
      let first: string[] | undefined;
      for (const wf of candidates) {
        const changes = incompatibilities(old, wf, rec, history);
        if (changes.length === 0) {
          await persist(wf);
          return switchTo(rec, wf, [], 'compatible');
        }
        first ??= changes;
      }
      // The migration target (CLI, another process) is picked from stored snapshots: store them all.
      await Promise.all(candidates.map(persist));
      const error = new RunParkedError(rec.id, rec.workflowId, rec.definitionHash, newest.hash, first ?? []);
      if (rec.status !== 'parked') {
        const at = Date.now();
        const parked = await store.updateRun(
          rec.id,
          {
            status: 'parked',
            error: serializeError(error),
            leaseOwner: undefined,
            leaseExpiresAt: undefined,
            updatedAt: at,
          },
          expect,
          [
            {
              type: 'run:parked',
              data: {
                reason: error.message,
                changes: error.changes,
                from: rec.definitionHash,
                to: newest.hash,
                previousStatus: rec.status,
              },
              at,
            },
          ],
        );
        if (parked)
          options.logger.warn('run parked: no registered definition can continue it', {
            runId: rec.id,
            workflowId: rec.workflowId,
            changes: error.changes,
          });
      }
      throw error;
    },
  };
}
