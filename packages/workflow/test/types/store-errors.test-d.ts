import { describe, expectTypeOf, it } from 'vitest';
import {
  CorruptRowError,
  type StoreBusyError,
  type StoreConnectionError,
  type StoreError,
  type StoreFullError,
  type StoreReadOnlyError,
  type StoreUnavailableError,
  type WeftError,
} from '../../src/index.js';

describe('store error types', () => {
  it('CorruptRowError has readonly typed table / key / column fields', () => {
    expectTypeOf<CorruptRowError['table']>().toEqualTypeOf<string>();
    expectTypeOf<CorruptRowError['key']>().toEqualTypeOf<string>();
    expectTypeOf<CorruptRowError['column']>().toEqualTypeOf<string>();
    const e = new CorruptRowError('weft_steps', 'k', 'output', undefined);
    // @ts-expect-error readonly
    e.table = 'x';
  });

  it('every unavailable-store error is a StoreError and a WeftError with typed fields', () => {
    expectTypeOf<StoreFullError>().toExtend<StoreUnavailableError>();
    expectTypeOf<StoreReadOnlyError>().toExtend<StoreUnavailableError>();
    expectTypeOf<StoreBusyError>().toExtend<StoreUnavailableError>();
    expectTypeOf<StoreConnectionError>().toExtend<StoreUnavailableError>();
    expectTypeOf<StoreUnavailableError>().toExtend<StoreError>();
    expectTypeOf<StoreError>().toExtend<WeftError>();
    expectTypeOf<StoreUnavailableError['dialect']>().toEqualTypeOf<'sqlite' | 'postgres'>();
    expectTypeOf<StoreUnavailableError['driverCode']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<StoreConnectionError['outcome']>().toEqualTypeOf<'not-applied' | 'unknown'>();
  });
});
