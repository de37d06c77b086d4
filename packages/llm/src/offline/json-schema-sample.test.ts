import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleJsonSchema } from './json-schema-sample.js';

const source = (seed: number) => {
  let s = seed;
  return { clauses: ['Write the report', 'Review it'], rand: () => (s = (s * 16807) % 2147483647) / 2147483647 };
};

// Random zod schemas built from the shapes structured output commonly uses.
const leaf = fc.constantFrom<z.ZodType>(
  z.string(),
  z.string().min(5).max(12),
  z.email(),
  z.uuid(),
  z.iso.datetime(),
  z.number(),
  z.number().int().min(-5).max(5),
  z.number().positive().lt(1),
  z.boolean(),
  z.enum(['x', 'y']),
  z.literal(42),
  z.string().nullable(),
  z.string().regex(/^[a-z]+$/),
);
const schemaArb: fc.Arbitrary<z.ZodType> = fc.letrec<{ node: z.ZodType }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .dictionary(fc.stringMatching(/^[a-z]{1,8}$/), tie('node'), { minKeys: 1, maxKeys: 4 })
      .map((shape) => z.object(shape)),
    tie('node').map((n) => z.array(n).min(1).max(3)),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => z.union([a, b])),
  ),
})).node;

describe('sampleJsonSchema', () => {
  it('produces values valid against random zod schemas', () => {
    fc.assert(
      fc.property(schemaArb, fc.integer({ min: 1, max: 1_000_000 }), (schema, seed) => {
        const value = sampleJsonSchema(z.toJSONSchema(schema, { target: 'draft-7' }) as object, source(seed));
        const parsed = schema.safeParse(value);
        if (!parsed.success)
          throw new Error(
            `${JSON.stringify(z.toJSONSchema(schema))} rejected ${JSON.stringify(value)}: ${parsed.error.message}`,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic for a seed and follows $ref', () => {
    const schema = {
      $defs: {
        item: { type: 'object', properties: { n: { type: 'integer', minimum: 3, maximum: 3 } }, required: ['n'] },
      },
      type: 'array',
      items: { $ref: '#/$defs/item' },
      minItems: 1,
    } as const;
    const a = sampleJsonSchema(schema as object, source(7));
    expect(a).toEqual(sampleJsonSchema(schema as object, source(7)));
    expect(a).toEqual([{ n: 3 }, { n: 3 }]);
  });
});
