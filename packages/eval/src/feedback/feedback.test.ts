import { createMemoryQualityStore, type QualityStore } from '@weft/llm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineEval } from '../define/define-eval.js';
import { runEval } from '../runner/run-eval.js';
import type { EvalRun, ItemResult } from '../runner/types.js';
import { exactMatch } from '../scorers/text.js';
import type { StoredResult } from '../storage/eval-store.js';
import { type QualitySink, recordQuality } from './quality.js';
import { suggestVariant } from './similar.js';

const result = (
  itemId: string,
  tags: string[],
  scores: Record<string, number>,
  input: unknown = itemId,
): ItemResult => ({
  itemId,
  trial: 0,
  input,
  latencyMs: 1,
  scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, { score: v }])),
  tags,
  cached: false,
  attempts: 1,
});

const run = (results: ItemResult[], extra: Partial<EvalRun> = {}): EvalRun => ({
  id: 'r1',
  evalName: 'support',
  variant: 'v',
  taskVersion: 't',
  trials: 1,
  startedAt: 0,
  endedAt: 1000,
  results,
  summary: {
    items: results.length,
    results: results.length,
    errors: 0,
    taskErrors: 0,
    scorerErrors: 0,
    scorers: {},
    latencyMs: {} as never,
    costUsd: 0,
  },
  ...extra,
});

describe('recordQuality', () => {
  it("writes per-model, per-task-tag records into @weft/llm's QualityStore", async () => {
    const quality = createMemoryQualityStore();
    expectTypeOf(quality).toExtend<QualitySink>();
    const r = run(
      [
        result('a', ['refunds'], { x: 1, y: 0.5 }),
        result('b', ['refunds', 'angry'], { x: 0, y: 0 }),
        result('c', [], { x: 1, y: 1 }),
      ],
      { modelId: 'offline/small', taskTag: 'support' },
    );
    expect(await recordQuality(r, quality)).toBe(4);
    expect(await quality.read('refunds')).toEqual([{ model: 'offline/small', count: 2, meanScore: 0.375 }]);
    expect(await quality.read('angry')).toEqual([{ model: 'offline/small', count: 1, meanScore: 0 }]);
    expect(await quality.read('support')).toEqual([{ model: 'offline/small', count: 1, meanScore: 1 }]);
    const byScorer: QualityStore = createMemoryQualityStore();
    await recordQuality(r, byScorer, { scorer: 'x', model: 'openai/gpt-x' });
    expect(await byScorer.read('refunds')).toEqual([{ model: 'openai/gpt-x', count: 2, meanScore: 0.5 }]);
  });

  it('runEval({ quality, qualityModel }) records after the run', async () => {
    const quality = createMemoryQualityStore();
    const def = defineEval({
      name: 'q',
      data: [
        { input: 'a', expected: 'a', tags: ['echo'] },
        { input: 'b', expected: 'x', tags: ['echo'] },
      ],
      task: (s: string) => s,
      scorers: [exactMatch()],
    });
    await runEval(def, { quality, qualityModel: 'offline/echo', progress: false, gitCommit: false });
    expect(await quality.read('echo')).toEqual([{ model: 'offline/echo', count: 2, meanScore: 0.5 }]);
  });

  it('requires a model when the task is not a model task', async () => {
    await expect(recordQuality(run([result('a', [], { x: 1 })]), createMemoryQualityStore())).rejects.toThrow(
      /Pass \{ model \}/,
    );
  });
});

describe('suggestVariant', () => {
  const stored = (variant: string, itemId: string, input: string, score: number): StoredResult => ({
    ...result(itemId, [], { q: score }, input),
    runId: variant,
    variant,
  });
  const source = {
    async listResults(): Promise<StoredResult[]> {
      return [
        stored('terse', 'r1', 'refund for a broken phone screen', 0.2),
        stored('detailed', 'r1', 'refund for a broken phone screen', 0.9),
        stored('terse', 'r2', 'refund request for damaged laptop', 0.3),
        stored('detailed', 'r2', 'refund request for damaged laptop', 0.8),
        stored('terse', 's1', 'where is my shipping tracking number', 0.9),
        stored('detailed', 's1', 'where is my shipping tracking number', 0.4),
      ];
    },
  };
  it('finds similar past items by TF-IDF and names the variant that worked for them', async () => {
    const refund = await suggestVariant(source, 'support', 'I want a refund, my phone is broken', { k: 2 });
    expect(refund.neighbors.map((n) => n.itemId)).toEqual(['r1', 'r2']);
    expect(refund.variant).toBe('detailed');
    const shipping = await suggestVariant(source, 'support', 'tracking number for my shipping', { k: 1 });
    expect(shipping.neighbors[0]?.itemId).toBe('s1');
    expect(shipping.variant).toBe('terse');
    const none = await suggestVariant(source, 'support', 'zzz', { k: 2 });
    expect(none).toEqual({ scores: {}, neighbors: [] });
  });
});
