/**
 * "What worked for inputs like this one?": nearest stored items by TF-IDF (or embeddings) and the
 * variant that scored best among them.
 */
import { type EmbeddingModel, embedMany } from 'ai';
import type { StoredResult } from '../storage/eval-store.js';
import { denseCosine, ENGLISH_STOPWORDS, fitTfIdf, sparseCosine } from '../util/tfidf.js';

/** Where past results come from (an {@link EvalStore} fits). */
export interface ResultSource {
  /** Past results of the eval `evalName` across variants, from at most `limitRuns` newest runs. */
  listResults(evalName: string, options?: { limitRuns?: number }): Promise<StoredResult[]>;
}

/** Options of {@link suggestVariant}. */
export interface SuggestOptions {
  /** Neighbours to consider (default 5 distinct items). */
  k?: number;
  /** Scorer to rank variants by; default the mean of all scorers. */
  scorer?: string;
  /** Embedding model; TF-IDF when omitted. */
  embeddingModel?: EmbeddingModel;
  /** Past runs to search (default 50). */
  limitRuns?: number;
}

/** A neighbour item. */
export interface SimilarItem {
  itemId: string;
  input: unknown;
  similarity: number;
  /** Mean score per variant on this item. */
  variants: Record<string, number>;
}

/** Result of {@link suggestVariant}. */
export interface Suggestion {
  /** Best variant among the neighbours (similarity-weighted mean score), if any. */
  variant?: string;
  /** Similarity-weighted mean score per variant. */
  scores: Record<string, number>;
  neighbors: SimilarItem[];
}

/**
 * Finds stored items similar to `input` and suggests the variant that worked best on them.
 *
 * @example
 * ```ts
 * const { variant } = await suggestVariant(evalStore, 'support-replies', 'refund for a broken phone');
 * ```
 */
export async function suggestVariant(
  source: ResultSource,
  evalName: string,
  input: unknown,
  options: SuggestOptions = {},
): Promise<Suggestion> {
  const results = await source.listResults(evalName, { limitRuns: options.limitRuns ?? 50 });
  const items = new Map<string, { input: unknown; byVariant: Map<string, number[]> }>();
  for (const r of results) {
    const entry = items.get(r.itemId) ?? { input: r.input, byVariant: new Map<string, number[]>() };
    const vals = options.scorer ? [r.scores[options.scorer]?.score ?? 0] : Object.values(r.scores).map((s) => s.score);
    const score = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0;
    entry.byVariant.set(r.variant, [...(entry.byVariant.get(r.variant) ?? []), score]);
    items.set(r.itemId, entry);
  }
  const ids = [...items.keys()];
  if (ids.length === 0) return { scores: {}, neighbors: [] };
  const texts = ids.map((id) => inputText(items.get(id)?.input));
  const query = inputText(input);
  let sims: number[];
  if (options.embeddingModel) {
    const { embeddings } = await embedMany({ model: options.embeddingModel, values: [query, ...texts] });
    const [q, ...rest] = embeddings as number[][];
    sims = rest.map((e) => denseCosine(q as number[], e));
  } else {
    const vectorize = fitTfIdf([...texts, query], ENGLISH_STOPWORDS);
    const qv = vectorize(query);
    sims = texts.map((t) => sparseCosine(qv, vectorize(t)));
  }
  const neighbors: SimilarItem[] = ids
    .map((id, i) => {
      const entry = items.get(id) as { input: unknown; byVariant: Map<string, number[]> };
      const variants: Record<string, number> = {};
      for (const [v, list] of entry.byVariant) variants[v] = list.reduce((a, b) => a + b, 0) / list.length;
      return { itemId: id, input: entry.input, similarity: sims[i] as number, variants };
    })
    .filter((n) => n.similarity > 0)
    .sort((a, b) => b.similarity - a.similarity || a.itemId.localeCompare(b.itemId))
    .slice(0, options.k ?? 5);
  const sum = new Map<string, { w: number; s: number }>();
  for (const n of neighbors) {
    for (const [v, score] of Object.entries(n.variants)) {
      const acc = sum.get(v) ?? { w: 0, s: 0 };
      acc.w += n.similarity;
      acc.s += n.similarity * score;
      sum.set(v, acc);
    }
  }
  const scores: Record<string, number> = {};
  for (const [v, acc] of sum) scores[v] = acc.s / acc.w;
  const best = Object.entries(scores).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return { ...(best ? { variant: best[0] } : {}), scores, neighbors };
}

/** The text of an input for similarity: strings as is, objects as their leaf values (keys are noise). */
function inputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(inputText).join(' ');
  if (value && typeof value === 'object') return Object.values(value).map(inputText).join(' ');
  return '';
}
