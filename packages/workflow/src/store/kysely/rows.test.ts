import { describe, expect, it } from 'vitest';
import { CorruptRowError, StoreValueError } from './errors.js';
import { AsyncLock } from './local-sqlite.js';
import { decode, encode, toRun } from './rows.js';

describe('rows', () => {
  it('encodes JSON once and maps undefined to NULL', () => {
    expect(encode({ a: [1, 'b'] }, 100, {})).toBe('{"a":[1,"b"]}');
    expect(encode(undefined, 100, {})).toBeNull();
    expect(encode(() => 1, 100, {})).toBeNull();
  });

  it('refuses values over the limit, measuring UTF-8 bytes', () => {
    expect(() => encode('é'.repeat(40), 60, { runId: 'r', path: 'p' })).toThrow(StoreValueError);
    expect(() => encode('é'.repeat(40), 60, { runId: 'r', path: 'p' })).toThrow(
      /at most 60 bytes at runId=r path=p, but it is 82 bytes/,
    );
    expect(encode('e'.repeat(40), 60, {})).toBe(`"${'e'.repeat(40)}"`);
    expect(() => encode({ n: 1n }, 100, {})).toThrow(/JSON-serializable/);
  });

  it('decodes, and reports a corrupt value with table, column and key', () => {
    expect(decode('{"x":1}', 't', 'k', 'c')).toEqual({ x: 1 });
    expect(decode(null, 't', 'k', 'c')).toBeUndefined();
    const error = (() => {
      try {
        decode('{"x":', 'weft_steps', 'run r step a#1', 'output');
      } catch (e) {
        return e;
      }
    })() as CorruptRowError;
    expect(error).toBeInstanceOf(CorruptRowError);
    expect(error.toJSON()).toMatchObject({ code: 'WEFT_STORE_CORRUPT_ROW', table: 'weft_steps', column: 'output' });
  });

  it('maps run rows, numbers from Postgres bigint strings, optional fields omitted', () => {
    const run = toRun({
      id: 'r',
      workflow_id: 'w',
      definition_hash: 'h',
      status: 'running',
      input: '1',
      output: null,
      error: null,
      parent_run_id: null,
      lease_owner: 'me',
      lease_expires_at: '1700000000000',
      created_at: '5',
      updated_at: 6,
    });
    expect(run).toEqual({
      id: 'r',
      workflowId: 'w',
      definitionHash: 'h',
      status: 'running',
      input: 1,
      leaseOwner: 'me',
      leaseExpiresAt: 1_700_000_000_000,
      createdAt: 5,
      updatedAt: 6,
    });
  });
});

describe('AsyncLock', () => {
  it('hands the lock over in FIFO order', async () => {
    const lock = new AsyncLock();
    const order: number[] = [];
    expect(lock.tryAcquire()).toBe(true);
    expect(lock.tryAcquire()).toBe(false);
    const a = lock.acquire().then(() => order.push(1));
    const b = lock.acquire().then(() => order.push(2));
    lock.release();
    await a;
    lock.release();
    await b;
    lock.release();
    expect(order).toEqual([1, 2]);
    expect(lock.tryAcquire()).toBe(true);
  });
});
