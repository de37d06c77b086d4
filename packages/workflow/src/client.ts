/**
 * `@weft/workflow/client`: the browser-safe entry. It holds only the typed SSE client for
 * `createSseHandler` streams (and the event types it yields) — no store, no engine, no Node
 * imports — so a web app can bundle it without pulling libsql, kysely or `node:*` modules.
 *
 * @example
 * ```ts
 * import { subscribeRun } from '@weft/workflow/client';
 * for await (const e of subscribeRun(`/runs/${runId}/events`)) console.log(e.type, e.data);
 * ```
 */
export { subscribeRun } from './stream/client.js';
export type { SubscribeOptions } from './stream/client.js';
export type { BuiltInEventType, WeftEvent } from './engine/types.js';
