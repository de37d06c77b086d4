// The workflow of the `handle` bench suite: three trivial steps.
import { workflow } from '@weft/workflow';
import { z } from 'zod';

export const handleWorkflow = workflow({ id: 'bench-handle', input: z.object({ n: z.number() }) })
  .step('a', async ({ input }) => input.n + 1)
  .step('b', async ({ input }) => input + 1)
  .step('c', async ({ input }) => input + 1)
  .commit();
