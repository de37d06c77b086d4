/** GET /llm: the LLM cost page over a range (24h, 7d, 30d, 90d). */
import { llmUsage } from '../data/llm.js';
import type { StudioStore } from '../data/source.js';
import { StudioBadRequestError } from '../errors/errors.js';
import { llmPage } from '../views/llm-page.js';
import type { PageContext } from '../views/layout.js';
import { htmlResponse, jsonResponse } from './responses.js';

const RANGES: Record<string, number> = {
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
  '90d': 7_776_000_000,
};

/** Renders the LLM cost page (JSON with `?format=json`). */
export async function llmRoute(ctx: PageContext, store: StudioStore, url: URL): Promise<Response> {
  const range = url.searchParams.get('range') ?? '7d';
  const ms = RANGES[range];
  if (ms === undefined)
    throw new StudioBadRequestError(`Unknown range "${range}": expected one of ${Object.keys(RANGES).join(', ')}.`);
  const usage = await llmUsage(store, ctx.now - ms, ctx.now + 1);
  if (url.searchParams.get('format') === 'json') return jsonResponse(usage);
  return htmlResponse(llmPage(ctx, usage, range));
}
