/**
 * A worker: claims queued runs and runs whose lease expired, executes them through the engine,
 * keeps their leases alive with heartbeats, and fires due timers (sleeps, waitForEvent and
 * approval timeouts). Run as many as you like, in as many processes or machines as share the
 * store: claims are atomic (Postgres `FOR UPDATE SKIP LOCKED`, libsql one conditional UPDATE),
 * so each run is held by one worker at a time, and a dead worker's runs come back when its leases
 * expire.
 */
import type { Workflow } from '../definition/workflow.js';
import { createEngine } from '../engine/engine.js';
import type { Engine } from '../engine/types.js';
import type { ClaimOptions, RunRecord, Store, TimerRecord } from '../store/store.js';
import { LeaseLostError } from '../errors/errors.js';
import { WorkerConfigError } from './errors.js';
import { flowOf } from '../flow-control/engine-flow.js';
import { executeClaimed } from '../engine/claimed.js';

/** Options of {@link createWorker}: an `engine`, or a `store` and the `workflows` to run. */
export interface WorkerOptions {
  /** The engine that executes runs; its store is the one claimed from, its `ownerId` the lease owner. */
  engine?: Engine;
  /** With `workflows`, instead of `engine`: the store to claim from (an engine is created over it). */
  store?: Store;
  /** With `store`: the workflows this worker executes (it claims only their runs). */
  workflows?: Workflow<string, any, any>[];
  /** With `store`: lease owner id of this worker (default: a random id). */
  workerId?: string;
  /** Max runs (and timers) this worker executes at once. Default 10. */
  concurrency?: number;
  /** Lease length in ms; renewed every `leaseMs / 3` while a run executes. Default 30 000. */
  leaseMs?: number;
  /** Pause between polls when there was nothing to do, in ms. Default 250. */
  pollMs?: number;
  /** Only claim runs of these workflow ids (default: every workflow). */
  workflowIds?: string[];
  /**
   * Global limits of running runs per workflow id, across every worker sharing the store. Exact on
   * the durable stores (count and claim in one transaction); best effort on other stores.
   */
  workflowConcurrency?: Record<string, number>;
  /** Fire due timers (default true). */
  timers?: boolean;
  /** Called with errors of the loop, executions and timers (default: console.error). */
  onError?: (error: unknown, context: { runId?: string; timerId?: string }) => void;
}

/** A running worker. */
export interface Worker {
  /** Lease owner id (the engine's `ownerId`). */
  readonly id: string;
  /** Runs and timers currently executing. */
  readonly active: number;
  /** Starts polling; idempotent. */
  start(): void;
  /** Stops claiming, waits for executing runs to finish or suspend, stops heartbeats. */
  stop(): Promise<void>;
  /** One poll: claims and starts runs, fires due timers; resolves to how many it started. */
  tick(): Promise<number>;
  /** Resolves when nothing is executing. */
  idle(): Promise<void>;
  /**
   * `stop()`, then closes the engine if the worker created it (`createWorker({ store, workflows })`);
   * the worker holds no timer afterwards. Also `await using worker = createWorker(…)`.
   */
  close(): Promise<void>;
  /** Same as {@link Worker.close}. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates a worker over an engine.
 *
 * @example
 * ```ts
 * const store = createStore({ url: 'postgres://localhost/app' });
 * const engine = createEngine({ store, workflows: [triage] });
 * const worker = createWorker({ engine, concurrency: 20 });
 * // or, without an engine of your own: createWorker({ store, workflows: [triage], concurrency: 20 })
 * worker.start();
 * process.on('SIGTERM', () => worker.stop());
 * ```
 */
export function createWorker(options: WorkerOptions): Worker {
  const engine = engineFor(options);
  const concurrency = options.concurrency ?? 10;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new WorkerConfigError(`Expected concurrency to be an integer from 1 and up, got ${String(concurrency)}.`);
  }
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 250;
  if (!(leaseMs > 0) || !(pollMs >= 0)) {
    throw new WorkerConfigError(`Expected leaseMs > 0 and pollMs >= 0, got leaseMs=${leaseMs} pollMs=${pollMs}.`);
  }
  const store: Store = engine.store;
  const workflowIds = options.workflowIds ?? (options.engine ? undefined : options.workflows?.map((w) => w.id));
  const id = engine.ownerId;
  const onError =
    options.onError ??
    ((error: unknown, context: { runId?: string; timerId?: string }) => {
      console.error(`[weft worker ${id}]`, context, error);
    });
  const limits = options.workflowConcurrency ?? {};
  const limitedStore = store as Store & {
    claimRunsLimited?: (o: ClaimOptions & { workflowId: string; maxRunning: number }) => Promise<RunRecord[]>;
  };
  const limited = Object.keys(limits);

