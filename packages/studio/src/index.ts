/**
 * @weft/studio — Weft Studio: a local web app over a Weft store (libsql file or Postgres). Runs
 * with filters and keyset paging, a run's timeline, inputs/outputs, errors with causes, logs,
 * live events, waits and approvals (decided through @weft/approval), LLM cost and eval history.
 * Server-rendered HTML with one small script; nothing is loaded from a CDN.
 */
export { createStudioHandler } from './http/handler.js';
export type { StudioActor, StudioHandler, StudioHandlerOptions } from './http/handler.js';
export type { StudioEngineLike } from './http/actions.js';
export { toNodeListener } from './http/node.js';
export { startStudio } from './server/start-studio.js';
export type { RunningStudio, StartStudioOptions } from './server/start-studio.js';
export type { StudioStore } from './data/source.js';
export {
  COUNT_CAP,
  listRunsPage,
  matchVersions,
  parseRunFilter,
  RUN_STATUSES,
  runFacets,
  SEARCH_WINDOW,
} from './data/runs-query.js';
export type { RunFacets, RunFilter, RunListItem, RunListPage } from './data/runs-query.js';
export { computeTimeline, TIMELINE_ROWS } from './views/timeline.js';
export type { Timeline, TimelineBar, TimelineRow } from './views/timeline.js';
export { migrateStudio, STUDIO_MIGRATION_TABLE } from './data/indexes.js';
export {
  StudioActionError,
  StudioBadRequestError,
  StudioConfigError,
  StudioError,
  StudioForbiddenError,
  StudioNotFoundError,
} from './errors/errors.js';
