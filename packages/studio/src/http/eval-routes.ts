/**
 * GET /evals, /evals/:id, /evals/compare?a=&b=: @weft/eval's stored history, read through its own
 * store API (loaded on first use, so the runs pages never load the eval package).
 */
import type { StudioStore } from '../data/source.js';
import { isMissingTable } from '../data/source.js';
import { StudioBadRequestError, StudioNotFoundError } from '../errors/errors.js';
import { comparePage, evalRunPage, evalsPage } from '../views/evals-page.js';
import type { PageContext } from '../views/layout.js';
import { htmlResponse } from './responses.js';

async function hasEvalTables(store: StudioStore): Promise<boolean> {
  try {
    await store.db.selectFrom('weft_eval_runs').select('id').limit(1).execute();
    return true;
  } catch (err) {
    if (isMissingTable(err)) return false;
    throw err;
  }
}

/** Routes under /evals. */
export async function evalRoutes(ctx: PageContext, store: StudioStore, rest: string[], url: URL): Promise<Response> {
  if (rest[0] === 'compare' && (!url.searchParams.get('a') || !url.searchParams.get('b')))
    throw new StudioBadRequestError('Expected two eval run ids: /evals/compare?a=<run id>&b=<run id>.');
  // Read-only: never create the eval tables just by looking.
  if (!(await hasEvalTables(store))) {
    if (rest.length === 0) return htmlResponse(evalsPage(ctx, []));
    throw new StudioNotFoundError('eval run', rest.join('/'));
  }
  const { compare, createEvalStore } = await import('@weft/eval');
  const evals = createEvalStore(store);
  const [first, extra] = rest;
  if (first === undefined) return htmlResponse(evalsPage(ctx, await evals.listRuns({ limit: 200 })));
  if (first === 'compare' && extra === undefined) {
    const a = url.searchParams.get('a');
    const b = url.searchParams.get('b');
    if (!a || !b) throw new StudioBadRequestError('Expected two eval run ids: /evals/compare?a=<run id>&b=<run id>.');
    const [ra, rb] = await Promise.all([evals.getRun(a), evals.getRun(b)]);
    if (!ra) throw new StudioNotFoundError('eval run', a);
    if (!rb) throw new StudioNotFoundError('eval run', b);
    let cmp: ReturnType<typeof compare>;
    try {
      cmp = compare(ra, rb);
    } catch (err) {
      throw new StudioBadRequestError((err as Error).message);
    }
    return htmlResponse(comparePage(ctx, cmp));
  }
  if (extra === undefined) {
    const run = await evals.getRun(first);
    if (!run) throw new StudioNotFoundError('eval run', first);
    const prev = (await evals.listRuns({ evalName: run.evalName, limit: 50 })).find((r) => r.startedAt < run.startedAt);
    return htmlResponse(evalRunPage(ctx, run, prev?.id));
  }
  throw new StudioNotFoundError('page', `/evals/${rest.join('/')}`);
}
