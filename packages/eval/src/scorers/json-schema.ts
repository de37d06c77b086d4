/** jsonSchema: does the output (an object, or a JSON string) satisfy a zod schema? */
import type { z } from 'zod';
import type { Scorer } from './scorer.js';

/**
 * 1 when the output parses and satisfies `schema`, else 0 with the zod issues as rationale.
 *
 * @example
 * ```ts
 * jsonSchema(z.object({ city: z.string(), population: z.number() }));
 * ```
 */
export function jsonSchema(schema: z.ZodType): Scorer {
  return {
    name: 'jsonSchema',
    score({ output }) {
      let value: unknown = output;
      if (typeof output === 'string') {
        try {
          value = JSON.parse(output);
        } catch (error) {
          return { score: 0, rationale: `output is not valid JSON: ${(error as Error).message}` };
        }
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) return { score: 1, rationale: 'output satisfies the schema' };
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      return {
        score: 0,
        rationale: issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '),
        metadata: { issues },
      };
    },
  };
}
