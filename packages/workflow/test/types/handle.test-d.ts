/** Run handles: the result's output is typed by the workflow given; without one it is unknown. */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createEngine, type RunHandle, type RunResult, type RunStatus, workflow } from '../../src/index.js';

const wf = workflow({ id: 'typed', input: z.object({ n: z.number() }), output: z.object({ total: z.number() }) })
  .step('sum', async ({ input }) => ({ total: input.n }))
  .commit();
const engine = createEngine({ workflows: [wf] });

describe('engine.handle', () => {
  it('types the output by the workflow', async () => {
    const h = engine.handle('id', wf);
    expectTypeOf(h).toEqualTypeOf<RunHandle<{ total: number }>>();
    const r = await h.result({ timeout: '5s' });
    expectTypeOf(r).toEqualTypeOf<RunResult<{ total: number }>>();
    if (r.status === 'success') expectTypeOf(r.output.total).toBeNumber();
    expectTypeOf(await h.status()).toEqualTypeOf<RunStatus>();
    expectTypeOf(engine.handle('id').result).returns.resolves.toEqualTypeOf<RunResult<unknown>>();
  });

  it('refuses mis-wired options', () => {
    const h = engine.handle('id', wf);
    // @ts-expect-error timeout is a duration, not a boolean
    void h.result({ timeout: true });
    // @ts-expect-error the run id is a string
    engine.handle(42);
    // @ts-expect-error afterSeq is a number
    h.stream({ afterSeq: 'x' });
  });
});
