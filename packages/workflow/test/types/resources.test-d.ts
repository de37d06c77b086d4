import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type Resources, type StepContext, step, workflow } from '../../src/index.js';

describe('resources', () => {
  // Engine-level resources are typed app-wide by augmenting `Resources` (see its TSDoc); not done
  // here because an augmentation in a test would leak into the package's API docs.
  it('standalone steps see the Resources registry; workflow resources reach inline steps typed', () => {
    step({
      id: 's',
      input: z.string(),
      run: async ({ ctx }) => {
        expectTypeOf(ctx.resources).toEqualTypeOf<Resources>();
        return 1;
      },
    });
    workflow({ id: 'w', resources: { db: { query: (sql: string) => [sql] } } }).step('q', async ({ ctx }) => {
      expectTypeOf(ctx.resources.db.query).toEqualTypeOf<(sql: string) => string[]>();
      return ctx.resources.db.query('select 1');
    });
  });

  it('the step context exposes run identity, idempotency key, signal, logger, emit and state', () => {
    expectTypeOf<StepContext>().toHaveProperty('idempotencyKey').toEqualTypeOf<string>();
    expectTypeOf<StepContext>().toHaveProperty('signal').toEqualTypeOf<AbortSignal>();
    expectTypeOf<StepContext['emit']>().toEqualTypeOf<(type: string, data?: unknown) => void>();
    expectTypeOf<StepContext['setState']>().parameter(0).toEqualTypeOf<Record<string, unknown>>();
  });
});
