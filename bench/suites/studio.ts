// @weft/studio: how fast the runs list answers on a big store. A libsql file is seeded in bulk
// (multi-row INSERTs, 1,000 rows a transaction) with 100,000 runs (8 workflows × 3 versions, 30
// days, 80% success / 10% failed / 3% canceled / 4% suspended / 3% running; failed runs carry an
// error). Each case sends real Requests to the Studio handler (auth, query, HTML rendering, the
// whole response read), timed with bench/lib/measure.ts (warm-up, then the median of the
// repetitions, min–max in the note). Facets
// (workflow/version lists, status counts) are cached for 10 s by the handler; one case measures
// the page with them recomputed. Text search reads rows, so by default it covers the newest 20,000
// runs that match the other filters (the page says so and links a search of all of them).
// `--quick` seeds 10,000 runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD, perOp, range } from '../lib/measure.ts';

interface BenchRow {
  suite: string;
  case: string;
  impl: string;
  value: number;
  unit: string;
  note?: string;
}

const STATUSES: [string, number][] = [
  ['success', 0.8],
  ['failed', 0.1],
  ['canceled', 0.03],
  ['suspended', 0.04],
  ['running', 0.03],
];

function statusOf(i: number): string {
  const x = ((i * 2654435761) % 1000) / 1000;
  let acc = 0;
  for (const [s, p] of STATUSES) {
    acc += p;
    if (x < acc) return s;
  }
  return 'success';
}

export default async function studioBench(ctx: { quick: boolean }): Promise<BenchRow[]> {
  const { createStore } = await import('@weft/workflow');
  const { createStudioHandler } = await import('@weft/studio');
  const { sql } = await import('kysely');
  const total = ctx.quick ? 10_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-studio-'));
  const rows: BenchRow[] = [];
  const row = (c: string, value: number, unit: string, note?: string) =>
    rows.push({
      suite: 'studio',
      case: c,
      impl: 'weft',
      value: Math.round(value * 100) / 100,
      unit,
      ...(note ? { note } : {}),
    });
  try {
    const store = createStore({ url: `file:${join(dir, 'weft.db')}` });
    await store.init();
    const now = Date.now();
    const span = 30 * 86_400_000;
    let t = performance.now();
    for (let start = 0; start < total; start += 1000) {
      const values: ReturnType<typeof sql>[] = [];
      for (let i = start; i < Math.min(total, start + 1000); i++) {
        const wf = `workflow-${i % 8}`;
        const status = statusOf(i);
        const created = now - span + Math.floor((i / total) * span);
        const error =
          status === 'failed'
            ? JSON.stringify({
                name: 'StepFailedError',
                code: 'WEFT_STEP_FAILED',
                message: `Step "call" of workflow "${wf}" failed after 3 attempts: upstream 503 (order ${i})`,
              })
            : null;
        values.push(
          sql`(${`run-${String(i).padStart(7, '0')}`}, ${wf}, ${`hash-${i % 8}-${Math.floor((i / total) * 3)}`}, ${status}, ${JSON.stringify({ orderId: i, customer: `c-${i % 997}` })}, ${status === 'success' ? '{"ok":true}' : null}, ${error}, ${created}, ${created + 50 + (i % 900)})`,
        );
      }
      await store.db.transaction().execute(async (tx) => {
        await sql`insert into weft_runs (id, workflow_id, definition_hash, status, input, output, error, created_at, updated_at) values ${sql.join(values)}`.execute(
          tx,
        );
      });
    }
    const seedMs = performance.now() - t;
    const handler = createStudioHandler({ store, accessToken: 'bench-token-0123456789' });
    const get = async (path: string) => {
      const res = await handler(
        new Request(`http://127.0.0.1:4400${path}`, { headers: { authorization: 'Bearer bench-token-0123456789' } }),
      );
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
      return text;
    };
    t = performance.now();
    await get('/api/runs?limit=1'); // applies Studio's index migration
    const migrateMs = performance.now() - t;
    row(
      'seed runs (bulk insert)',
      (seedMs * 1000) / total,
      'µs/run',
      `${total.toLocaleString('en-US')} runs in ${(seedMs / 1000).toFixed(1)} s; Studio's indexes then built in ${Math.round(migrateMs)} ms`,
    );

    const method = ctx.quick ? METHOD.quick : METHOD.full;
    const measure = async (c: string, path: string, note: string) => {
      const st = await perOp(() => get(path), method);
      row(c, st.median, 'ms', `${note}; ${range(st)}`);
    };
    const n = total.toLocaleString('en-US');
    await measure('runs list, first page', '/', `GET / (HTML, 50 rows) over ${n} runs`);
    // A fresh handler every request: facets (status counts, workflows, versions) computed each time.
    const cold = await perOp(async () => {
      const fresh = createStudioHandler({ store, accessToken: 'bench-token-0123456789' });
      const res = await fresh(
        new Request('http://127.0.0.1:4400/', { headers: { authorization: 'Bearer bench-token-0123456789' } }),
      );
      await res.text();
    }, method);
    row(
      'runs list, facets recomputed',
      cold.median,
      'ms',
      `GET / with status counts, workflows and versions read again; ${range(cold)}`,
    );
    await measure('status filter (failed)', '/?status=failed', '10% of runs match');
    await measure('status + workflow filter', '/?status=suspended&workflow=workflow-3', '0.5% of runs match');
    await measure('version filter', '/?version=hash-5-1&range=30d', 'one version of one workflow, last 30 days');
    // Deep paging: follow the cursor 40 pages (2,000 runs) in, then measure that page.
    let cursor = '';
    for (let i = 0; i < 40; i++) {
      const page = JSON.parse(await get(`/api/runs?limit=50${cursor ? `&after=${cursor}` : ''}`)) as { next?: string };
      cursor = page.next ?? '';
    }
    await measure('page 41 (keyset cursor)', `/?after=${cursor}`, 'same cost as the first page: no OFFSET');
    await measure('text search, common term', '/?q=c-42', 'matches ~0.1% of runs: scans newest first until 50 hits');
    await measure(
      'text search, no match',
      '/?q=no-such-text',
      `reads the newest ${(20_000).toLocaleString('en-US')} runs (Studio's search window)`,
    );
    await measure('text search, no match, all runs', '/?q=no-such-text&deep=1', `deep=1: reads all ${n} runs`);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
