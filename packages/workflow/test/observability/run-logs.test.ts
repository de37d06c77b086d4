/**
 * Run logs: `ctx.logger` lines are stored with their run as `log` events, written by the step's own
 * commit (no write per line), capped per run across executions with one `log:truncated` marker,
 * and still forwarded to the engine's logger.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEngine,
  createMemoryStore,
  createStore,
  DEFAULT_MAX_LOG_LINES,
  type EventRecord,
  type LogLine,
  type Store,
  step,
  workflow,
} from '../../src/index.js';
import { dropSchema, PG_URL, tmpDir, uniqueSchema } from '../durable/helpers/stores.js';

const tmp = tmpDir('weft-logs-');
const schema = uniqueSchema('runlogs');
afterAll(async () => {
  tmp.cleanup();
  await dropSchema(schema);
});
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const lines = (events: EventRecord[]) => events.filter((e) => e.type === 'log').map((e) => e.data as LogLine);

/** `n` log lines per step, two steps, an approval-like suspension between them. */
function chatty(perStep: number) {
  const talk = (id: string) =>
    step({
      id,
      input: z.object({}).passthrough(),
      output: z.object({}).passthrough(),
      run: ({ input, ctx }) => {
        for (let i = 0; i < perStep; i++) ctx.logger.info(`${id} line ${i}`, { i });
        return input;
      },
    });
  const gate = step({
    id: 'gate',
    input: z.object({}).passthrough(),
    output: z.object({}).passthrough(),
    resumeSchema: z.object({ ok: z.boolean() }),
    run: ({ input, resumeData, suspend }) => (resumeData ? input : suspend({})),
  });
  return workflow({ id: `chatty-${perStep}`, input: z.object({}).passthrough() })
    .then(talk('a'))
    .then(gate)
    .then(talk('b'))
    .commit();
}

