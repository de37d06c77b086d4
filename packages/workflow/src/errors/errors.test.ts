import { describe, expect, it } from 'vitest';
import { StepFailedError, StepValidationError, TimeoutError, WorkflowDefinitionError } from './errors.js';
import { serializeError } from './serialize.js';
import { WeftError } from './weft-error.js';

describe('errors', () => {
  it('have stable codes, details and a JSON form with the cause chain', () => {
    const e = new StepFailedError('wf', 'a/b', 2, new TimeoutError('wf', 'a/b', 50));
    expect(e).toBeInstanceOf(WeftError);
    expect(e.code).toBe('WEFT_STEP_FAILED');
    expect(e.toJSON()).toMatchObject({
      name: 'StepFailedError',
      code: 'WEFT_STEP_FAILED',
      workflowId: 'wf',
      stepPath: 'a/b',
      attempts: 2,
      cause: { name: 'TimeoutError', code: 'WEFT_TIMEOUT', timeoutMs: 50 },
    });
    expect(JSON.parse(JSON.stringify(e)).cause.code).toBe('WEFT_TIMEOUT');
  });

  it('serializeError keeps typed details and non-Error throws', () => {
    const v = new StepValidationError('wf', 's', 'input', [{ path: ['a', 0], message: 'Required' }]);
    expect(serializeError(v)).toMatchObject({
      name: 'StepValidationError',
      code: 'WEFT_STEP_VALIDATION',
      details: { issues: [{ path: ['a', 0] }] },
    });
    expect(v.message).toContain('a.0: Required');
    expect(serializeError('plain')).toEqual({ name: 'NonError', message: 'plain' });
    expect(serializeError({ x: 1 })).toEqual({ name: 'NonError', message: '{"x":1}' });
  });

  it('instanceof WeftError works for errors branded by another copy of the library', () => {
    const foreign = new Error('x');
    Object.defineProperty(foreign, Symbol.for('weft.error'), { value: true });
    expect(foreign instanceof WeftError).toBe(true);
    expect(foreign instanceof WorkflowDefinitionError).toBe(false);
    expect(new Error('y') instanceof WeftError).toBe(false);
  });
});
