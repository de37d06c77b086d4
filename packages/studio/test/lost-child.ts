/** Child process for Studio's lost-attempt test: runs `hang` on a libsql file and hangs in its second step. */
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { z } from 'zod';

/** Step `two` hangs while WEFT_HANG is set (the test SIGKILLs the process there). */
export const hang = workflow({ id: 'hang', input: z.object({}) })
  .then(step({ id: 'one', run: async () => ({ ok: 1 }) }))
  .then(
    step({
      id: 'two',
      run: async ({ ctx }) => {
        ctx.logger.info('two running', { attempt: ctx.attempt });
        if (process.env.WEFT_HANG) {
          process.stdout.write('in-two\n');
          await new Promise(() => {});
        }
        return { attempt: ctx.attempt };
      },
    }),
  )
  .commit();

if (process.env.WEFT_HANG) {
  const [url, runId] = process.argv.slice(2) as [string, string];
  const engine = createEngine({ store: createStore({ url }), workflows: [hang], ownerId: 'dead-worker', leaseMs: 300 });
  await engine.run(hang, { runId }).start({ input: {} });
}
