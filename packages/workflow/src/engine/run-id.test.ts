import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newRunId } from './run-id.js';

/** The 48-bit Unix ms timestamp of a UUIDv7 string. */
const msOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newRunId', () => {
  it('returns RFC 9562 version-7 UUIDs carrying the current time', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => newRunId());
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(validate(id) && version(id)).toBe(7);
    }
    // Within one ms the counter may carry the timestamp forward by at most a few ms, never back.
    expect(msOf(ids[0] as string)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids[ids.length - 1] as string)).toBeLessThanOrEqual(after + 1);
  });

  it('is strictly increasing and unique within a process (many ids per millisecond)', () => {
    const ids = Array.from({ length: 20_000 }, () => newRunId());
    for (let i = 1; i < ids.length; i++) expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
