import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tfidfSimilarity } from '../util/tfidf.js';
import { embeddingSimilarity } from './embedding-similarity.js';
import { jsonSchema } from './json-schema.js';
import { llmJudge } from './llm-judge.js';
import { defineScorer, normalizeScore, type ScoreResult, type Scorer } from './scorer.js';
import { exactMatch, includes, levenshtein, levenshteinDistance, numericCloseness, regex } from './text.js';

const run = async (scorer: Scorer, output: unknown, expected?: unknown, input: unknown = 'q'): Promise<ScoreResult> =>
  normalizeScore(scorer.name, await scorer.score({ input, output, expected, tags: [], metadata: {} }));

describe('text scorers (hand-computed)', () => {
  it('exactMatch compares trimmed strings and JSON values by content', async () => {
    expect((await run(exactMatch(), ' Paris ', 'Paris')).score).toBe(1);
    expect((await run(exactMatch(), 'paris', 'Paris')).score).toBe(0);
    expect((await run(exactMatch({ ignoreCase: true }), 'paris', 'Paris')).score).toBe(1);
    expect((await run(exactMatch(), { b: 2, a: 1 }, { a: 1, b: 2 })).score).toBe(1);
    expect((await run(exactMatch(), { a: 1 }, { a: 2 })).score).toBe(0);
  });

  it('includes scores the fraction of needles found', async () => {
    expect((await run(includes(), 'The capital is Paris.', 'Paris')).score).toBe(1);
    const partial = await run(
      includes({ needles: ['paris', 'france', 'seine', 'louvre'], ignoreCase: true }),
      'Paris, France',
    );
    expect(partial.score).toBe(0.5);
    expect(partial.metadata?.missing).toEqual(['seine', 'louvre']);
    expect((await run(includes(), 'abc', ['a', 'x', 'y'])).score).toBeCloseTo(1 / 3, 12);
  });

  it('regex matches the text of the output', async () => {
    expect((await run(regex(/^\d{4}-\d{2}-\d{2}$/), '2026-11-23')).score).toBe(1);
    expect((await run(regex('^\\d+$'), 'twelve')).score).toBe(0);
    const g = regex(/a/g); // a global regex keeps lastIndex; the scorer resets it
    expect((await run(g, 'a')).score).toBe(1);
    expect((await run(g, 'a')).score).toBe(1);
  });

  it('levenshtein: kitten → sitting is 3 edits over 7', async () => {
    expect(levenshteinDistance('kitten', 'sitting')).toBe(3);
    expect(levenshteinDistance('', 'abc')).toBe(3);
    expect(levenshteinDistance('flaw', 'lawn')).toBe(2);
    expect((await run(levenshtein(), 'kitten', 'sitting')).score).toBeCloseTo(1 - 3 / 7, 12);
    expect((await run(levenshtein(), '', '')).score).toBe(1);
  });

  it('numericCloseness: relative by default, absolute with a scale', async () => {
    expect((await run(numericCloseness(), 90, 100)).score).toBeCloseTo(0.9, 12);
    expect((await run(numericCloseness({ scale: 10 }), 95, 100)).score).toBeCloseTo(0.5, 12);
    expect((await run(numericCloseness({ scale: 10 }), 50, 100)).score).toBe(0);
    expect((await run(numericCloseness(), '42', 42)).score).toBe(1);
    expect((await run(numericCloseness(), 'n/a', 42)).score).toBe(0);
    expect((await run(numericCloseness(), 0.5, 0)).score).toBe(0.5);
  });
});

describe('jsonSchema', () => {
  const schema = z.object({ city: z.string(), population: z.number().int() });
  it('accepts objects and JSON strings that satisfy the schema', async () => {
    expect((await run(jsonSchema(schema), { city: 'Paris', population: 2_100_000 })).score).toBe(1);
    expect((await run(jsonSchema(schema), '{"city":"Lyon","population":520000}')).score).toBe(1);
  });
  it('rejects with zod issues as the rationale', async () => {
    const r = await run(jsonSchema(schema), { city: 'Paris', population: 'many' });
    expect(r.score).toBe(0);
    expect(r.rationale).toContain('population');
    expect((await run(jsonSchema(schema), '{not json')).rationale).toMatch(/not valid JSON/);
  });
});

