// The 10-step chain of trivial zod-typed steps the `pg-workers` suite enqueues and its workers run.
import { step, workflow } from '@weft/workflow';
import { z } from 'zod';

const S = z.object({ n: z.number() });

export function pgChain() {
  let b: any = workflow({ id: 'pg-chain', input: S });
  for (let i = 0; i < 10; i++)
    b = b.step(step({ id: `s${i}`, input: S, output: S, run: async ({ input }) => ({ n: input.n + 1 }) }));
  return b.commit();
}
