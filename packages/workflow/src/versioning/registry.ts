/**
 * The workflows an engine holds: several versions per id, ordered oldest → newest. New runs start on
 * the newest; a stored run finds its own definition by hash.
 */
import type { Workflow } from '../definition/workflow.js';
import { DuplicateWorkflowVersionError } from './errors.js';
import { compareVersions } from './order.js';

interface Entry {
  wf: Workflow;
  seq: number;
}

/** @internal Registered workflow definitions by id and version. */
export class WorkflowRegistry {
  readonly #byId = new Map<string, Entry[]>();
  #seq = 0;

  /** Adds `wf`; idempotent for the same definition. Throws DuplicateWorkflowVersionError. */
  register(wf: Workflow): void {
    if (wf?.kind !== 'workflow')
      throw new TypeError('Expected a committed workflow (the result of workflow(…).commit())');
    const list = this.#byId.get(wf.id) ?? [];
    for (const e of list) {
      if (e.wf === wf) return;
      if (e.wf.version === wf.version && e.wf.hash === wf.hash) return;
      if (wf.version !== undefined && e.wf.version !== undefined && String(e.wf.version) === String(wf.version))
        throw new DuplicateWorkflowVersionError(wf.id, wf.version, e.wf.hash, wf.hash);
    }
    list.push({ wf, seq: this.#seq++ });
    list.sort((a, b) => compareVersions(a.wf.version, b.wf.version) || a.seq - b.seq);
    this.#byId.set(wf.id, list);
  }

  /** The newest registered definition of `id`. */
  newest(id: string): Workflow | undefined {
    const list = this.#byId.get(id);
    return list?.[list.length - 1]?.wf;
  }

  /** Every registered definition of `id`, newest first. */
  versions(id: string): Workflow[] {
    return (this.#byId.get(id) ?? []).map((e) => e.wf).reverse();
  }

  /** The registered definition of `id` with this structural hash (the newest, if several). */
  byHash(id: string, hash: string): Workflow | undefined {
    return this.versions(id).find((w) => w.hash === hash);
  }

  /** The registered definition of `id` at `version`. */
  byVersion(id: string, version: string | number): Workflow | undefined {
    return this.versions(id).find((w) => w.version !== undefined && String(w.version) === String(version));
  }

  /** Registered workflow ids. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  /** A live read-only map of id → newest registered definition (for code that knows one per id). */
  newestView(): ReadonlyMap<string, Workflow> {
    const self = this;
    const entries = (): Array<[string, Workflow]> => self.ids().map((id) => [id, self.newest(id) as Workflow]);
    return {
      get size() {
        return self.#byId.size;
      },
      get: (id: string) => self.newest(id),
      has: (id: string) => self.#byId.has(id),
      keys: () => self.ids()[Symbol.iterator](),
      values: () =>
        entries()
          .map(([, wf]) => wf)
          [Symbol.iterator](),
      entries: () => entries()[Symbol.iterator](),
      forEach(fn: (value: Workflow, key: string, map: ReadonlyMap<string, Workflow>) => void) {
        for (const [id, wf] of entries()) fn(wf, id, this);
      },
      [Symbol.iterator]: () => entries()[Symbol.iterator](),
    } as ReadonlyMap<string, Workflow>;
  }

  /** Every registered definition. */
  all(): Workflow[] {
    return [...this.#byId.values()].flatMap((l) => l.map((e) => e.wf));
  }
}
