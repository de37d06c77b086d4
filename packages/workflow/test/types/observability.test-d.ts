/** Types of run logs and step scopes: mis-wiring is a compile error. */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createEngine,
  type LogLine,
  type RunLogOptions,
  STEP_SCOPE,
  type StepScope,
  type StepScoped,
} from '../../src/index.js';

describe('run logs and step scopes (types)', () => {
  it('runLogs takes options or false, with the four levels only', () => {
    createEngine({ runLogs: { level: 'debug', maxLines: 10 } });
    createEngine({ runLogs: false });
    // @ts-expect-error not a level
    createEngine({ runLogs: { level: 'verbose' } });
    // @ts-expect-error a cap is a number
    createEngine({ runLogs: { maxLines: '10' } });
    expectTypeOf<LogLine['level']>().toEqualTypeOf<'debug' | 'info' | 'warn' | 'error'>();
    expectTypeOf<RunLogOptions>().toHaveProperty('maxFieldsChars');
  });

  it('a scoped resource implements the symbol method with the step scope', () => {
    const ok: StepScoped = { [STEP_SCOPE]: (_scope: StepScope, run: () => unknown) => run() };
    expectTypeOf(ok).toExtend<StepScoped>();
    // @ts-expect-error the method must be under the protocol key
    const bad: StepScoped = { stepScope: (_s: StepScope, run: () => unknown) => run() };
    void bad;
    // @ts-expect-error the scope carries the step path, not a "path"
    const wrong: StepScoped = { [STEP_SCOPE]: (_scope: { path: string }, run: () => unknown) => run() };
    void wrong;
  });
});