describe('embeddingSimilarity', () => {
  it('falls back to TF-IDF cosine: hand-computed value for two short texts', async () => {
    // docs: "a b" and "a c"; N = 2; idf(a) = ln(3/3)+1 = 1; idf(b) = idf(c) = ln(3/2)+1.
    const w = Math.log(1.5) + 1;
    const expected = 1 / (1 + w * w);
    expect(tfidfSimilarity('a b', 'a c')).toBeCloseTo(expected, 12);
    const r = await run(embeddingSimilarity(), 'a b', 'a c');
    expect(r.score).toBeCloseTo(expected, 12);
    expect(r.metadata?.method).toBe('tfidf');
    expect((await run(embeddingSimilarity(), 'same words here', 'same words here')).score).toBeCloseTo(1, 12);
    expect((await run(embeddingSimilarity(), 'apples', 'oranges')).score).toBe(0);
  });

  it('uses embed() of a configured model (cosine of the vectors)', async () => {
    const vectors: Record<string, number[]> = { cat: [1, 0], kitten: [0.6, 0.8], car: [-1, 0] };
    const scorer = embeddingSimilarity({ model: fakeEmbedder(vectors).model });
    expect((await run(scorer, 'cat', 'kitten')).score).toBeCloseTo(0.6, 12);
    expect((await run(scorer, 'cat', 'car')).score).toBe(0); // cosine −1, clamped
  });
  it('empty vs empty is 1 and empty vs text is 0, without calling the model', async () => {
    const embedder = fakeEmbedder({});
    for (const scorer of [embeddingSimilarity(), embeddingSimilarity({ model: embedder.model })]) {
      expect(await run(scorer, '', '')).toMatchObject({ score: 1, metadata: { method: 'empty' } });
      expect(await run(scorer, ' ', '')).toMatchObject({ score: 1 });
      expect(await run(scorer, '', 'an answer')).toMatchObject({ score: 0, metadata: { method: 'empty' } });
    }
    expect(embedder.calls).toBe(0);
  });
});

/** An AI SDK embedding model at the vendor edge: a fixed vector per text; counts its calls. */
function fakeEmbedder(vectors: Record<string, number[]>) {
  const state = { calls: 0, model: undefined as never };
  state.model = {
    specificationVersion: 'v4' as const,
    provider: 'test',
    modelId: 'emb',
    maxEmbeddingsPerCall: 10,
    supportsParallelCalls: true,
    async doEmbed({ values }: { values: string[] }) {
      state.calls++;
      return { embeddings: values.map((v) => vectors[v] ?? [0, 0]), warnings: [] };
    },
  } as never;
  return state;
}

describe('llmJudge', () => {
  it('asks the judge model for a structured verdict and returns its score', async () => {
    const model = new MockLanguageModelV4({
      doGenerate: async () => ({
        content: [
          {
            type: 'text',
            text: JSON.stringify({ verdict: 'partial', score: 0.6, rationale: 'names the city but not the country' }),
          },
        ],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 5, text: 5, reasoning: 0 },
        },
        warnings: [],
      }),
    });
    const r = await run(
      llmJudge({ model, rubric: 'Names the capital and its country.' }),
      'Paris',
      'Paris, France',
      'Capital of France?',
    );
    expect(r).toEqual({
      score: 0.6,
      rationale: 'names the city but not the country',
      metadata: { verdict: 'partial' },
    });
    const prompt = JSON.stringify(model.doGenerateCalls[0]?.prompt);
    expect(prompt).toContain('Names the capital and its country.');
    expect(prompt).toContain('Paris, France');
  });
});

describe('custom scorers', () => {
  it('sync and async custom scorers; results are clamped to [0, 1]', async () => {
    expect(
      (
        await run(
          defineScorer('len', ({ output }) => String(output).length / 10),
          'abcde',
        )
      ).score,
    ).toBe(0.5);
    expect(
      (
        await run(
          defineScorer('big', async () => 3),
          'x',
        )
      ).score,
    ).toBe(1);
    await expect(
      run(
        defineScorer('bad', () => Number.NaN),
        'x',
      ),
    ).rejects.toThrow(/Expected scorer "bad"/);
    expect(() => defineScorer('', () => 1)).toThrow(TypeError);
  });
});
