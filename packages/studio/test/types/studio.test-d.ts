import { createApprovalService } from '@weft/approval';
import {
  createStudioHandler,
  type RunFilter,
  type RunningStudio,
  type StudioEngineLike,
  type StudioHandler,
  startStudio,
  toNodeListener,
} from '@weft/studio';
import { createEngine, createMemoryStore, createStore, type RunStatus } from '@weft/workflow';
import { describe, expectTypeOf, it } from 'vitest';

describe('studio types', () => {
  const store = createStore({ url: ':memory:' });
  const engine = createEngine({ store, workflows: [] });

  it('takes a Weft store, the engine and the approval service as they are', () => {
    const h = createStudioHandler({
      store,
      engine,
      approvals: createApprovalService({ store, engine }),
      authenticate: () => ({ id: 'alice', groups: ['ops'] }),
    });
    expectTypeOf(h).toEqualTypeOf<StudioHandler>();
    expectTypeOf(h).toBeCallableWith(new Request('http://127.0.0.1/'));
    expectTypeOf(h(new Request('http://127.0.0.1/'))).resolves.toEqualTypeOf<Response>();
    expectTypeOf(engine).toExtend<StudioEngineLike>();
    expectTypeOf(toNodeListener(h)).toBeFunction();
  });

  it('refuses a store without a database and an actor without an id', () => {
    // @ts-expect-error the memory store has no tables to query
    createStudioHandler({ store: createMemoryStore(), accessToken: 'x'.repeat(16) });
    // @ts-expect-error an actor needs an id
    createStudioHandler({ store, authenticate: () => ({ name: 'nobody' }) });
  });

  it('filters are typed: statuses are run statuses', () => {
    expectTypeOf<RunFilter['status']>().toEqualTypeOf<RunStatus[] | undefined>();
    const bad: RunFilter = {
      // @ts-expect-error not a run status
      status: ['exploded'],
    };
    void bad;
  });

  it('startStudio resolves to a running server with links', () => {
    expectTypeOf(startStudio).parameter(0).toHaveProperty('port');
    expectTypeOf(startStudio({ store })).resolves.toEqualTypeOf<RunningStudio>();
    expectTypeOf<RunningStudio['runUrl']>().toEqualTypeOf<(runId: string) => string>();
  });
});
