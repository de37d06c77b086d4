import { describe, expect, it } from 'vitest';
import { CycleError } from '../errors/native-error.js';
import { criticalPath, topoBatches } from './topo.js';

describe('topoBatches (ts)', () => {
  it('levels with stable order', () => {
    expect(
      topoBatches(
        ['ship', 'build', 'lint', 'test'],
        [
          ['build', 'test'],
          ['lint', 'ship'],
          ['test', 'ship'],
        ],
      ),
    ).toEqual([['build', 'lint'], ['test'], ['ship']]);
  });
  it('throws CycleError with a path', () => {
    let err: unknown;
    try {
      topoBatches(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'b'],
          ['c', 'd'],
        ],
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CycleError);
    expect((err as CycleError).code).toBe('CYCLE');
    expect((err as CycleError).cycle).toEqual(['b', 'c', 'b']);
    expect((err as CycleError).message).toContain('b -> c -> b');
  });
  it('criticalPath', () => {
    expect(
      criticalPath(
        ['a', 'b', 'c'],
        [
          ['a', 'b'],
          ['a', 'c'],
        ],
        { c: 5 },
      ),
    ).toEqual({ path: ['a', 'c'], length: 6 });
    expect(criticalPath([], [])).toEqual({ path: [], length: 0 });
  });
});
