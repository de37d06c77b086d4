import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, DagCycleError, StepFailedError, StepValidationError, step, workflow } from '../../src/index.js';

const planner = (tasks: { id: string; dependsOn?: string[]; cmd?: string }[]) =>
  step({ id: 'plan', run: async () => ({ tasks }) });

describe('dag', () => {
  it('runs tasks in topological batches with a concurrency limit and reports per-task status', async () => {
    const order: string[] = [];
    let now = 0;
    let max = 0;
    const wf = workflow({ id: 'd' })
      .step(
        planner([
          { id: 'build' },
          { id: 'lint' },
          { id: 'unit', dependsOn: ['build'] },
          { id: 'e2e', dependsOn: ['build'] },
          { id: 'ship', dependsOn: ['unit', 'e2e', 'lint'] },
        ]),
      )
      .dag('ci', {
        concurrency: 2,
        run: async ({ task, results }) => {
          now++;
          max = Math.max(max, now);
          order.push(task.id);
          await new Promise((r) => setTimeout(r, 2));
          now--;
          return `${task.id}(${Object.keys(results).sort().join(',')})`;
        },
      })
      .commit();
    const r = await createEngine().run(wf).start({ input: null });
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    expect(r.output.status).toBe('succeeded');
    expect(r.output.batches).toEqual([['build', 'lint'], ['unit', 'e2e'], ['ship']]);
    expect(r.output.results.ship).toBe('ship(e2e,lint,unit)');
    expect(r.output.tasks.every((t) => t.status === 'succeeded')).toBe(true);
    expect(max).toBeLessThanOrEqual(2);
    expect(order.indexOf('ship')).toBe(4);
    expect(r.steps['ci/unit']).toBe('unit(build)');
  });

  it('a cycle is a DagCycleError naming the cycle', async () => {
    const wf = workflow({ id: 'cyc' })
      .step(
        planner([
          { id: 'a', dependsOn: ['c'] },
          { id: 'b', dependsOn: ['a'] },
          { id: 'c', dependsOn: ['b'] },
        ]),
      )
      .dag('g', { run: async () => 1 })
      .commit();
    const r = await createEngine().run(wf).start({ input: null });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.error).toBeInstanceOf(DagCycleError);
    expect((r.error as DagCycleError).cycle.length).toBeGreaterThanOrEqual(3);
    expect(r.error.message).toMatch(/form a cycle: .*->/);
  });

  it('unknown dependencies are reported as validation issues', async () => {
    const wf = workflow({ id: 'unk' })
      .step(planner([{ id: 'a', dependsOn: ['ghost'] }]))
      .dag('g', { run: async () => 1 })
      .commit();
    const r = await createEngine().run(wf).start({ input: null });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(StepValidationError);
  });

  it("failurePolicy 'continue' skips only the failed task's dependants", async () => {
    const wf = workflow({ id: 'cont' })
      .step(
        planner([
          { id: 'a' },
          { id: 'b', dependsOn: ['a'] },
          { id: 'c' },
          { id: 'd', dependsOn: ['c'] },
          { id: 'e', dependsOn: ['b'] },
        ]),
      )
      .dag('g', {
        failurePolicy: 'continue',
        run: async ({ task }) => {
          if (task.id === 'a') throw new Error('a broke');
          return task.id;
        },
      })
      .commit();
    const r = await createEngine().run(wf).start({ input: null });
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    const st = Object.fromEntries(r.output.tasks.map((t) => [t.id, t.status]));
    expect(st).toEqual({ a: 'failed', b: 'skipped', c: 'succeeded', d: 'succeeded', e: 'skipped' });
    expect(r.output.status).toBe('failed');
    expect(r.output.tasks[0]?.error?.message).toMatch(/a broke/);
  });

  it("failurePolicy 'fail-fast' fails the run at the first failed task", async () => {
    const ran: string[] = [];
    const wf = workflow({ id: 'ff' })
      .step(planner([{ id: 'a' }, { id: 'b', dependsOn: ['a'] }]))
      .dag('g', {
        run: async ({ task }) => {
          ran.push(task.id);
          throw new Error('nope');
        },
      })
      .commit();
    const r = await createEngine().run(wf).start({ input: null });
    expect(r.status === 'failed' && r.error).toBeInstanceOf(StepFailedError);
    expect(ran).toEqual(['a']);
  });

  it('tasks can come from a function and run through a typed step', async () => {
    const exec = step({
      id: 'exec',
      input: z.object({ id: z.string(), cmd: z.string() }),
      run: async ({ input }) => input.cmd.length,
    });
    const wf = workflow({ id: 'fn', input: z.object({ cmds: z.array(z.string()) }) })
      .dag('g', {
        tasks: ({ input }) => input.cmds.map((cmd, i) => ({ id: `t${i}`, cmd, dependsOn: i ? [`t${i - 1}`] : [] })),
        run: exec,
      })
      .commit();
    const r = await createEngine()
      .run(wf)
      .start({ input: { cmds: ['ls', 'pwd'] } });
    expect(r.status === 'success' && r.output.results).toEqual({ t0: 2, t1: 3 });
  });
});
