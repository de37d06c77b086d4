/**
 * The demo's workflow, "plan a change to a codebase":
 *
 *   context (zero LLM tokens) → plan (LLM, structured output) → execute (dag of subtasks through
 *   the router) → review (approval gate) → evaluate (scores recorded as eval history)
 *
 * Every step's result is committed to the store before the next starts, so a run killed at the
 * gate resumes there — in this process or another — without redoing any of it.
 */
import { defineEval, defineScorer, type EvalStore, runEval } from '@weft/eval';
import type { Router } from '@weft/llm';
import { topoBatches } from '@weft/native';
import { workflow } from '@weft/workflow';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateText, Output } from 'ai';
import { z } from 'zod';
import type { DemoCache } from './cache.ts';
import { loadWorkspaceContext, type WorkspaceContext } from './context.ts';
import { factsBlock, planFacts, taskFacts } from './planner.ts';

/** What the steps need from the app: the LLM router, the snapshot cache and the eval history. */
export interface DemoResources {
  llm: Router;
  cache: DemoCache;
  evals: EvalStore;
}

/** The planner's structured output. */
export const PlanSchema = z.object({
  tasks: z
    .array(
      z.object({
        id: z.string().describe('short id, e.g. t1'),
        title: z.string().describe('what to do, in one sentence'),
        files: z.array(z.string()).describe('workspace files this task edits (paths from the facts)'),
        dependsOn: z.array(z.string()).describe('ids of tasks that must finish first'),
      }),
    )
    .min(1)
    .max(8),
});

/** What the reviewer sees at the gate (and may edit). */
export const ReviewSchema = z.object({
  request: z.string(),
  root: z.string(),
  tasks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      files: z.array(z.string()),
      status: z.string(),
      proposal: z.string(),
      dependsOn: z.array(z.string()),
    }),
  ),
  batches: z.array(z.array(z.string())),
  files: z.array(z.string()),
  /** Co-change pairs of the relevant files (for the eval). */
  coChange: z.array(z.object({ a: z.string(), b: z.string(), commits: z.number() })),
});
export type Review = z.infer<typeof ReviewSchema>;

type Task = z.infer<typeof PlanSchema>['tasks'][number];

/**
 * Unique ids, dependencies only on tasks of the plan, and no cycles (an edge that would close one is
 * dropped), listed dependencies first — so the graph is a DAG whatever the model said.
 */
export function normalizePlan(tasks: readonly Task[]): Task[] {
  const seen = new Set<string>();
  const renamed = tasks.map((t, i) => {
    let id = (t.id || `t${i + 1}`).replace(/[^\w.-]/g, '-');
    while (seen.has(id)) id = `${id}-${i + 1}`;
    seen.add(id);
    return { ...t, id, title: t.title.trim() || `task ${i + 1}`, files: [...new Set(t.files ?? [])] };
  });
  const byId = new Map(renamed.map((t) => [t.id, t]));
  const out: Task[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: Task) => {
    if (state.get(t.id) === 'done') return;
    state.set(t.id, 'visiting');
    const deps: string[] = [];
    for (const d of new Set(t.dependsOn)) {
      const dep = byId.get(d);
      if (!dep || state.get(d) === 'visiting') continue; // unknown id, or an edge that closes a cycle
      visit(dep);
      deps.push(d);
    }
    state.set(t.id, 'done');
    out.push({ id: t.id, title: t.title, files: t.files, dependsOn: deps });
  };
  for (const t of renamed) visit(t);
  return out;
}

/** A compact context for prompts: relevant files as skeletons (capped), and their co-change partners. */
function brief(context: WorkspaceContext, maxChars = 6000): string {
  const parts: string[] = [];
  const per = Math.floor(maxChars / Math.max(1, context.relevant.length));
  for (const f of context.relevant) {
    const text = f.skeleton.length > per ? `${f.skeleton.slice(0, per)}\n…` : f.skeleton;
    parts.push(`// ${f.path} (skeleton)\n${text}`);
  }
  if (context.coChange.length > 0) {
    parts.push(
      `Files that usually change together (git log):\n${context.coChange.map((p) => `- ${p.a} + ${p.b} (${p.commits} commits)`).join('\n')}`,
    );
  }
  return parts.join('\n\n');
}

const Input = z.object({ request: z.string().min(3), root: z.string() });

