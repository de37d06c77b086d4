import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type StepContext, step, workflow } from '../../src/index.js';

declare module '../../src/index.js' {
  interface Resources {
    llm: { complete(prompt: string): Promise<string> };
  }
}

describe('resources', () => {
  it('engine resources (augmented Resources) reach every step; workflow resources reach inline steps', () => {
    step({
      id: 's',
      input: z.string(),
      run: async ({ input, ctx }) => {
        expectTypeOf(ctx.resources.llm.complete).toEqualTypeOf<(prompt: string) => Promise<string>>();
        return ctx.resources.llm.complete(input);
      },
    });
    workflow({ id: 'w', resources: { db: { query: (sql: string) => [sql] } } }).step('q', async ({ ctx }) => {
      expectTypeOf(ctx.resources.db.query).toEqualTypeOf<(sql: string) => string[]>();
      expectTypeOf(ctx.resources.llm).toHaveProperty('complete');
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
