// Eval A/B, offline: two prompt variants of a support-reply workflow are evaluated on the same
// tickets with @weft/llm's offline model (deterministic, NOT an LLM — it quotes its prompt), with
// two trials per item. The workflow runs through the Weft engine on a libsql file, the eval history
// goes into the same database, and the comparison prints per scorer the mean difference, a paired
// bootstrap 95% interval and a permutation-test p-value. Writes the HTML report. Run:
//   node --import ./scripts/ts-hooks.mjs examples/eval-ab/main.ts [report-dir]
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  checkThresholds,
  createEvalStore,
  defineEval,
  embeddingSimilarity,
  formatComparison,
  formatThresholds,
  includes,
  recordQuality,
  runAB,
  suggestVariant,
  toHtmlReport,
} from '@weft/eval';
import { createMemoryQualityStore, createOfflineModel } from '@weft/llm';
import { createEngine, createStore, step, workflow } from '@weft/workflow';
import { generateText } from 'ai';
import { z } from 'zod';

const outDir = resolve(process.argv[2] ?? mkdtempSync(join(tmpdir(), 'weft-eval-ab-')));
mkdirSync(outDir, { recursive: true });
const store = createStore({ url: `file:${join(outDir, 'weft.db')}` });
await store.init();
const engine = createEngine({ store });
const model = createOfflineModel('support-small');

const Ticket = z.object({ customer: z.string(), text: z.string() });
type Ticket = z.infer<typeof Ticket>;

const classify = step({
  id: 'classify',
  input: Ticket,
  run: async ({ input }) => ({
    ...input,
    category: /refund|charge|invoice/i.test(input.text)
      ? 'billing'
      : /crash|error|broken/i.test(input.text)
        ? 'bug'
        : 'question',
  }),
});

/** The support-reply workflow, parameterized by how the prompt is written. */
function replyFlow(variant: string, prompt: (t: Ticket & { category: string }) => string) {
  return workflow({ id: `support-reply-${variant}`, input: Ticket })
    .step(classify)
    .step('draft', async ({ input }) => {
      const { text } = await generateText({ model, prompt: prompt(input) });
      return text;
    })
    .commit();
}

// Variant A only names the category; variant B grounds the reply in the customer's own words.
const terse = replyFlow('terse', (t) => `Write a short, polite reply to a ${t.category} ticket.`);
const grounded = replyFlow(
  'grounded',
  (t) => `Reply to ${t.customer} about their ${t.category} ticket. Address exactly this: "${t.text}".`,
);

const tickets: { customer: string; text: string; keywords: string[]; tags: string[] }[] = [
  {
    customer: 'Ana',
    text: 'I was charged twice for my order 1042',
    keywords: ['charged twice', '1042'],
    tags: ['billing'],
  },
  { customer: 'Ben', text: 'The app crashes when I open settings', keywords: ['crashes', 'settings'], tags: ['bug'] },
  { customer: 'Chen', text: 'How do I export my data to CSV?', keywords: ['export', 'CSV'], tags: ['question'] },
  {
    customer: 'Dara',
    text: 'Please refund the annual plan I cancelled',
    keywords: ['refund', 'annual plan'],
    tags: ['billing'],
  },
  { customer: 'Eli', text: 'Error 503 on login since this morning', keywords: ['503', 'login'], tags: ['bug'] },
  {
    customer: 'Fay',
    text: 'Can I add a second admin to the workspace?',
    keywords: ['second admin', 'workspace'],
    tags: ['question'],
  },
  {
    customer: 'Gus',
    text: 'Invoice 77 shows the wrong VAT number',
    keywords: ['Invoice 77', 'VAT'],
    tags: ['billing'],
  },
  { customer: 'Hana', text: 'Upload button is broken in Safari', keywords: ['Upload', 'Safari'], tags: ['bug'] },
  { customer: 'Ivo', text: 'Is there a dark mode?', keywords: ['dark mode'], tags: ['question'] },
  { customer: 'Jun', text: 'The reply to Ana reply was a reply', keywords: ['Jun'], tags: ['question'] },
  { customer: 'Kai', text: 'Your polite reply was short', keywords: ['polite', 'short'], tags: ['question'] },
  {
    customer: 'Lea',
    text: 'Charge on card ending 4242 not recognised',
    keywords: ['4242', 'not recognised'],
    tags: ['billing'],
  },
];

const replies = defineEval({
  name: 'support-replies',
  description: 'Does the reply address what the customer wrote?',
  data: tickets.map(({ keywords, tags, ...input }) => ({ id: input.customer, input, expected: keywords, tags })),
  task: { workflow: grounded, engine },
  scorers: [includes({ ignoreCase: true }), embeddingSimilarity()],
  trials: 2,
  taskTag: 'support-reply',
  thresholds: { includes: { min: 0.5, noSignificantDrop: true } },
});

const history = createEvalStore(store);
const { a, b, comparison } = await runAB(
  replies,
  { terse: { task: { workflow: terse, engine } }, grounded: { task: { workflow: grounded, engine } } },
  { store: history, progress: false },
);

console.log(formatComparison(comparison));
const verdict = checkThresholds(b, replies.thresholds ?? {});
console.log(`\nthresholds for "grounded":\n${formatThresholds(verdict)}`);

// Feed the learned router: per-model, per-task-tag quality.
const quality = createMemoryQualityStore();
await recordQuality(b, quality, { model: 'offline/support-small' });
const billing = (await quality.read('billing'))[0];
console.log(
  `\nquality record: billing × offline/support-small = ${billing?.meanScore.toFixed(3)} over ${billing?.count} results`,
);

// "What worked for tickets like this one?"
const hint = await suggestVariant(history, 'support-replies', {
  customer: 'Max',
  text: 'I was charged twice, please refund',
});
console.log(
  `suggested variant for a new billing ticket: ${hint.variant} (nearest: ${hint.neighbors.map((n) => n.itemId).join(', ')})`,
);

const reportPath = join(outDir, 'eval-ab-report.html');
writeFileSync(
  reportPath,
  toHtmlReport({ runs: [a, b], comparisons: [comparison], thresholds: [{ runId: b.id, result: verdict }] }),
);
const improved = comparison.scorers.find((s) => s.scorer === 'includes');
console.log(`\nreport: ${reportPath}`);
console.log(`eval-ab: grounded vs terse on includes: ${improved?.verdict} (p=${improved?.pValue.toFixed(4)})`);
await store.close();
