/** Shared setup: a real store (libsql file in a tmp dir, or a unique Postgres schema), engine and service. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApprovalService, type ApprovalServiceOptions, createApprovalService } from '@weft/approval';
import { createEngine, createStore } from '@weft/workflow';
import { sql } from 'kysely';
import { all } from './fixtures/workflows.js';

export const PG_URL = process.env.WEFT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type Backend = 'libsql' | 'postgres';

/** Where one test file keeps its database: a tmp libsql file or a unique Postgres schema. */
export interface DbTarget {
  backend: Backend;
  url: string;
  schema?: string;
  cleanup(): Promise<void>;
}

export function dbTarget(backend: Backend, tag: string): DbTarget {
  if (backend === 'libsql') {
    const dir = mkdtempSync(join(tmpdir(), `weft-approval-${tag}-`));
    return {
      backend,
      url: `file:${join(dir, 'weft.db')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `weft_approval_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    backend,
    url: PG_URL,
    schema,
    async cleanup() {
      const store = createStore({ url: PG_URL, migrate: false });
      await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(store.db);
      await store.close();
    },
  };
}

/** Opens a store + engine + approval service on `target` (each call = an independent "process"). */
export async function open(target: DbTarget, extra: Partial<ApprovalServiceOptions> = {}) {
  const store = createStore({ url: target.url, ...(target.schema ? { schema: target.schema } : {}) });
  await store.init();
  const engine = createEngine({ store, workflows: all });
  // Most tests assert right after a decision: wait for the resumed run unless a test opts out.
  const service: ApprovalService = createApprovalService({
    store,
    engine,
    workflows: all,
    onError: () => undefined,
    awaitResume: true,
    ...extra,
  });
  await service.init();
  return {
    store,
    engine,
    service,
    async close() {
      await service.stop();
      await store.close();
    },
  };
}

export type Opened = Awaited<ReturnType<typeof open>>;

/** Starts a run and returns its id once it is suspended at the gate. */
export async function startSuspended(
  o: Opened,
  wf: (typeof all)[number],
  input: { customer: string; amount: number; note?: string },
) {
  const run = o.engine.run(wf);
  const result = await run.start({ input });
  if (result.status !== 'suspended') throw new Error(`expected the run to suspend, got ${result.status}`);
  return run.runId;
}

/** The approval id of a run's gate (after a sync). */
export async function approvalOf(service: ApprovalService, runId: string): Promise<string> {
  const pending = await service.listPending();
  const found = pending.find((r) => r.runId === runId);
  if (!found) throw new Error(`no pending approval for run ${runId}`);
  return found.id;
}
