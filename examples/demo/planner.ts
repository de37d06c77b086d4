/**
 * The demo's offline planner: a deterministic stand-in for an LLM that follows written rules over
 * the facts step 1 gathered from the workspace (outlines, imports, tests, co-change history). It is
 * NOT an LLM, and says so; with OPENAI_API_KEY (or WEFT_LLM_BASE_URL) set, a real model gets the very
 * same facts in its prompt and plans instead, with this planner as its fallback.
 *
 * The facts travel inside the prompt, between `<facts>` and `</facts>`, as JSON: the planner reads
 * nothing else, so what it answers is exactly what a model could have answered from that prompt.
 *
 * Rules, for a plan:
 * 1. one task per relevant file (the files whose paths and symbols match the request), named after
 *    the declarations that match; a file runs after the relevant files it imports;
 * 2. a file that changed together with one of them in ≥ 2 commits gets a "keep in step" task after it;
 * 3. a relevant file with a test file gets a "cover it" task after it;
 * 4. a request that mentions docs gets a "document it" task after every code task.
 * For a task: the proposal names the file, the declarations to change (their signatures), the
 * callers that must keep compiling and the co-change history — every name comes from the facts.
 */
import { createOfflineModel, type ProviderLike } from '@weft/llm';
import type { CoChangePair, RelevantFile, WorkspaceContext } from './context.ts';

/** How the planner is labelled wherever its output is shown. */
export const PLANNER_LABEL = 'offline planner of the demo — rules over workspace facts, NOT an LLM';

/** A relevant file as the planner sees it. */
export type FileFacts = Pick<RelevantFile, 'path' | 'matched' | 'symbols' | 'imports' | 'importedBy' | 'test'>;

/** What the plan prompt carries. */
export interface PlanFacts {
  kind: 'plan';
  request: string;
  files: FileFacts[];
  coChange: CoChangePair[];
  docs: string[];
}

/** What a subtask prompt carries. */
export interface TaskFacts {
  kind: 'task';
  request: string;
  task: PlannedTask;
  files: FileFacts[];
  coChange: CoChangePair[];
  /** Files of the tasks this one runs after. */
  follows: string[];
}

/** A task of the plan (the planner's structured output). */
export interface PlannedTask {
  id: string;
  title: string;
  files: string[];
  dependsOn: string[];
}

/** The facts of a plan prompt, from the workspace context. */
export function planFacts(request: string, context: WorkspaceContext): PlanFacts {
  return {
    kind: 'plan',
    request,
    files: context.relevant.map(({ path, matched, symbols, imports, importedBy, test }) => ({
      path,
      matched,
      symbols,
      imports,
      importedBy,
      ...(test ? { test } : {}),
    })),
    coChange: context.coChange,
    docs: context.docs,
  };
}

/** The facts of one subtask's prompt: the task, its files' facts, their co-change pairs, what it follows. */
export function taskFacts(task: PlannedTask, plan: PlanFacts, tasks: readonly PlannedTask[]): TaskFacts {
  const files = plan.files.filter((f) => task.files.includes(f.path) || (f.test && task.files.includes(f.test)));
  return {
    kind: 'task',
    request: plan.request,
    task,
    files,
    coChange: plan.coChange.filter((p) => task.files.includes(p.a) || task.files.includes(p.b)),
    follows: [...new Set(tasks.filter((t) => task.dependsOn.includes(t.id)).flatMap((t) => t.files))],
  };
}

/** Wraps facts for a prompt. */
export const factsBlock = (facts: PlanFacts | TaskFacts) => `<facts>\n${JSON.stringify(facts)}\n</facts>`;

const base = (path: string) =>
  (path.split('/').pop() ?? path)
    .replace(/\.[^.]+$/, '')
    .replace(/[^\w-]/g, '-')
    .toLowerCase();
const names = (f: FileFacts, n = 2) =>
  f.symbols
    .slice(0, n)
    .map((s) => s.name)
    .join(' and ');

/** Rules 1–4 above: the plan, as tasks with dependencies (at most 8). */
export function planFromFacts(facts: PlanFacts): PlannedTask[] {
  const tasks: PlannedTask[] = [];
  const ids = new Set<string>();
  const idFor = (wanted: string) => {
    let id = wanted || 'task';
    for (let n = 2; ids.has(id); n++) id = `${wanted}-${n}`;
    ids.add(id);
    return id;
  };
  const code = facts.files.filter((f) => f.matched.length > 0).slice(0, 4);
  const byPath = new Map<string, PlannedTask>();
  for (const f of code) {
    const what = names(f);
    const task = {
      id: idFor(base(f.path)),
      title: what ? `Change ${what} in ${f.path}` : `Change ${f.path}`,
      files: [f.path],
      dependsOn: [],
    };
    byPath.set(f.path, task);
    tasks.push(task);
  }
  // A file runs after the relevant files it imports (their new API is what it calls).
  for (const f of code) {
    const task = byPath.get(f.path) as PlannedTask;
    task.dependsOn = f.imports.map((p) => byPath.get(p)?.id).filter((id): id is string => id !== undefined);
  }
  const partners = facts.coChange
    .filter((p) => p.commits >= 2)
    .flatMap((p) =>
      byPath.has(p.a) !== byPath.has(p.b)
        ? [byPath.has(p.a) ? { from: p.a, to: p.b, commits: p.commits } : { from: p.b, to: p.a, commits: p.commits }]
        : [],
    )
    .filter((p) => !p.to.endsWith('.md'))
    .slice(0, 2);
  for (const p of partners) {
    const task = {
      id: idFor(`sync-${base(p.to)}`),
      title: `Keep ${p.to} in step with ${p.from} (changed together in ${p.commits} commits)`,
      files: [p.to],
      dependsOn: [(byPath.get(p.from) as PlannedTask).id],
    };
    byPath.set(p.to, task);
    tasks.push(task);
  }
  for (const f of code.filter((x) => x.test).slice(0, 2)) {
    tasks.push({
      id: idFor(`test-${base(f.path)}`),
      title: `Cover the change to ${names(f, 1) || f.path} in ${f.test}`,
      files: [f.test as string],
      dependsOn: [(byPath.get(f.path) as PlannedTask).id],
    });
  }
  const doc = /\b(doc|docs|document|documentation|readme)/i.test(facts.request)
    ? (facts.docs.find((d) => code.some((f) => f.matched.some((w) => d.toLowerCase().includes(w)))) ??
      facts.docs.find((d) => d === 'README.md') ??
      facts.docs[0])
    : undefined;
  if (doc) {
    tasks.push({
      id: idFor('docs'),
      title: `Document the change in ${doc}`,
      files: [doc],
      dependsOn: code.map((f) => (byPath.get(f.path) as PlannedTask).id),
    });
  }
  return tasks.slice(0, 8);
}

