import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logLine, runLogSettings } from './run-logs.js';

const settings = runLogSettings({ maxFieldsChars: 4000 }) as NonNullable<ReturnType<typeof runLogSettings>>;
const json = fc.oneof(
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

describe('logLine', () => {
  it('property: stored fields are what a JSON round trip gives, or a preview when too large', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(json, fc.array(json, { maxLength: 4 }), fc.dictionary(fc.string(), json)),
        ),
        (fields) => {
          const line = logLine(settings, 'info', 'm', 1, fields);
          const text = JSON.stringify(fields);
          if (Object.keys(fields).length === 0) expect(line.fields).toBeUndefined();
          else if (text.length > settings.maxFieldsChars) expect(line.fields).toMatchObject({ truncated: true });
          else expect(line.fields).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws: cycles, bigints and errors become JSON-safe', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(logLine(settings, 'warn', 'x', 2, cyclic).fields).toMatchObject({ unserializable: expect.any(String) });
    expect(logLine(settings, 'warn', 'x', 2, { n: 2n ** 70n }).fields).toEqual({ n: '1180591620717411303424' });
    expect(logLine(settings, 'error', 'x', 1, { e: new Error('boom', { cause: 'disk' }) }).fields?.e).toMatchObject({
      name: 'Error',
      message: 'boom',
      cause: { message: 'disk' },
    });
  });
});
