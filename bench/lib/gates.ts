// The suspend + resume workflow every suite compares, one definition per implementation: three
// zod-typed steps `prep` (+1), `ask` (suspends until resumed with { ok: true }, then +1) and
// `finish` (+1), so a run from { n } ends at { n: n + 3 }.
import { z } from 'zod';

/** The state of every step. */
export const S = z.object({ n: z.number() });
type N = z.infer<typeof S>;
const Resume = z.object({ ok: z.boolean() });

/** Weft: `workflow('gate')`; resume with `{ step: 'ask', data: { ok: true } }`. */
export async function weftGate() {
  const { step, workflow } = await import('@weft/workflow');
  const plus = (id: string) =>
    step({ id, input: S, output: S, run: async ({ input }: { input: N }) => ({ n: input.n + 1 }) });
  return workflow({ id: 'gate', input: S })
    .step(plus('prep'))
    .then(
      step({
        id: 'ask',
        input: S,
        output: S,
        resumeSchema: Resume,
        run: async ({ input, suspend, resumeData }: any) => (resumeData ? { n: input.n + 1 } : suspend({ n: input.n })),
      }),
    )
    .then(plus('finish'))
    .commit();
}

/**
 * Mastra: workflow 'gate'; resume with `{ step: 'ask', resumeData: { ok: true } }`. Wrapped in an
 * object: a Mastra workflow has a `then` method, so a promise of it would be taken as a thenable.
 */
export async function mastraGate(): Promise<{ gate: any }> {
  const { createWorkflow, createStep } = await import('@mastra/core/workflows');
  const plus = (id: string) =>
    createStep({
      id,
      inputSchema: S,
      outputSchema: S,
      execute: async ({ inputData }: { inputData: N }) => ({ n: inputData.n + 1 }),
    });
  const ask = createStep({
    id: 'ask',
    inputSchema: S,
    outputSchema: S,
    resumeSchema: Resume,
    suspendSchema: S,
    execute: async ({ inputData, resumeData, suspend }: any) =>
      resumeData ? { n: inputData.n + 1 } : suspend({ n: inputData.n }),
  });
  const gate: any = createWorkflow({ id: 'gate', inputSchema: S, outputSchema: S })
    .then(plus('prep'))
    .then(ask)
    .then(plus('finish'))
    .commit();
  return { gate };
}

/** LangGraph: the uncompiled graph (`interrupt()` in 'ask'); resume with `new Command({ resume: { ok: true } })`. */
export async function langgraphGate(): Promise<any> {
  const { StateGraph, Annotation, START, END, interrupt } = await import('@langchain/langgraph');
  const q: any = new StateGraph(Annotation.Root({ n: Annotation<number>() }));
  q.addNode('prep', async (s: { n: number }) => ({ n: S.parse({ n: s.n + 1 }).n }));
  q.addNode('ask', async (s: { n: number }) => {
    const answer = interrupt({ n: s.n }) as { ok: boolean };
    return { n: answer.ok ? s.n + 1 : s.n };
  });
  q.addNode('finish', async (s: { n: number }) => ({ n: S.parse({ n: s.n + 1 }).n }));
  q.addEdge(START, 'prep');
  q.addEdge('prep', 'ask');
  q.addEdge('ask', 'finish');
  q.addEdge('finish', END);
  return q;
}
