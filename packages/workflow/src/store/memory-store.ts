/**
 * An in-memory {@link Store}: same semantics as the durable stores, no I/O.
 *
 * Values are kept by reference (no JSON cloning) because the engine never mutates what it commits;
 * that keeps the per-step cost to a few array pushes. Events are kept as committed too, and read
 * back as fresh {@link EventRecord}s (with `runId` and `seq`), so a long-lived engine's history
 * costs one object per event. Use it for tests, scripts and benchmarks, and
 * share one instance between several engines to simulate several processes.
 */
import { LeaseLostError } from '../errors/errors.js';
import type {
  ClaimOptions,
  DefinitionRecord,
  EventRecord,
  RunPage,
  RunQuery,
  RunRecord,
  RunStatus,
  StepCommit,
  StepRecord,
  Store,
  SuspensionRecord,
  TimerRecord,
} from './store.js';

/** An event as committed (its `seq` is its position + 1, its `runId` the run's): materialized on read. */
type StoredEvent = Omit<EventRecord, 'seq' | 'runId'>;
/**
 * A run's event as kept: as committed, or — for a data-less `step:success` committed with its
 * step's success, at the step's `endedAt` — the step record itself (the store keeps it anyway:
 * one object fewer per step in a long-lived engine's history).
 */
type Kept = StoredEvent | StepRecord;

const isStep = (e: Kept): e is StepRecord => (e as StoredEvent).type === undefined;
const typeOf = (e: Kept): string => (isStep(e) ? 'step:success' : e.type);

interface RunState {
  run: RunRecord;
  steps: StepRecord[];
  events: Kept[];
  /** Created with the run's first suspension: most runs never suspend. */
  suspensions: Map<string, SuspensionRecord> | undefined;
}

const NO_SUSPENSIONS: ReadonlyMap<string, SuspensionRecord> = new Map();

const FINISHED: ReadonlySet<RunStatus> = new Set(['success', 'failed', 'canceled']);

/**
 * Creates an in-memory store.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const engine = createEngine({ store, workflows: [triage] });
 * ```
 */
