import { describe, expect, it } from 'vitest';
import { toMs } from './duration.js';

describe('toMs', () => {
  it('parses numbers and unit strings', () => {
    expect([toMs(5), toMs('250ms'), toMs('30s'), toMs('1.5m'), toMs('2h'), toMs('1d')]).toEqual([
      5, 250, 30_000, 90_000, 7_200_000, 86_400_000,
    ]);
  });
  it('rejects bad input saying what is accepted', () => {
    expect(() => toMs('soon' as never)).toThrow(/like 250ms, 30s/);
    expect(() => toMs(-1)).toThrow(/>= 0/);
  });
});
