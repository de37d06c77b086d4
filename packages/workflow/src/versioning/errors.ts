/** Errors of workflow versioning: duplicate versions at registration, parked runs, migrations. */
import { DefinitionChangedError } from '../errors/errors.js';
import { WeftError } from '../errors/weft-error.js';

/**
 * Two different definitions with the same workflow id and version were registered with one engine.
 * Thrown by `createEngine({ workflows })` / `engine.register()`, before anything runs.
 */
export class DuplicateWorkflowVersionError extends WeftError {
  readonly workflowId: string;
  readonly version: string | number;
  readonly registeredHash: string;
  readonly hash: string;
  constructor(workflowId: string, version: string | number, registeredHash: string, hash: string) {
    super(
      'WEFT_DUPLICATE_WORKFLOW_VERSION',
      `Workflow "${workflowId}" version ${JSON.stringify(version)} is already registered with a different definition (${registeredHash.slice(0, 12)}, now ${hash.slice(0, 12)}). Give the changed definition a new version: workflow({ id: '${workflowId}', version: … }).`,
    );
    this.workflowId = workflowId;
    this.version = version;
    this.registeredHash = registeredHash;
    this.hash = hash;
  }
  override details(): Record<string, unknown> {
    return { workflowId: this.workflowId, version: this.version, registeredHash: this.registeredHash, hash: this.hash };
  }
}

/**
 * The run's own definition is not registered, and no registered definition of its workflow can
 * continue it (a completed or suspended step is gone, or its schemas changed). The run is
 * `parked`: it keeps every committed step and waits for an explicit `engine.migrate(runId)` /
 * `weft runs migrate <runId>`, or for its definition to be registered again and the migration to
 * point back at it. Extends {@link DefinitionChangedError}, so existing `instanceof` checks still hold.
 */
export class RunParkedError extends DefinitionChangedError {
  /** Why the registered definitions cannot continue the run, one line per change. */
  readonly changes: string[];
  constructor(runId: string, workflowId: string, storedHash: string, currentHash: string, changes: string[]) {
    super(runId, workflowId, storedHash, currentHash, {
      code: 'WEFT_RUN_PARKED',
      message: `Run "${runId}" of workflow "${workflowId}" is parked: it started on definition ${storedHash.slice(0, 12)}, which is not registered, and the registered definition ${currentHash.slice(0, 12)} cannot continue it: ${changes.join('; ')}. Register the old definition again, or move the run with engine.migrate('${runId}') / \`weft runs migrate ${runId}\`.`,
    });
    this.changes = changes;
  }
  override details(): Record<string, unknown> {
    return { ...super.details(), changes: this.changes };
  }
}

/** A migration could not be applied (wrong run status, unknown target definition). Nothing changed. */
export class MigrationError extends WeftError {
  readonly runId: string;
  constructor(runId: string, problem: string) {
    super('WEFT_MIGRATION', `Cannot migrate run "${runId}": ${problem}`);
    this.runId = runId;
  }
  override details(): Record<string, unknown> {
    return { runId: this.runId };
  }
}
