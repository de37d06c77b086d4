/**
 * The feedback loop with @weft/llm: evals of routed models write per-model, per-task-tag quality
 * records (the model that actually answered), and learned routing then prefers the better model.
 */
import { createMemoryQualityStore, createRouter } from '@weft/llm';
import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { defineEval } from '../src/define/define-eval.js';
import { runEval } from '../src/runner/run-eval.js';
import { includes } from '../src/scorers/text.js';

const data = ['order 1042 charged twice', 'refund annual plan', 'VAT number wrong on invoice 77'].map((text) => ({
  input: text,
  expected: text.split(' ').slice(0, 2),
  tags: ['support'],
}));

describe('quality feedback into learned routing', () => {
  it('records the answering model per item and steers router.task() to the better one', async () => {
    const quality = createMemoryQualityStore();
    const router = createRouter({
      providers: {},
      routes: { support: ['offline/vague', 'offline/grounded'] },
      tasks: { support: 'support' },
      learned: { quality, exploration: 0, minSamples: 1 },
    });
    // Before any evidence, the static order answers with the first candidate.
    const before = await generateText({ model: router.task('support'), prompt: 'hello' });
    expect((before.providerMetadata?.weft as { model?: string })?.model).toBe('offline/vague');

    const evalOf = (model: string, prompt: (t: string) => string) =>
      defineEval({
        name: `support-${model}`,
        data,
        task: { model: router.model(model), prompt },
        scorers: [includes()],
      });
    const vague = await runEval(
      evalOf('offline/vague', () => 'Reply to the customer.'),
      { quality, progress: false, gitCommit: false },
    );
    const grounded = await runEval(
      evalOf('offline/grounded', (t) => `Reply about: ${t}`),
      { quality, progress: false, gitCommit: false },
    );

    expect(vague.modelId).toBe('weft/offline/vague');
    expect(vague.results.map((r) => r.model)).toEqual(['offline/vague', 'offline/vague', 'offline/vague']);
    expect(grounded.summary.scorers.includes?.mean).toBe(1);
    expect(vague.summary.scorers.includes?.mean).toBe(0);
    const stats = Object.fromEntries((await quality.read('support')).map((s) => [s.model, s]));
    expect(stats['offline/grounded']).toMatchObject({ count: 3, meanScore: 1 });
    expect(stats['offline/vague']).toMatchObject({ count: 3, meanScore: 0 });

    // Learned routing reads the records: the same task now goes to the model that scored better.
    await new Promise((r) => setTimeout(r, 0));
    const fresh = createRouter({
      providers: {},
      routes: { support: ['offline/vague', 'offline/grounded'] },
      tasks: { support: 'support' },
      learned: { quality, exploration: 0, minSamples: 1 },
    });
    const after = await generateText({ model: fresh.task('support'), prompt: 'hello' });
    expect((after.providerMetadata?.weft as { model?: string })?.model).toBe('offline/grounded');
  });
});