/** The rule-based proposal for one subtask: file, declarations, callers, history — all from the facts. */
export function proposalFromFacts(facts: TaskFacts): string {
  const { task } = facts;
  const lines: string[] = [];
  for (const path of task.files) {
    const f = facts.files.find((x) => x.path === path);
    if (f) {
      const sigs = f.symbols.slice(0, 2).map((s) => `\`${s.signature}\``);
      lines.push(`Edit ${path}: ${sigs.length ? `change ${sigs.join(' and ')}` : 'add the change'}.`);
      if (f.importedBy.length) lines.push(`Callers that must keep compiling: ${f.importedBy.join(', ')}.`);
      if (f.imports.length) lines.push(`It builds on ${f.imports.join(', ')}.`);
      continue;
    }
    const tested = facts.files.find((x) => x.test === path);
    if (tested) {
      lines.push(`Edit ${path}: add a case for the new behaviour of ${names(tested) || tested.path}.`);
      continue;
    }
    lines.push(
      facts.follows.length
        ? `Edit ${path}: describe the change ("${facts.request}") as made in ${facts.follows.join(', ')}.`
        : `Edit ${path}.`,
    );
  }
  for (const p of facts.coChange.slice(0, 2)) {
    lines.push(`History: ${p.a} and ${p.b} changed together in ${p.commits} commits.`);
  }
  return lines.join('\n');
}

/** Reads the `<facts>` JSON of the last user message in an AI SDK prompt. */
function factsOf(prompt: readonly { role: string; content: unknown }[]): PlanFacts | TaskFacts | undefined {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i];
    if (m?.role !== 'user' || !Array.isArray(m.content)) continue;
    const text = (m.content as { type: string; text?: string }[])
      .map((p) => (p.type === 'text' ? p.text : ''))
      .join('');
    const found = /<facts>\s*([\s\S]*?)\s*<\/facts>/.exec(text);
    if (found) return JSON.parse(found[1] as string) as PlanFacts | TaskFacts;
  }
  return undefined;
}

type Model = ReturnType<typeof createOfflineModel>;

/** Options of {@link createWorkspacePlanner}. */
export interface PlannerOptions {
  /**
   * A pause before each subtask's answer, in ms (default 0): rules answer in microseconds, a model
   * in seconds; the demo waits a little so that tasks running side by side show as such.
   */
  taskLatencyMs?: number;
}

/**
 * The planner as an AI SDK provider for the router (`planner/rules`). A prompt without facts gets
 * the offline model's answer, so nothing else in the demo depends on this planner.
 */
export function createWorkspacePlanner(options: PlannerOptions = {}): ProviderLike {
  return {
    languageModel(modelId: string): Model {
      const fallback = createOfflineModel(modelId);
      const answer = (text: string, call: Parameters<Model['doGenerate']>[0]) => {
        const input = Math.ceil(JSON.stringify(call.prompt).length / 4);
        const output = Math.ceil(text.length / 4);
        return {
          content: [{ type: 'text' as const, text }],
          finishReason: { unified: 'stop' as const, raw: 'stop' },
          usage: {
            inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: output, text: output, reasoning: 0 },
          },
          providerMetadata: { offline: { notAnLlm: true, label: PLANNER_LABEL } },
          warnings: [],
        };
      };
      return {
        specificationVersion: 'v4',
        provider: 'planner',
        modelId,
        supportedUrls: {},
        async doGenerate(call) {
          const facts = factsOf(call.prompt);
          if (!facts) return fallback.doGenerate(call);
          if (facts.kind === 'plan') return answer(JSON.stringify({ tasks: planFromFacts(facts) }), call);
          if (options.taskLatencyMs) await new Promise((r) => setTimeout(r, options.taskLatencyMs));
          call.abortSignal?.throwIfAborted();
          return answer(proposalFromFacts(facts), call);
        },
        async doStream(call) {
          // Not used by the demo; the plain offline model streams.
          return fallback.doStream(call);
        },
      };
    },
  };
}
