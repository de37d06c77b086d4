import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isReparseIdentity } from './schema-purity.js';

describe('isReparseIdentity', () => {
  it('accepts plain validation schemas, defaults, refinements and coercion', () => {
    for (const s of [
      z.object({ n: z.number(), tags: z.array(z.string()).default([]), kind: z.enum(['a', 'b']).optional() }),
      z.string().refine((x) => x.length > 0),
      z.coerce.number(),
      z.union([z.string(), z.object({ a: z.number().nullable() })]),
      z.record(z.string(), z.number()),
    ]) {
      expect(isReparseIdentity(s)).toBe(true);
    }
  });
  it('rejects transforms, pipes, preprocess, overwrite checks and lazy schemas anywhere inside', () => {
    for (const s of [
      z.string().transform((x) => x.length),
      z.object({ a: z.string().trim() }),
      z.object({ deep: z.array(z.object({ n: z.preprocess((x) => x, z.number()) })) }),
      z.lazy(() => z.string()),
      z.string().pipe(z.string()),
    ]) {
      expect(isReparseIdentity(s)).toBe(false);
    }
  });
});
