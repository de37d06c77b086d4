/** The step-scope protocol: resources implementing `Symbol.for('weft.stepScope')` wrap every step attempt. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  isStepScoped,
  STEP_SCOPE,
  type StepScope,
  type StepScoped,
  step,
  workflow,
} from '../../src/index.js';

function auditResource() {
  const als = new AsyncLocalStorage<StepScope>();
  const seen: StepScope[] = [];
  const res: StepScoped & { where(): StepScope | undefined } = {
    [STEP_SCOPE]: (scope, run) => {
      seen.push(scope);
      return als.run(scope, run);
    },
    where: () => als.getStore(),
  };
  return { res, seen };
}

describe('step scopes', () => {
  it('wraps each attempt of each step (parallel arms, retries) with its run, path and attempt', async () => {
    const { res, seen } = auditResource();
    const where = (id: string) =>
      step({
        id,
        retry: { attempts: 2, delay: 1 },
        run: async ({ ctx }) => {
          await new Promise((r) => setTimeout(r, 1));
          const s = (ctx.resources as { audit: typeof res }).audit.where();
          if (ctx.path === 'both/a' && ctx.attempt === 1) throw new Error('again');
          return { path: s?.stepPath, attempt: s?.attempt };
        },
      });
    const wf = workflow({ id: 'scoped', input: z.object({}) })
      .parallel([where('a'), where('b')], { id: 'both' })
      .commit();
    const engine = createEngine({ workflows: [wf], resources: { audit: res } });
    const r = await engine.run(wf).start({ input: {} });
    expect(r.status).toBe('success');
    expect(r.status === 'success' && r.output).toEqual({
      a: { path: 'both/a', attempt: 2 },
      b: { path: 'both/b', attempt: 1 },
    });
    expect(seen.map((s) => [s.stepPath, s.stepId, s.attempt, s.workflowId, s.runId === r.runId])).toEqual(
      expect.arrayContaining([
        ['both/a', 'a', 1, 'scoped', true],
        ['both/b', 'b', 1, 'scoped', true],
        ['both/a', 'a', 2, 'scoped', true],
      ]),
    );
    expect(seen).toHaveLength(3);
  });

  it('recognizes scoped resources by the protocol key only', () => {
    expect(STEP_SCOPE).toBe('~weftStepScope');
    expect(isStepScoped({ '~weftStepScope': () => undefined })).toBe(true);
    expect(isStepScoped({ stepScope: () => undefined })).toBe(false);
    expect(isStepScoped(null)).toBe(false);
  });
});
