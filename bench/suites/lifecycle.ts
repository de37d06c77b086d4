// Decision → next step: how long after an approval decided elsewhere (a second store connection and
// approval service without the workflow — what `weft approvals approve` does) the app's next step
// starts. The app runs createApprovalService(…).start() with its decision watcher (decisionPollMs,
// default 100 ms); before it, a decision from the CLI waited for the 5 s resume grace plus a 1 s sync
// poll (~6 s). One process per store (libsql file, Postgres); each sample is one run suspended at a
// gate; the median over the samples with min–max. No peer has an equivalent (a decision stored by a
// process that cannot run the workflow, continued by one that can), so there is no peer column.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { stats } from '../lib/measure.ts';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

const PG_URL = process.env.WEFT_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const cells = ['libsql', 'postgres'] as const;

export default async function lifecycleBench(ctx: { quick: boolean; cell?: string }): Promise<BenchRow[]> {
  const { createApprovalService } = await import('@weft/approval');
  const { createEngine, createStore, workflow } = await import('@weft/workflow');
  const cell = ctx.cell ?? 'libsql';
  const samples = ctx.quick ? 8 : 30;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-lifecycle-'));
  const schema = `weft_lifecycle_bench_${process.pid}`;
  const open = () =>
    cell === 'postgres' ? createStore({ url: PG_URL, schema }) : createStore({ url: `file:${join(dir, 'weft.db')}` });
  const started = new Map<string, (at: number) => void>();
  const wf = workflow({ id: 'bench-decision', input: z.object({ n: z.number() }) })
    .awaitApproval('review', { title: 'ok?' })
    .step('next', async ({ ctx: c }) => {
      started.get(c.runId)?.(performance.now());
      return 1;
    })
    .commit();
  const quiet = () => undefined;
  const app = open();
  const elsewhere = open();
  try {
    await app.init();
    await elsewhere.init();
    const engine = createEngine({
      store: app,
      workflows: [wf],
      logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
    const service = createApprovalService({ store: app, engine, workflows: [wf], onError: quiet });
    service.start({ pollMs: 60_000 }); // only the decision watcher can continue the runs in time
    // The deciding side: its own connection, no workflow code (its engine cannot resume).
    const cli = createApprovalService({
      store: elsewhere,
      engine: {
        resume: async () => {
          throw new Error('deferred');
        },
      },
      awaitResume: true,
      onError: quiet,
    });
    const latencies: number[] = [];
    for (let i = 0; i < samples + 2; i++) {
      const r = await engine.run(wf).start({ input: { n: i } });
      await cli.sync();
      const [req] = (await cli.listPending()).filter((p) => p.runId === r.runId);
      if (!req) throw new Error('no request');
      const next = new Promise<number>((resolve) => started.set(r.runId, resolve));
      const t0 = performance.now();
      await cli.decide({ id: req.id, decision: 'approve', actor: { id: 'bench' } });
      const at = await next;
      if (i >= 2) latencies.push(at - t0); // the first two warm up
    }
    await service.close();
    await cli.close();
    await engine.close();
    const s = stats(latencies);
    return [
      {
        suite: 'lifecycle',
        case: 'decision elsewhere → next step',
        impl: `weft-${cell}`,
        value: Math.round(s.median * 10) / 10,
        unit: 'ms',
        note: `min–max ${s.min.toFixed(1)}–${s.max.toFixed(1)} ms, ${latencies.length} decisions, decisionPollMs 100 (was ~6,000 ms: 5 s grace + 1 s poll)`,
      },
    ];
  } finally {
    if (cell === 'postgres') {
      const { sql } = await import('kysely');
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(app.db).catch(() => undefined);
    }
    await app.close().catch(() => undefined);
    await elsewhere.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
