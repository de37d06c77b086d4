/** Checks a definition before it is committed; every problem names the workflow and what to fix. */
import { WorkflowDefinitionError } from '../errors/errors.js';
import { childrenOf, type Node } from './nodes.js';

const BAD_ID = /[/[\]#]/;

/** Throws a {@link WorkflowDefinitionError} for the first problem found in `nodes`. */
export function validateDefinition(workflowId: string, nodes: readonly Node[]): void {
  if (nodes.length === 0)
    throw new WorkflowDefinitionError(workflowId, 'it has no steps. Add at least one with .step(…) before .commit().');
  checkLevel(workflowId, nodes, '(top level)');
}

function checkLevel(wf: string, nodes: readonly Node[], where: string): void {
  const seen = new Set<string>();
  for (const n of nodes) {
    if (typeof n.id !== 'string' || n.id === '')
      throw new WorkflowDefinitionError(wf, `a ${n.kind} at ${where} has an empty id. Give it a non-empty id.`);
    if (BAD_ID.test(n.id)) {
      throw new WorkflowDefinitionError(
        wf,
        `id "${n.id}" at ${where} contains one of / [ ] #, which are reserved for step paths. Rename it.`,
      );
    }
    if (seen.has(n.id)) {
      throw new WorkflowDefinitionError(
        wf,
        `id "${n.id}" is used twice at ${where}. Step ids must be unique among siblings: rename one, e.g. with step({ ...s, id: '${n.id}-2' }).`,
      );
    }
    seen.add(n.id);
    checkNode(wf, n);
  }
}

function checkNode(wf: string, n: Node): void {
  const at = `"${n.id}"`;
  switch (n.kind) {
    case 'branch':
      if (n.branches.length === 0 && !n.default)
        throw new WorkflowDefinitionError(
          wf,
          `branch ${at} has no branches. Pass at least one [predicate, step] pair.`,
        );
      for (const b of n.branches) {
        if (typeof b.when !== 'function')
          throw new WorkflowDefinitionError(
            wf,
            `a predicate of branch ${at} is not a function. Use [({ input }) => boolean, step].`,
          );
      }
      break;
    case 'parallel':
      if (n.children.length === 0)
        throw new WorkflowDefinitionError(wf, `parallel ${at} has no steps. Pass at least one step.`);
      break;
    case 'foreach':
      if (!(n.concurrency >= 1))
        throw new WorkflowDefinitionError(
          wf,
          `foreach ${at} has concurrency ${n.concurrency}. Use an integer from 1 and up.`,
        );
      break;
    case 'loop':
      if (!(Number.isInteger(n.maxIterations) && n.maxIterations >= 1)) {
        throw new WorkflowDefinitionError(
          wf,
          `loop ${at} has maxIterations ${n.maxIterations}. Use an integer from 1 and up.`,
        );
      }
      break;
    case 'dag':
      if (!(n.concurrency >= 1))
        throw new WorkflowDefinitionError(
          wf,
          `dag ${at} has concurrency ${n.concurrency}. Use an integer from 1 and up.`,
        );
      break;
    case 'sleep':
      if (n.ms === undefined && !n.until)
        throw new WorkflowDefinitionError(wf, `sleep ${at} has neither a duration nor a date.`);
      break;
    case 'event':
      if (!n.event)
        throw new WorkflowDefinitionError(wf, `waitForEvent ${at} has no event name. Pass { event: 'name' }.`);
      break;
    default:
      break;
  }
  if (n.kind === 'branch' || n.kind === 'parallel') checkLevel(wf, childrenOf(n), `${n.kind} ${at}`);
  else if (n.kind !== 'workflow') for (const c of childrenOf(n)) checkNode(wf, c);
}