  const runs = new Map<string, Promise<void>>();
  const timers = new Map<string, Promise<void>>();
  let started = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let wake: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  const activeCount = () => runs.size + timers.size;
  const settle = () => {
    wake?.();
    if (activeCount() === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  /** `fromClaim`: the record comes straight from this worker's claim (executed without reading it again). */
  const launch = (run: RunRecord, fromClaim = false) => {
    const p = (fromClaim ? executeClaimed(engine, run) : engine.execute(run.id, { claimed: true }))
      .then(
        () => undefined,
        // Lost to another worker (this one stalled past its lease): the engine logged it and the
        // run goes on there. Not an error of this worker.
        (error) => (error instanceof LeaseLostError ? undefined : onError(error, { runId: run.id })),
      )
      .finally(() => {
        runs.delete(run.id);
        settle();
      });
    runs.set(run.id, p);
  };

  // A sleep whose run is still `running` sleeps in its process, which wakes it; if that process died,
  // the run comes back through its expired lease and claimRuns. (engine.fireTimer would also take
  // such a run over exclusively — a compare-and-set on the expired owner — but claiming is the one
  // path for running runs, so only suspended sleepers, long sleeps, are woken by their timer.)
  const fireOrSkip = async (timer: TimerRecord): Promise<unknown> => {
    if (timer.kind === 'sleep' && (await store.getRun(timer.runId))?.status === 'running') return undefined;
    return engine.fireTimer(timer);
  };

  const fire = (timer: TimerRecord) => {
    const p = fireOrSkip(timer)
      .then(async () => {
        // Removed only after it fired: a worker dying in between leaves it to fire again later.
        const maybe = store as Store & { deleteTimer?: (id: string) => Promise<void> };
        if (maybe.deleteTimer) await maybe.deleteTimer(timer.id);
      })
      .catch((error) => onError(error, { runId: timer.runId, timerId: timer.id }))
      .finally(() => {
        timers.delete(timer.id);
        settle();
      });
    timers.set(timer.id, p);
  };

  const claim = async (free: number): Promise<RunRecord[]> => {
    const base = workflowIds;
    if (limited.length === 0)
      return store.claimRuns({ owner: id, leaseMs, limit: free, ...(base ? { workflowIds: base } : {}) });
    const claimed: RunRecord[] = [];
    // Unlimited workflows first in one claim, then each limited workflow up to its free slots.
    const unlimited = base ? base.filter((w) => !(w in limits)) : undefined;
    if (!base || (unlimited && unlimited.length > 0)) {
      claimed.push(
        ...(await store.claimRuns({
          owner: id,
          leaseMs,
          limit: free,
          ...(unlimited ? { workflowIds: unlimited } : { excludeWorkflowIds: limited }),
        })),
      );
    }
    for (const workflowId of limited) {
      if (base && !base.includes(workflowId)) continue;
      const slots = free - claimed.length;
      if (slots <= 0) break;
      const max = limits[workflowId] as number;
      if (limitedStore.claimRunsLimited) {
        // Durable stores count and claim in one transaction: exact across workers.
        claimed.push(
          ...(await limitedStore.claimRunsLimited({ owner: id, leaseMs, limit: slots, workflowId, maxRunning: max })),
        );
        continue;
      }
      const page = await store.listRuns({ status: 'running', workflowId, limit: max });
      const now = Date.now();
      const busy = page.runs.filter((r) => (r.leaseExpiresAt ?? 0) > now).length;
      const room = Math.min(slots, max - busy);
      if (room > 0)
        claimed.push(...(await store.claimRuns({ owner: id, leaseMs, limit: room, workflowIds: [workflowId] })));
    }
    return claimed;
  };

  // Runs still leased to this worker's id: a previous process with the same id died. They are taken
  // back on the first ticks after start(), without waiting for their leases to expire.
  let own: string[] | undefined;
  const takeOwn = async (): Promise<number> => {
    if (own === undefined) {
      const leased = (await store.listLeasedRuns?.(id)) ?? [];
      own = leased.filter((r) => !workflowIds || workflowIds.includes(r.workflowId)).map((r) => r.id);
    }
    let n = 0;
    while (own.length > 0 && concurrency - activeCount() > 0 && !stopping) {
      const runId = own.shift() as string;
      if (runs.has(runId)) continue;
      launch({ id: runId } as RunRecord);
      n++;
    }
    return n;
  };

  const tick = async (): Promise<number> => {
    let startedNow = await takeOwn();
    const free = concurrency - activeCount();
    if (free > 0 && !stopping) {
      // Due schedule ticks and flow-controlled runs (src/flow-control) first, then the plain claim.
      const flow = flowOf(engine);
      const gated = flow ? await flow.tick(id, free, workflowIds) : [];
      for (const run of gated) {
        if (runs.has(run.id)) continue;
        launch(run);
        startedNow++;
      }
      const rest = concurrency - activeCount();
      for (const run of rest > 0 ? await claim(rest) : []) {
        if (runs.has(run.id)) continue;
        launch(run, true);
        startedNow++;
      }
    }
    const timerSlots = concurrency - activeCount();
    if (options.timers !== false && timerSlots > 0 && !stopping) {
      for (const timer of await store.takeDueTimers(Date.now(), timerSlots)) {
        fire(timer);
        startedNow++;
      }
    }
    return startedNow;
  };

  const renew = async () => {
    const ids = [...runs.keys()];
    if (ids.length === 0) return;
    try {
      await store.renewLeases(id, ids, leaseMs);
    } catch (error) {
      onError(error, {});
    }
  };

  const run = async () => {
    while (!stopping) {
      let n = 0;
      try {
        n = await tick();
      } catch (error) {
        onError(error, {});
      }
      if (stopping) break;
      // Busy: poll again right away when a slot frees up; idle: wait pollMs.
      if (n === 0 || activeCount() >= concurrency) {
        await new Promise<void>((resolve) => {
          // Idle: wake up for the next schedule tick if it comes before the next poll.
          const idle = Math.min(pollMs, Math.max(10, (flowOf(engine)?.nextWakeAt() ?? Infinity) - Date.now()));
          const timer = setTimeout(resolve, activeCount() >= concurrency ? Math.max(pollMs, 1000) : idle);
          // Woken by a run ending: the others ending in the same turn (a group commit returns many
          // at once) free their slots first, so one claim takes all of them.
          wake = () => {
            clearTimeout(timer);
            setImmediate(resolve);
          };
        });
        wake = undefined;
      }
    }
  };

  return {
    id,
    get active() {
      return activeCount();
    },
    start() {
      if (started) return;
      started = true;
      stopping = false;
      own = undefined;
      heartbeat = setInterval(renew, Math.max(10, Math.floor(leaseMs / 3)));
      heartbeat.unref?.();
      loop = run();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await Promise.all([...runs.values(), ...timers.values()]);
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
      started = false;
    },
    tick,
    idle() {
      if (activeCount() === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      await this.stop();
      if (!options.engine) await engine.close();
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

function engineFor(options: WorkerOptions): Engine {
  if (options.engine !== undefined) {
    if (typeof options.engine?.execute !== 'function') {
      throw new WorkerConfigError(
        'Expected createWorker({ engine }) with an engine from createEngine({ store, workflows }).',
      );
    }
    return options.engine;
  }
  if (!options.store || !Array.isArray(options.workflows) || options.workflows.length === 0) {
    throw new WorkerConfigError(
      'Expected createWorker({ engine }) or createWorker({ store, workflows: [...] }) with at least one workflow.',
    );
  }
  return createEngine({
    store: options.store,
    workflows: options.workflows,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.workerId === undefined ? {} : { ownerId: options.workerId }),
  });
}