export function createMemoryStore(): Store {
  const runs = new Map<string, RunState>();
  const timers = new Map<string, TimerRecord>();
  const definitions = new Map<string, DefinitionRecord>();
  const done = Promise.resolve();

  const state = (runId: string): RunState => {
    const s = runs.get(runId);
    if (!s) throw new Error(`memory store: run "${runId}" does not exist`);
    return s;
  };

  /** The run's events after `afterSeq` (of `types`, when given), as records. */
  const readStored = (s: RunState, afterSeq: number, types: readonly string[] | undefined): EventRecord[] => {
    const out: EventRecord[] = [];
    const all = s.events;
    const runId = s.run.id;
    for (let i = Math.max(0, afterSeq); i < all.length; i++) {
      const e = all[i] as Kept;
      if (isStep(e)) {
        if (!types || types.includes('step:success'))
          out.push({ runId, seq: i + 1, type: 'step:success', path: e.path, data: undefined, at: e.endedAt as number });
        continue;
      }
      if (types && !types.includes(e.type)) continue;
      out.push({ runId, seq: i + 1, type: e.type, path: e.path, data: e.data, at: e.at });
    }
    return out;
  };

  const watchers = new Set<(runId: string) => void>();
  const pushEvents = (s: RunState, events: StoredEvent[], step?: StepRecord) => {
    for (const e of events) {
      const same =
        step !== undefined &&
        e.type === 'step:success' &&
        e.data === undefined &&
        e.path === step.path &&
        e.at === step.endedAt &&
        typeof e.at === 'number';
      s.events.push(same ? step : e);
    }
    if (watchers.size > 0 && events.length > 0) {
      const id = s.run.id;
      // After the caller's write resolved, like a durable store's commit.
      queueMicrotask(() => {
        for (const w of watchers) w(id);
      });
    }
  };

  /** A step commit, applied at once; throws what commitStep rejects with. */
  const apply = (commit: StepCommit): void => {
    const s = runs.get(commit.step.runId);
    if (!s) throw new Error(`memory store: run "${commit.step.runId}" does not exist`);
    if (commit.leaseOwner !== undefined && (s.run.leaseOwner !== commit.leaseOwner || s.run.status !== 'running'))
      throw new LeaseLostError(s.run.id, commit.leaseOwner);
    s.steps.push(commit.step);
    if (commit.events) pushEvents(s, commit.events, commit.step);
    if (commit.run) Object.assign(s.run, commit.run);
    if (commit.resolvedSuspensionPath !== undefined) s.suspensions?.delete(commit.resolvedSuspensionPath);
    if (commit.suspension) (s.suspensions ??= new Map()).set(commit.suspension.path, commit.suspension);
    if (commit.timer) timers.set(commit.timer.id, commit.timer);
  };
  /** Creates a run at once; throws what createRun rejects with. */
  const create = (run: RunRecord, events?: StoredEvent[]): void => {
    if (runs.has(run.id)) throw new Error(`memory store: run "${run.id}" already exists`);
    const s: RunState = { run: { ...run }, steps: [], events: [], suspensions: undefined };
    runs.set(run.id, s);
    if (events?.length) pushEvents(s, events);
  };
  const createRun = (run: RunRecord, events?: StoredEvent[]): Promise<void> => {
    try {
      create(run, events);
      return done;
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const commitStep = (commit: StepCommit): Promise<void> => {
    try {
      apply(commit);
      return done;
    } catch (e) {
      return Promise.reject(e);
    }
  };

  const store: Store = {
    init: () => done,
    close: () => done,
    eventsScope: 'process',
    watchEvents(listener) {
      watchers.add(listener);
      return () => {
        watchers.delete(listener);
      };
    },

    createRun,
    getRun(runId) {
      const s = runs.get(runId);
      return Promise.resolve(s ? { ...s.run } : undefined);
    },
    updateRun(runId, patch, expect, events, leaseOwner) {
      const s = runs.get(runId);
      if (!s || (expect && !expect.includes(s.run.status))) return Promise.resolve(false);
      if (leaseOwner !== undefined && s.run.leaseOwner !== leaseOwner) return Promise.resolve(false);
      Object.assign(s.run, patch);
      if (events) pushEvents(s, events);
      return Promise.resolve(true);
    },
    listRuns(query: RunQuery = {}): Promise<RunPage> {
      const statuses =
        query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
      const all = [...runs.values()]
        .map((s) => s.run)
        .filter(
          (r) =>
            (!statuses || statuses.includes(r.status)) &&
            (!query.workflowId || r.workflowId === query.workflowId) &&
            (query.createdAfter === undefined || r.createdAt > query.createdAfter) &&
            (query.createdBefore === undefined || r.createdAt < query.createdBefore) &&
            (query.forkedFrom === undefined || r.forkedFrom?.runId === query.forkedFrom),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
      const offset = query.cursor ? Number(query.cursor) : 0;
      const limit = query.limit ?? 100;
      const page = all.slice(offset, offset + limit).map((r) => ({ ...r }));
      return Promise.resolve(
        offset + limit < all.length ? { runs: page, nextCursor: String(offset + limit) } : { runs: page },
      );
    },
    deleteSteps(runId, paths) {
      const s = runs.get(runId);
      if (!s) return done;
      const drop = new Set(paths);
      s.steps = s.steps.filter((st) => !drop.has(st.path));
      for (const p of drop) s.suspensions?.delete(p);
      for (const [id, t] of timers) if (t.runId === runId && drop.has(t.path)) timers.delete(id);
      return done;
    },
    deleteRun(runId) {
      runs.delete(runId);
      for (const [id, t] of timers) if (t.runId === runId) timers.delete(id);
      return done;
    },
    purgeRuns(before, options) {
      const t0 = performance.now();
      let n = 0;
      for (const [id, s] of runs) {
        if (FINISHED.has(s.run.status) && s.run.updatedAt < before && s.run.createdAt < before) {
          runs.delete(id);
          for (const [tid, t] of timers) if (t.runId === id) timers.delete(tid);
          n++;
        }
      }
      // One synchronous pass: nothing else runs meanwhile, so it is a single "batch".
      options?.onBatch?.({ batch: 0, deleted: n, total: n, ms: performance.now() - t0 });
      return Promise.resolve(n);
    },

    commitStep,
    loadRun(runId, eventTypes) {
      const s = runs.get(runId);
      if (!s) return Promise.resolve(undefined);
      return Promise.resolve({
        run: { ...s.run },
        steps: s.steps.slice(),
        suspensions: s.suspensions ? [...s.suspensions.values()] : [],
        events: readStored(s, 0, eventTypes),
      });
    },
    listSteps(runId) {
      const s = runs.get(runId);
      return Promise.resolve(s ? s.steps.slice() : []);
    },

    listSuspensions(runId) {
      const s = runs.get(runId);
      return Promise.resolve(s?.suspensions ? [...s.suspensions.values()] : []);
    },
    findSuspensions(query) {
      const out: SuspensionRecord[] = [];
      for (const s of runs.values()) {
        if (query.workflowId && s.run.workflowId !== query.workflowId) continue;
        for (const sus of (s.suspensions ?? NO_SUSPENSIONS).values()) {
          if (query.eventName === undefined || sus.eventName === query.eventName) out.push(sus);
        }
      }
      out.sort((a, b) => a.createdAt - b.createdAt);
      return Promise.resolve(query.limit === undefined ? out : out.slice(0, query.limit));
    },

    appendEvents(runId, events) {
      try {
        pushEvents(state(runId), events);
        return done;
      } catch (e) {
        return Promise.reject(e);
      }
    },
    readEvents(runId, afterSeq = 0, types) {
      const s = runs.get(runId);
      return Promise.resolve(s ? readStored(s, afterSeq, types) : []);
    },

    countEvents(runId, types) {
      const s = runs.get(runId);
      let n = 0;
      for (const e of s?.events ?? []) if (types.includes(typeOf(e))) n++;
      return Promise.resolve(n);
    },

    claimRuns(options: ClaimOptions) {
      const now = options.now ?? Date.now();
      const out: RunRecord[] = [];
      for (const s of runs.values()) {
        if (out.length >= options.limit) break;
        const r = s.run;
        if (options.workflowIds && !options.workflowIds.includes(r.workflowId)) continue;
        if (options.excludeWorkflowIds?.includes(r.workflowId)) continue;
        // Flow-controlled runs (availableAt set) are claimed by the flow claim only (src/flow-control).
        const gated = (r as { availableAt?: number }).availableAt !== undefined;
        const claimable =
          (r.status === 'queued' && !gated) || (r.status === 'running' && (r.leaseExpiresAt ?? 0) <= now);
        if (!claimable) continue;
        r.status = 'running';
        r.leaseOwner = options.owner;
        r.leaseExpiresAt = now + options.leaseMs;
        r.updatedAt = now;
        out.push({ ...r });
      }
      return Promise.resolve(out);
    },
    renewLeases(owner, runIds, leaseMs) {
      const now = Date.now();
      const held: string[] = [];
      for (const id of runIds) {
        const r = runs.get(id)?.run;
        if (r && r.leaseOwner === owner && r.status === 'running') {
          r.leaseExpiresAt = now + leaseMs;
          held.push(id);
        }
      }
      return Promise.resolve(held);
    },

    addTimer(timer) {
      timers.set(timer.id, timer);
      return done;
    },
    takeDueTimers(now, limit) {
      const due = [...timers.values()]
        .filter((t) => t.dueAt <= now)
        .sort((a, b) => a.dueAt - b.dueAt)
        .slice(0, limit);
      for (const t of due) timers.delete(t.id);
      return Promise.resolve(due);
    },
    deleteTimers(runId, path) {
      for (const [id, t] of timers) if (t.runId === runId && (path === undefined || t.path === path)) timers.delete(id);
      return done;
    },
    listLeasedRuns(owner) {
      const out = [...runs.values()]
        .map((s) => s.run)
        .filter((r) => r.status === 'running' && r.leaseOwner === owner)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((r) => ({ id: r.id, workflowId: r.workflowId }));
      return Promise.resolve(out);
    },
    saveDefinition(definition) {
      if (!definitions.has(definition.hash)) definitions.set(definition.hash, { ...definition });
      return done;
    },
    getDefinition(hash) {
      const d = definitions.get(hash);
      return Promise.resolve(d ? { ...d } : undefined);
    },
    listDefinitions(workflowId) {
      return Promise.resolve(
        [...definitions.values()].filter((d) => d.workflowId === workflowId).map((d) => ({ ...d })),
      );
    },
  };
  syncOps.set(store, { commitStep, apply, createRun, create });
  return store;
}

/** The memory stores' synchronous writes, by store (see {@link syncCommitOf}). */
const syncOps = new WeakMap<
  Store,
  {
    commitStep: Store['commitStep'];
    apply: (commit: StepCommit) => void;
    createRun: Store['createRun'];
    create: (run: RunRecord) => void;
  }
>();

/**
 * @internal For the engine: a memory store's commit applied synchronously (throwing what
 * `commitStep` would reject with), so a step's commit costs no promise. Undefined for any other
 * store, and for a memory store whose `commitStep` was replaced (wrapped, spied on): the engine
 * then calls `commitStep`.
 */
export function syncCommitOf(store: Store): ((commit: StepCommit) => void) | undefined {
  const s = syncOps.get(store);
  return s && store.commitStep === s.commitStep ? s.apply : undefined;
}

/** @internal The same for `createRun` (see {@link syncCommitOf}); checked once per engine. */
export function syncCreateOf(store: Store): ((run: RunRecord) => void) | undefined {
  const s = syncOps.get(store);
  return s && store.createRun === s.createRun ? s.create : undefined;
}
