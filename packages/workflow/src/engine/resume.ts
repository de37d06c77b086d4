/** Validating resume data against the suspended node, before any state changes. */
import { z } from 'zod';
import { ResumeValidationError } from '../errors/errors.js';
import type { Workflow } from '../definition/workflow.js';
import type { SuspensionRecord } from '../store/store.js';
import { toIssues } from './run-state.js';

// Input takes the verbs of decide()/HTTP/CLI ('approve' | 'reject') and, for Weft 0.1 callers,
// the outcome spellings; what is stored and emitted is always the outcome ('approved' | 'rejected').
const decisionSchema = z.object({
  decision: z
    .enum(['approve', 'reject', 'approved', 'rejected'])
    .transform((d) => (d === 'approve' || d === 'approved' ? 'approved' : 'rejected')),
  payload: z.unknown().optional(),
  actors: z.array(z.string()).optional(),
  comment: z.string().optional(),
});

function parse(
  schema: z.ZodType,
  value: unknown,
  runId: string,
  path: string,
  prefix: (string | number)[] = [],
): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ResumeValidationError(
    runId,
    path,
    toIssues(r.error.issues).map((i) => ({ ...i, path: [...prefix, ...i.path] })),
  );
}

/** Returns the parsed resume data for the node at `path`, or throws a ResumeValidationError. */
export function validateResume(
  wf: Workflow,
  runId: string,
  path: string,
  suspension: SuspensionRecord,
  data: unknown,
): unknown {
  const node = wf.getStep(path)?.node;
  switch (node?.kind) {
    case 'step':
      return node.step.resumeSchema ? parse(node.step.resumeSchema, data, runId, path) : data;
    case 'event':
      return node.schema ? parse(node.schema, data, runId, path) : data;
    case 'approval': {
      const d = parse(decisionSchema, data, runId, path) as z.output<typeof decisionSchema>;
      if (d.decision === 'rejected') return d;
      const stored = (suspension.payload as { payload?: unknown } | undefined)?.payload;
      const payload = d.payload === undefined ? stored : d.payload;
      const schema = node.options.schema;
      return { ...d, payload: schema ? parse(schema, payload, runId, path, ['payload']) : payload };
    }
    default:
      return data;
  }
}
