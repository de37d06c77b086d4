// The engine cases shared by the engine and tracing suites: a 10-step chain of trivial zod-typed
// steps and a fan-out of 8 parallel branches, built with the @weft/workflow module given (the
// package, or a build of another commit), checked to produce the right result once.
import { z } from 'zod';

export const S = z.object({ n: z.number() });
export type N = z.infer<typeof S>;

/** The chain and the fan-out workflows, and the engine factory of the same module. */
export async function chainAndFan(wf: typeof import('@weft/workflow')) {
  const { createEngine, step, workflow } = wf;
  const steps = Array.from({ length: 10 }, (_, i) =>
    step({ id: `s${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + 1 }) }),
  );
  let b: any = workflow({ id: 'chain', input: S });
  for (const s of steps) b = b.step(s);
  const chain = b.commit();
  const branches = Array.from({ length: 8 }, (_, i) =>
    step({ id: `p${i}`, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + i }) }),
  );
  const fan = workflow({ id: 'fan', input: S }).parallel(branches).commit();
  const check = await createEngine()
    .run(chain)
    .start({ input: { n: 0 } });
  if (check.status !== 'success' || (check.output as N).n !== 10) throw new Error('weft chain produced a wrong result');
  return { chain, fan, createEngine };
}