describe('ctx.logger lines stored with the run', () => {
  it('stores level, message, fields and attempt, one commit per step (no write per line), and forwards', async () => {
    const forwarded: unknown[] = [];
    const logger = { ...quiet, info: (m: string, d?: unknown) => void forwarded.push([m, d]) };
    const store = createMemoryStore();
    let commits = 0;
    const counting: Store = Object.assign(Object.create(store) as Store, {
      commitStep: (c: Parameters<Store['commitStep']>[0]) => {
        commits++;
        return store.commitStep(c);
      },
    });
    const wf = workflow({ id: 'log-fields', input: z.object({}) })
      .then(
        step({
          id: 'work',
          input: z.object({}),
          output: z.object({ ok: z.boolean() }),
          retry: { attempts: 2, delay: 1 },
          run: ({ ctx }) => {
            ctx.logger.debug('not stored at the default level');
            ctx.logger.info('working', { big: 10n, err: new Error('boom'), nested: { a: [1, 2] } });
            ctx.logger.error('failed once');
            if (ctx.attempt === 1) throw new Error('transient');
            return { ok: true };
          },
        }),
      )
      .then(step({ id: 'after', run: ({ ctx }) => ctx.logger.warn('done') }))
      .commit();
    const engine = createEngine({ store: counting, workflows: [wf], logger });
    const r = await engine.run(wf).start({ input: {} });
    expect(r.status).toBe('success');
    // 1 retry commit + 1 success commit of `work` + the final write with `after` (held back): 3.
    expect(commits).toBe(3);
    const stored = lines(await store.readEvents(r.runId));
    expect(stored.map((l) => [l.level, l.message, l.attempt])).toEqual([
      ['info', 'working', 1],
      ['error', 'failed once', 1],
      ['info', 'working', 2],
      ['error', 'failed once', 2],
      ['warn', 'done', 1],
    ]);
    expect(stored[0]?.fields).toMatchObject({
      big: '10',
      err: { name: 'Error', message: 'boom' },
      nested: { a: [1, 2] },
    });
    // The engine's logger got every info line, with the run's coordinates bound.
    expect(forwarded.map((f) => (f as [string])[0])).toEqual(['working', 'working']);
    expect((forwarded[1] as [string, Record<string, unknown>])[1]).toMatchObject({
      runId: r.runId,
      path: 'work',
      attempt: 2,
    });
    await engine.close();
  });

  it.each(['libsql', 'postgres'] as const)(
    'caps lines per run across a suspend and a resume in another engine, with one marker (%s)',
    async (kind) => {
      const open = () =>
        kind === 'libsql'
          ? createStore({ url: `file:${join(tmp.dir, 'cap.db')}` })
          : createStore({ url: PG_URL, schema });
      const wf = chatty(4);
      const first = open();
      const e1 = createEngine({ store: first, workflows: [wf], logger: quiet, runLogs: { maxLines: 6 } });
      const r = await e1.run(wf).start({ input: {} });
      expect(r.status).toBe('suspended');
      await e1.close();
      await first.close();
      const second = open();
      const e2 = createEngine({ store: second, workflows: [wf], logger: quiet, runLogs: { maxLines: 6 } });
      const done = await e2.resume(r.runId, { step: 'gate', data: { ok: true } });
      expect(done.status).toBe('success');
      const events = await second.readEvents(r.runId);
      expect(lines(events).map((l) => l.message)).toEqual([
        'a line 0',
        'a line 1',
        'a line 2',
        'a line 3',
        'b line 0',
        'b line 1',
      ]);
      const cut = events.filter((e) => e.type === 'log:truncated');
      expect(cut).toHaveLength(1);
      expect(cut[0]?.path).toBe('b');
      expect(cut[0]?.data).toMatchObject({ maxLines: 6 });
      await e2.close();
      await second.close();
    },
  );

  it('runLogs: false stores nothing; level and sizes are configurable; bad options are TypeErrors', async () => {
    const wf = workflow({ id: 'log-opts', input: z.object({}) })
      .then(
        step({
          id: 's',
          run: ({ ctx }) => {
            ctx.logger.debug('x'.repeat(50), { blob: 'y'.repeat(500) });
          },
        }),
      )
      .commit();
    const off = createEngine({ workflows: [wf], logger: quiet, runLogs: false });
    const r1 = await off.run(wf).start({ input: {} });
    expect(lines(await off.store.readEvents(r1.runId))).toEqual([]);
    const small = createEngine({
      workflows: [wf],
      logger: quiet,
      runLogs: { level: 'debug', maxMessageChars: 10, maxFieldsChars: 100 },
    });
    const r2 = await small.run(wf).start({ input: {} });
    const [line] = lines(await small.store.readEvents(r2.runId));
    expect(line?.message).toBe(`${'x'.repeat(9)}…`);
    expect(line?.fields).toMatchObject({ truncated: true, chars: 511 });
    expect(() => createEngine({ runLogs: { maxLines: -1 } })).toThrow(TypeError);
    expect(() => createEngine({ runLogs: { level: 'loud' as never } })).toThrow(/debug, info, warn, error/);
    expect(DEFAULT_MAX_LOG_LINES).toBe(1000);
  });

  it('property: stored lines = min(total, cap), and the marker exactly when lines were dropped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 10 }),
        async (perStep, cap) => {
          let b = workflow({ id: 'prop-logs', input: z.object({}) }) as any;
          perStep.forEach((n, k) => {
            b = b.then(
              step({
                id: `s${k}`,
                run: ({ ctx }) => {
                  for (let i = 0; i < n; i++) ctx.logger.info(`s${k}:${i}`);
                },
              }),
            );
          });
          const wf = b.commit();
          const engine = createEngine({ workflows: [wf], logger: quiet, runLogs: { maxLines: cap } });
          const r = await engine.run(wf).start({ input: {} });
          const events = await engine.store.readEvents(r.runId);
          const total = perStep.reduce((a, n) => a + n, 0);
          expect(lines(events)).toHaveLength(Math.min(total, cap));
          expect(events.filter((e) => e.type === 'log:truncated')).toHaveLength(total > cap ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
