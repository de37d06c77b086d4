/**
 * What a queued run costs, counted at the driver (every statement a pg client sends): a 10-step run
 * enqueued in one engine and executed by a worker's engine is 12 write transactions — the enqueue
 * (run row and `run:queued` event in one statement), the claim, and the 10 step commits (the last
 * rides on the final write) — like a direct run plus the claim. An idle worker poll writes nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, createStore, createWorker } from '../../src/index.js';
import { countingPool as pool, dropSchema, pgQuery, uniqueSchema } from '../durable/helpers/stores.js';
import { chainWorkflow } from './fixtures/chain.js';

const schema = uniqueSchema('queuedcost');
afterAll(() => dropSchema(schema));

const countingPool = (texts: string[]) => pool(schema, texts);

/** Write transactions among the statements: BEGIN…COMMIT counts once, a lone write statement once. */
function writeTransactions(texts: readonly string[]): string[] {
  const writes: string[] = [];
  let inTx: string[] | undefined;
  for (const raw of texts) {
    const t = raw.trim();
    if (/^BEGIN\b/i.test(t)) inTx = [];
    else if (/^(COMMIT|ROLLBACK)\b/i.test(t)) {
      if (inTx?.some((s) => /\b(INSERT|UPDATE|DELETE)\b/i.test(s))) writes.push(`tx: ${inTx.join(' ; ')}`);
      inTx = undefined;
    } else if (inTx) inTx.push(t);
    else if (/^(INSERT|UPDATE|DELETE)\b/i.test(t) || /^WITH\b[\s\S]*\b(INSERT|UPDATE|DELETE)\b/i.test(t))
      writes.push(t);
  }
  return writes;
}

describe('a queued run at the cost of a direct one (Postgres, counted at the driver)', () => {
  it('a queued 10-step run costs 12 write transactions; an idle worker poll costs none', async () => {
    await pgQuery('public', `CREATE SCHEMA "${schema}"`);
    const texts: string[] = [];
    const store = createStore({ dialect: 'postgres', pool: countingPool(texts) });
    await store.init();
    const chain = chainWorkflow(10, 0);
    const api = createEngine({ store, workflows: [chain] });
    const workerEngine = createEngine({ store, workflows: [chain] });
    const worker = createWorker({ engine: workerEngine, pollMs: 60_000 });
    // Warm up: the definition snapshot is written once per engine and definition, not per run.
    await api.enqueue(chain, { n: 0 });
    await worker.tick();
    await worker.idle();

    texts.length = 0;
    const runId = await api.enqueue(chain, { n: 1 });
    expect(writeTransactions(texts)).toHaveLength(1);
    expect(await worker.tick()).toBe(1);
    await worker.idle();
    const writes = writeTransactions(texts);
    // The worker executed the claimed run from its claim plus one read of its history: the run, its
    // steps, suspensions and events in one statement (store.loadRun), no other SELECT of the run by id.
    const byId = texts.filter((t) => /^SELECT .* FROM weft_runs WHERE id = /s.test(t.trim()));
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatch(/steps_json[\s\S]*suspensions_json[\s\S]*events_json/);
    expect(await api.handle(runId, chain).result()).toMatchObject({ status: 'success', output: { n: 11 } });
    expect(writes.length, writes.join('\n')).toBeLessThanOrEqual(12);
    expect(writes).toHaveLength(12);

    // Nothing to do: an idle poll (claim + due timers) writes nothing but the claim attempt.
    texts.length = 0;
    expect(await worker.tick()).toBe(0);
    expect(writeTransactions(texts).filter((t) => /weft_timers/.test(t))).toEqual([]);
    await worker.close();
    await workerEngine.close();
    await api.close();
    await store.close();
  });
});
