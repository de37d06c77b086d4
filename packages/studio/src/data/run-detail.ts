/**
 * Everything the run page shows, read in one go: the run, its step attempts, open suspensions,
 * events (the newest {@link EVENT_LIMIT}), nested runs, approval requests, LLM calls and the eval
 * results that executed this run. Tables of packages that were never used (no approvals, no LLM
 * router, no evals) simply read as empty.
 */
import type { EventRecord, RunRecord, StepRecord, SuspensionRecord } from '@weft/workflow';
import { sql } from 'kysely';
import { StudioNotFoundError } from '../errors/errors.js';
import { type LlmCall, llmCallsOfRun } from './llm.js';
import { isMissingTable, num, type StudioStore } from './source.js';

/** Events shown on a run page (the newest ones; the live stream continues from the last). */
export const EVENT_LIMIT = 1000;

/** An eval result that ran this workflow run (`task_run_id`), with its eval run. */
export interface EvalLink {
  evalRunId: string;
  evalName: string;
  variant: string;
  itemId: string;
  trial: number;
  startedAt: number;
  scores: Record<string, number>;
  /** The previous run of the same eval, to compare against. */
  previousRunId?: string;
}

/** The data of the run page. */
export interface RunDetail {
  run: RunRecord;
  steps: StepRecord[];
  suspensions: SuspensionRecord[];
  events: EventRecord[];
  /** True when older events exist than the ones in `events`. */
  eventsTruncated: boolean;
  children: { id: string; workflowId: string; status: string; createdAt: number }[];
  /** Ids of the approval requests of this run (rows of `weft_approval_requests`). */
  approvalIds: string[];
  llmCalls: LlmCall[];
  evals: EvalLink[];
  /** Runs forked from this one (`engine.fork`), newest first. */
  forks: { id: string; status: string; createdAt: number; step?: string }[];
}

async function safe<T>(fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isMissingTable(err)) return fallback;
    throw err;
  }
}

/** Reads the run page's data; throws {@link StudioNotFoundError} for an unknown id. */
export async function loadRunDetail(store: StudioStore, runId: string): Promise<RunDetail> {
  const run = await store.getRun(runId);
  if (!run) throw new StudioNotFoundError('run', runId);
  const db = store.db;
  const [steps, suspensions, lastSeq, children, approvalIds, llmCalls, evals, forks] = await Promise.all([
    store.listSteps(runId),
    store.listSuspensions(runId),
    sql<{ m: number | string | null }>`select max(seq) as m from weft_events where run_id = ${runId}`.execute(db),
    sql<{
      id: string;
      workflow_id: string;
      status: string;
      created_at: number | string;
    }>`select id, workflow_id, status, created_at from weft_runs where parent_run_id = ${runId} order by created_at limit 200`.execute(
      db,
    ),
    safe([] as string[], async () =>
      (
        await sql<{
          id: string;
        }>`select id from weft_approval_requests where run_id = ${runId} order by created_at`.execute(db)
      ).rows.map((r) => r.id),
    ),
    safe([] as LlmCall[], () => llmCallsOfRun(store, runId)),
    safe([] as EvalLink[], () => evalLinks(store, runId)),
    store.listRuns({ forkedFrom: runId, limit: 50 }).then(
      (p) => p.runs,
      () => [],
    ),
  ]);
  const max = lastSeq.rows[0]?.m == null ? 0 : num(lastSeq.rows[0]?.m);
  const after = Math.max(0, max - EVENT_LIMIT);
  const events = await store.readEvents(runId, after > 0 ? after : undefined);
  return {
    run,
    steps,
    suspensions,
    events,
    eventsTruncated: after > 0,
    children: children.rows.map((c) => ({
      id: c.id,
      workflowId: c.workflow_id,
      status: c.status,
      createdAt: num(c.created_at),
    })),
    approvalIds,
    llmCalls,
    evals,
    forks: forks.map((r) => ({
      id: r.id,
      status: r.status,
      createdAt: r.createdAt,
      ...(r.forkedFrom?.step ? { step: r.forkedFrom.step } : {}),
    })),
  };
}

async function evalLinks(store: StudioStore, runId: string): Promise<EvalLink[]> {
  const { rows } = await sql<{
    run_id: string;
    item_id: string;
    trial: number | string;
    eval_name: string;
    variant: string;
    started_at: number | string;
  }>`select r.run_id, r.item_id, r.trial, e.eval_name, e.variant, e.started_at from weft_eval_results r join weft_eval_runs e on e.id = r.run_id where r.task_run_id = ${runId} limit 50`.execute(
    store.db,
  );
  const out: EvalLink[] = [];
  for (const r of rows) {
    const [scores, prev] = await Promise.all([
      sql<{
        scorer: string;
        score: number | string;
      }>`select scorer, score from weft_eval_scores where run_id = ${r.run_id} and item_id = ${r.item_id} and trial = ${r.trial}`.execute(
        store.db,
      ),
      sql<{
        id: string;
      }>`select id from weft_eval_runs where eval_name = ${r.eval_name} and started_at < ${r.started_at} order by started_at desc limit 1`.execute(
        store.db,
      ),
    ]);
    const link: EvalLink = {
      evalRunId: r.run_id,
      evalName: r.eval_name,
      variant: r.variant,
      itemId: r.item_id,
      trial: num(r.trial),
      startedAt: num(r.started_at),
      scores: Object.fromEntries(scores.rows.map((s) => [s.scorer, num(s.score)])),
    };
    const p = prev.rows[0]?.id;
    if (p) link.previousRunId = p;
    out.push(link);
  }
  return out;
}
