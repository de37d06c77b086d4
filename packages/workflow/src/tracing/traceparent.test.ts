import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

describe('traceparent', () => {
  it('parse ∘ format is the identity on span contexts (remote)', () => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 255 }), (traceId, spanId, traceFlags) => {
        const tp = formatTraceparent({ traceId, spanId, traceFlags });
        expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
        expect(parseTraceparent(tp)).toEqual({ traceId, spanId, traceFlags, isRemote: true });
      }),
    );
  });

  it('anything that is not a version-00 traceparent parses to undefined', () => {
    for (const bad of [
      undefined,
      '',
      '00-abc-def-01',
      `01-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      `00-${'A'.repeat(32)}-${'b'.repeat(16)}-01`,
    ])
      expect(parseTraceparent(bad)).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseTraceparent(s);
        if (r) expect(formatTraceparent(r)).toBe(s);
      }),
    );
  });
});