/** Creates the `plan-change` workflow over the app's resources. */
export function createPlanWorkflow(resources: DemoResources, options: { concurrency?: number } = {}) {
  return (
    workflow({ id: 'plan-change', input: Input, resources })
      // 1. Workspace context: no LLM, everything cached in the store.
      .step('context', async ({ input, ctx }) => {
        const context = await loadWorkspaceContext({
          root: input.root,
          request: input.request,
          cache: ctx.resources.cache,
        });
        return { request: input.request, context };
      })
      // 2. Decompose the request into subtasks with dependencies (structured output, zod schema).
      .then('plan', async ({ input, ctx, signal }) => {
        const facts = planFacts(input.request, input.context);
        const llm = ctx.resources.llm.withContext({ ...ctx, task: 'plan' });
        const { output } = await generateText({
          model: llm.model('default'),
          output: Output.object({ schema: PlanSchema }),
          system:
            'You plan code changes from facts about the workspace. Split the request into 2-8 subtasks; each has a short id, a one-sentence title, the workspace files it edits (only paths that appear in the facts) and dependsOn (ids of subtasks that must finish first: a file after the files it imports; tests and docs after the code). Subtasks that touch different files should not depend on each other.',
          prompt: `${input.request}\n\n${factsBlock(facts)}`,
          abortSignal: signal,
          maxRetries: 0,
        });
        const tasks = normalizePlan(output.tasks);
        return {
          request: input.request,
          root: input.context.root,
          tasks,
          facts,
          brief: brief(input.context),
          files: input.context.relevant.map((f) => f.path),
        };
      })
      // 3. Execute the subtasks in topological batches, a few at a time, each through the router.
      .dag('execute', {
        tasks: ({ input }) => input.tasks,
        concurrency: options.concurrency ?? 3,
        failurePolicy: 'continue',
        run: async ({ task, results, input, ctx, signal }) => {
          const llm = ctx.resources.llm.withContext({ ...ctx, task: 'subtask' });
          const deps = task.dependsOn.map(
            (d) => `- ${d}: ${String((results[d] as { proposal?: string })?.proposal ?? '').slice(0, 300)}`,
          );
          const r = await generateText({
            model: llm.model('default'),
            system:
              'You are a senior engineer. Propose the concrete edit for this subtask: which files, which functions, what changes. Be brief.',
            prompt: [
              `Overall request: ${input.request}`,
              `Subtask ${task.id}: ${task.title}`,
              deps.length ? `Done before this:\n${deps.join('\n')}` : '',
              `Workspace context:\n${input.brief}`,
              factsBlock(taskFacts(task, input.facts, input.tasks)),
            ]
              .filter(Boolean)
              .join('\n\n'),
            abortSignal: signal,
            maxRetries: 0,
          });
          return {
            proposal: r.text.slice(0, 1200),
            files: [...new Set([...task.files, ...input.files.filter((f) => r.text.includes(f))])],
            tokens: (r.usage.inputTokens ?? 0) + (r.usage.outputTokens ?? 0),
          };
        },
      })
      // 4. A person (or --yes) approves the plan and its results; an approver may edit the payload.
      .awaitApproval('review', {
        title: 'Apply this plan?',
        summary: 'Subtasks, their proposals and the order they ran in',
        schema: ReviewSchema,
        allowEdit: true,
        payload: ({ input, steps }): Review => {
          const plan = steps.plan;
          return {
            request: plan.request,
            root: plan.root,
            coChange: plan.facts.coChange,
            tasks: input.tasks.map((t) => ({
              id: t.id,
              title: String(t.task.title),
              files: t.task.files ?? [],
              status: t.status,
              proposal: String(t.output?.proposal ?? t.error?.message ?? '').slice(0, 400),
              dependsOn: t.task.dependsOn ?? [],
            })),
            batches: input.batches,
            files: plan.files,
          };
        },
      })
      // 5. Score the approved outcome and record it as eval history (repeated runs build a trend).
      .then('evaluate', async ({ input, ctx }) => {
        const scorers = [
          defineScorer<Review, Review>('completion', ({ output }) =>
            output.tasks.length ? output.tasks.filter((t) => t.status === 'succeeded').length / output.tasks.length : 0,
          ),
          defineScorer<Review, Review>('plan-valid', ({ output }) => {
            try {
              const ids = output.tasks.map((t) => t.id);
              const edges = output.tasks.flatMap((t) => t.dependsOn.map((d) => [d, t.id] as [string, string]));
              return edges.every(([d]) => ids.includes(d)) && topoBatches(ids, edges).flat().length === ids.length
                ? 1
                : 0;
            } catch {
              return 0;
            }
          }),
          // Every task names workspace files, and every named file exists in the workspace.
          defineScorer<Review, Review>('grounded', ({ output }) =>
            output.tasks.length
              ? output.tasks.filter((t) => t.files.length > 0 && t.files.every((f) => existsSync(join(output.root, f))))
                  .length / output.tasks.length
              : 0,
          ),
          // 0 for a chain (one task per batch), 1 when every task ran in the first batch.
          defineScorer<Review, Review>('parallelism', ({ output }) =>
            output.tasks.length > 1 ? (output.tasks.length - output.batches.length) / (output.tasks.length - 1) : 1,
          ),
          // Of the files that usually change with a touched file (≥ 2 commits), how many the plan touches too.
          defineScorer<Review, Review>('co-change recall', ({ output }) => {
            const touched = new Set(output.tasks.flatMap((t) => t.files));
            const partners = output.coChange.filter((p) => p.commits >= 2 && (touched.has(p.a) || touched.has(p.b)));
            return partners.length
              ? partners.filter((p) => touched.has(p.a) && touched.has(p.b)).length / partners.length
              : 1;
          }),
        ];
        const run = await runEval(
          defineEval<Review, Review>({
            name: 'demo:plan-change',
            description: 'Quality of the demo plans over time',
            data: [{ input, metadata: { runId: ctx.runId } }],
            task: async (review) => review,
            scorers,
          }),
          { store: ctx.resources.evals, progress: false, variant: 'default' },
        );
        const history = await ctx.resources.evals.listRuns({ evalName: 'demo:plan-change', limit: 1000 });
        const scores = Object.fromEntries(Object.entries(run.summary.scorers).map(([k, s]) => [k, s.mean]));
        const mean = Object.values(scores).reduce((a, b) => a + b, 0) / Math.max(1, Object.keys(scores).length);
        return { evalRunId: run.id, scores, mean, historyRuns: history.length };
      })
      .commit()
  );
}
