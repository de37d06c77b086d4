/**
 * Explicit, audited migration of a run to another definition of its workflow: the run's definition
 * hash changes in one compare-and-set with a `run:migrated` event (who, why, from, to, what changed),
 * and a parked run goes back to what it was doing (`suspended`, or `queued` for a worker or
 * `engine.recover()` to pick up). Works on the store alone (`weft runs migrate`), with the target
 * taken from the stored definition snapshots, or through `engine.migrate()`.
 */
import { RunNotFoundError } from '../errors/errors.js';
import { loadHistory } from '../engine/drive.js';
import type { DefinitionRecord, RunStatus, Store } from '../store/store.js';
import { incompatibilities } from './compat.js';
import { MigrationError } from './errors.js';
import { compareVersions } from './order.js';
import { parseShape } from './shape.js';

/** Options of {@link migrateRun} and `engine.migrate()`. */
export interface MigrateOptions {
  /**
   * The target definition: its hash (or a unique prefix of 8+ characters) or its version. Default:
   * the newest definition of the run's workflow (by version, then by when it was first stored).
   */
  to?: string | number;
  /** Who migrates (recorded in the `run:migrated` event). */
  actor?: string;
  /** Why (recorded in the `run:migrated` event). */
  reason?: string;
}

/** What a migration did. */
export interface MigrationResult {
  runId: string;
  workflowId: string;
  /** Definition hash before. */
  from: string;
  /** Definition hash after. */
  to: string;
  /** Version of the target definition, when it has one. */
  version?: string;
  /** The run's status after the migration. */
  status: RunStatus;
  /** What differs between the two definitions for this run's committed steps (empty: nothing). */
  changes: string[];
}

const MIGRATABLE: RunStatus[] = ['parked', 'suspended', 'queued'];

function pickTarget(defs: DefinitionRecord[], to: string | number | undefined): DefinitionRecord | undefined {
  if (to === undefined) {
    return [...defs].sort((a, b) => compareVersions(a.version, b.version) || a.createdAt - b.createdAt).at(-1);
  }
  const s = String(to);
  const byVersion = defs.filter((d) => d.version === s);
  if (byVersion.length) return byVersion.at(-1);
  const byHash = defs.filter((d) => d.hash === s || (s.length >= 8 && d.hash.startsWith(s)));
  return byHash.length === 1 ? byHash[0] : undefined;
}

/**
 * Moves a run to another stored definition of its workflow. Throws {@link MigrationError} (nothing
 * changed) when the run is running or finished, or the target is unknown.
 *
 * @example
 * ```ts
 * const moved = await migrateRun(store, runId, { actor: 'ops@acme', reason: 'v2 renamed the classify step' });
 * console.log(`${moved.from.slice(0, 8)} → ${moved.to.slice(0, 8)}: ${moved.changes.join('; ') || 'no changes'}`);
 * ```
 */
export async function migrateRun(store: Store, runId: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const rec = await store.getRun(runId);
  if (!rec) throw new RunNotFoundError(runId);
  if (!MIGRATABLE.includes(rec.status)) {
    throw new MigrationError(
      runId,
      `its status is "${rec.status}"; only ${MIGRATABLE.join(', ')} runs can move (a running run moves on its own when compatible, or parks).`,
    );
  }
  if (!store.listDefinitions || !store.getDefinition)
    throw new MigrationError(runId, 'this store keeps no definition snapshots (listDefinitions/getDefinition).');
  const defs = await store.listDefinitions(rec.workflowId);
  const target = pickTarget(defs, options.to);
  if (!target) {
    const known = defs.map((d) => `${d.hash.slice(0, 12)}${d.version ? ` (v${d.version})` : ''}`).join(', ');
    throw new MigrationError(
      runId,
      `no stored definition of workflow "${rec.workflowId}" matches ${options.to === undefined ? 'at all' : JSON.stringify(options.to)} (known: ${known || 'none'}). Start an engine with the target definition registered first; it stores its snapshot.`,
    );
  }
  if (target.hash === rec.definitionHash && rec.status !== 'parked')
    throw new MigrationError(runId, `it already runs on definition ${target.hash.slice(0, 12)}.`);
  const [history, source, parkedEvents] = await Promise.all([
    loadHistory(store, runId),
    store.getDefinition(rec.definitionHash),
    rec.status === 'parked' ? store.readEvents(runId, 0, ['run:parked']) : Promise.resolve([]),
  ]);
  const next = parseShape(target.shape);
  const changes = next ? incompatibilities(parseShape(source?.shape), next, rec, history) : [];
  const previous = (parkedEvents.at(-1)?.data as { previousStatus?: RunStatus } | undefined)?.previousStatus;
  const status: RunStatus = rec.status === 'parked' ? (previous === 'suspended' ? 'suspended' : 'queued') : rec.status;
  const at = Date.now();
  const ok = await store.updateRun(
    runId,
    { definitionHash: target.hash, status, error: undefined, updatedAt: at },
    [rec.status],
    [
      {
        type: 'run:migrated',
        data: {
          from: rec.definitionHash,
          to: target.hash,
          ...(target.version === undefined ? {} : { version: target.version }),
          automatic: false,
          ...(options.actor === undefined ? {} : { actor: options.actor }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
          changes,
        },
        at,
      },
    ],
  );
  if (!ok) throw new MigrationError(runId, 'another process changed the run meanwhile; look at it again and retry.');
  return {
    runId,
    workflowId: rec.workflowId,
    from: rec.definitionHash,
    to: target.hash,
    ...(target.version === undefined ? {} : { version: target.version }),
    status,
    changes,
  };
}
