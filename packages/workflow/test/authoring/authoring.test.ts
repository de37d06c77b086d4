/**
 * Authoring features on a real libsql file: typed reads of the input and earlier results, bail,
 * workflow-level default retry, interceptors, step timeouts at the top of the error, findCause on
 * stored errors, run deadlines in process.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  createStore,
  defineInterceptor,
  findCause,
  RunTimeoutError,
  type StepInterceptor,
  StepFailedError,
  step,
  TimeoutError,
  workflow,
} from '../../src/index.js';
import { tmpDir } from '../durable/helpers/stores.js';

const tmp = tmpDir('weft-authoring-unit-');
const store = createStore({ url: `file:${join(tmp.dir, 'weft.db')}` });
afterAll(async () => {
  await store.close();
  tmp.cleanup();
});
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('reading the input and earlier results', () => {
  it('steps, maps, predicates and conditions read getInitData / getStepResult / runId', async () => {
    const fetch = step({
      id: 'fetch',
      input: z.object({ repo: z.string() }),
      run: async ({ input }) => ({ stars: input.repo.length }),
    });
    const wf = workflow({ id: 'reads', input: z.object({ repo: z.string(), min: z.number().default(3) }) })
      .step(fetch)
      .step('score', async ({ input, getInitData, getStepResult, runId }) => ({
        score: input.stars * 2,
        repo: getInitData().repo,
        fetched: getStepResult('fetch').stars,
        byStep: getStepResult(fetch).stars,
        runId,
      }))
      .map(({ input, getInitData }) => ({ ...input, min: getInitData().min }))
      .dountil(
        step({
          id: 'bump',
          input: z.looseObject({ score: z.number(), min: z.number() }),
          run: async ({ input }) => ({ ...input, score: input.score + 1 }),
        }),
        ({ output, getStepResult }) => output.score >= getStepResult('score').score + 2,
      )
      .commit();
    const engine = createEngine({ store });
    const run = engine.run(wf);
    const r = await run.start({ input: { repo: 'acme' } });
    expect(r).toMatchObject({
      status: 'success',
      output: { score: 10, min: 3, repo: 'acme', fetched: 4, byStep: 4, runId: run.runId },
    });
  });

  it('a nested workflow reads its own input and its own steps', async () => {
    const inner = workflow({ id: 'inner', input: z.object({ k: z.number() }) })
      .step('double', async ({ input }) => input.k * 2)
      .step('echo', async ({ getInitData, getStepResult }) => ({ init: getInitData(), d: getStepResult('double') }))
      .commit();
    const outer = workflow({ id: 'outer', input: z.object({ n: z.number() }) })
      .map(({ input }) => ({ k: input.n + 1 }))
      .then(inner)
      .step('top', async ({ input, getInitData }) => ({ ...input, outerInit: getInitData() }))
      .commit();
    const r = await createEngine({ store })
      .run(outer)
      .start({ input: { n: 1 } });
    expect(r).toMatchObject({ status: 'success', output: { init: { k: 2 }, d: 4, outerInit: { n: 1 } } });
  });
});

describe('arm outputs by id-based path', () => {
  it('parallel and branch arms are read at <id>/<armId>', async () => {
    const lint = step({ id: 'lint', run: async () => ({ warnings: 2 }) });
    const test = step({ id: 'test', run: async () => ({ passed: true }) });
    const wf = workflow({ id: 'arms' })
      .parallel([lint, test], { id: 'review' })
      .branch([[() => false, step({ id: 'never', run: async () => 'x' })]], {
        id: 'pick',
        default: step({ id: 'dflt', run: async () => 'd' }),
      })
      .step('report', async ({ getStepResult }) => ({
        warnings: getStepResult('review/lint').warnings,
        passed: getStepResult('review').test.passed,
        never: getStepResult('pick/never') ?? null,
        dflt: getStepResult('pick/dflt'),
      }))
      .commit();
    const r = await createEngine({ store }).run(wf).start({ input: undefined });
    expect(r).toMatchObject({ status: 'success', output: { warnings: 2, passed: true, never: null, dflt: 'd' } });
  });

  it('without an id, arms are read at their own step id, also after a resume in another engine', async () => {
    const lint = step({ id: 'lint', run: async () => ({ warnings: 2 }) });
    const gate = step({
      id: 'gate',
      resumeSchema: z.object({ ok: z.boolean() }),
      run: async ({ resumeData, suspend }) => (resumeData ? resumeData.ok : suspend(undefined)),
    });
    const lintAgain = step({ id: 'lint', run: async () => 'again' });
    const wf = workflow({ id: 'arms-positional' })
      .step('held', async () => 'upstream')
      .parallel([lint, gate])
      .branch([[() => false, step({ id: 'never', run: async () => 'x' })]], {
        default: step({ id: 'held', run: async () => 'arm' }),
      })
      .step('report', async ({ getStepResult }) => ({
        warnings: getStepResult('lint').warnings,
        ok: getStepResult(gate),
        never: getStepResult('never') ?? null,
        held: getStepResult('held'),
      }))
      .map(({ input, steps }) => ({ ...input, keys: Object.keys(steps).sort() }), { id: 'keys' })
      .step(lintAgain)
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const run = engine.run(wf);
    const first = await run.start({ input: undefined });
    expect(first).toMatchObject({
      status: 'suspended',
      suspended: [expect.objectContaining({ path: 'parallel-2/gate' })],
    });
    // Another engine on the same file replays the run: the aliases are rebuilt from the stored rows.
    const other = createEngine({ store, workflows: [wf] });
    const r = await other.run(wf, { runId: run.runId }).resume({ step: 'parallel-2/gate', data: { ok: true } });
    expect(r).toMatchObject({ status: 'success', output: 'again' });
    expect(r.steps.keys).toEqual({
      warnings: 2,
      ok: true,
      never: null,
      held: 'upstream', // an id an upstream step holds keeps its own output
      keys: [
        'branch-3',
        'branch-3/held',
        'gate',
        'held',
        'lint',
        'parallel-2',
        'parallel-2/gate',
        'parallel-2/lint',
        'report',
      ],
    });
    expect(r.steps.lint).toBe('again'); // a later step with an arm's id replaces it
  });
});

describe('bail', () => {
  it('ends the run successfully with the bailed output; later steps never run, and a replay ends there too', async () => {
    let later = 0;
    const wf = workflow({
      id: 'bails',
      input: z.object({ cached: z.boolean() }),
      output: z.object({ answer: z.string() }),
    })
      .step('lookup', async ({ input, bail }) => (input.cached ? bail({ answer: 'from cache' }) : { q: 'x' }))
      .step('expensive', async () => {
        later++;
        return { answer: 'computed' };
      })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: { cached: true } });
    expect(r).toMatchObject({ status: 'success', output: { answer: 'from cache' } });
    expect(later).toBe(0);
    const events = await store.readEvents(r.runId);
    expect(events.map((e) => e.type)).toEqual(['run:start', 'step:success', 'step:bail', 'run:success']);
    // A bailed output that violates the workflow output schema fails the run.
    const bad = workflow({ id: 'bad-bail', output: z.object({ answer: z.string() }) })
      .step('b', async ({ bail }) => bail({ answer: 1 } as never))
      .commit();
    const f = await engine.run(bad).start({ input: undefined });
    expect(f).toMatchObject({ status: 'failed', error: { code: 'WEFT_STEP_VALIDATION' } });
  });

  it('a bail inside a parallel branch ends the run after the siblings settle', async () => {
    const wf = workflow({ id: 'bail-par' })
      .parallel([step({ id: 'x', run: async ({ bail }) => bail('early') }), step({ id: 'y', run: async () => 'y' })])
      .step('after', async () => 'never')
      .commit();
    const r = await createEngine({ store }).run(wf).start({ input: undefined });
    expect(r).toMatchObject({ status: 'success', output: 'early' });
    expect(r.steps.after).toBeUndefined();
  });
});

describe('workflow defaults: retry and interceptors', () => {
  it('steps without their own retry use the workflow default; their own wins', async () => {
    const tries = { a: 0, b: 0 };
    const wf = workflow({ id: 'default-retry', retry: { attempts: 3, delay: 0 } })
      .step('a', async () => {
        if (++tries.a < 3) throw new Error('flaky');
        return 'a';
      })
      .step(
        'b',
        async () => {
          tries.b++;
          throw new Error('down');
        },
        { retry: { attempts: 1 } },
      )
      .commit();
    const r = await createEngine({ store, logger: quiet }).run(wf).start({ input: undefined });
    expect(tries).toEqual({ a: 3, b: 1 });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(StepFailedError);
  });

  it('interceptors compose engine-first, can replace input, skip the step (cache) and see errors', async () => {
    const order: string[] = [];
    const cache = new Map<string, unknown>([['cached', 'from-cache']]);
    const tracing: StepInterceptor = async (call, next) => {
      order.push(`trace>${call.path}#${call.attempt}`);
      try {
        return await next(call);
      } finally {
        order.push(`trace<${call.path}`);
      }
    };
    const caching: StepInterceptor = async (call, next) =>
      cache.has(call.stepId) ? cache.get(call.stepId) : next(call);
    const auth = defineInterceptor<{ n: number }, unknown>({
      before: (call) => ({ ...call.input, n: call.input.n * 100 }),
      after: (_call, output) => ({ wrapped: output }),
      onError: (call, e) => void order.push(`error:${call.path}:${(e as Error).message}`),
    });
    const wf = workflow({ id: 'intercepted', input: z.object({ n: z.number() }), interceptors: [caching, auth] })
      .step('cached', async () => 'real')
      .map(({ getInitData }) => getInitData())
      .step('scaled', async ({ input }) => input.n + 1)
      .commit();
    const engine = createEngine({ store, interceptors: [tracing] });
    const r = await engine.run(wf).start({ input: { n: 2 } });
    expect(r).toMatchObject({ status: 'success', output: { wrapped: 201 }, steps: { cached: 'from-cache' } });
    expect(order).toEqual(['trace>cached#1', 'trace<cached', 'trace>scaled#1', 'trace<scaled']);
    const failing = workflow({ id: 'intercepted-fail', input: z.object({ n: z.number() }), interceptors: [auth] })
      .step('boom', async () => {
        throw new Error('nope');
      })
      .commit();
    const f = await engine.run(failing).start({ input: { n: 1 } });
    expect(f.status).toBe('failed');
    expect(order).toContain('error:boom:nope');
  });
});

describe('timeouts and deadlines', () => {
  it("a step's timeout is the run's error, also when read back from the store (findCause)", async () => {
    const wf = workflow({ id: 'slow-step' })
      .step('slow', () => new Promise((r) => setTimeout(r, 500)), { timeout: 20 })
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: undefined });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(TimeoutError);
    // Another engine reads the stored run: the error is restored, findCause still finds it.
    const other = createEngine({ store, workflows: [wf] });
    const again = await other.execute(r.runId);
    expect(again.status).toBe('failed');
    const found = again.status === 'failed' ? findCause(again.error, TimeoutError) : undefined;
    expect(found).toMatchObject({ name: 'TimeoutError', code: 'WEFT_TIMEOUT', stepPath: 'slow', timeoutMs: 20 });
    expect(findCause(new StepFailedError('w', 's', 1, new TimeoutError('w', 's', 5)), TimeoutError)?.timeoutMs).toBe(5);
    expect(findCause(new Error('x'), 'WEFT_TIMEOUT')).toBeUndefined();
  });

  it('a bad run timeout is a TypeError naming the workflow; nothing is stored', async () => {
    const wf = workflow({ id: 'bad-timeout' })
      .step('a', async () => 'a')
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const run = engine.run(wf);
    await expect(run.start({ input: undefined, timeout: -1 })).rejects.toThrow(
      /run `timeout` of workflow "bad-timeout".*>= 0, got -1/,
    );
    await expect(run.start({ input: undefined, timeout: 'soon' as never })).rejects.toThrow(TypeError);
    expect(await store.getRun(run.runId)).toBeUndefined();
    expect(() => workflow({ id: 'x', timeout: 'never' as never })).toThrow(TypeError);
  });

  it('a run deadline aborts the running step and fails the run with RunTimeoutError', async () => {
    let aborted: unknown;
    const wf = workflow({ id: 'deadline', timeout: '5s' })
      .step('a', async () => 'a')
      .step(
        'wait',
        ({ signal }) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              reject(signal.reason);
            });
          }),
      )
      .commit();
    const engine = createEngine({ store, workflows: [wf] });
    const r = await engine.run(wf).start({ input: undefined, timeout: 50 });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(RunTimeoutError);
    expect(aborted).toBeInstanceOf(RunTimeoutError);
    const rec = await store.getRun(r.runId);
    expect(rec).toMatchObject({ status: 'failed', error: { code: 'WEFT_RUN_TIMEOUT' } });
    expect(rec?.deadlineAt).toBeGreaterThan(rec?.createdAt ?? 0);
    expect(r.steps.a).toBe('a');
  });
});
