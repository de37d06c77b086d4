/** embeddingSimilarity: cosine similarity of output and expected, by embeddings or TF-IDF. */
import { type EmbeddingModel, embed } from 'ai';
import { denseCosine, tfidfSimilarity } from '../util/tfidf.js';
import { asText, type Scorer } from './scorer.js';

/** Options of {@link embeddingSimilarity}. */
export interface EmbeddingSimilarityOptions {
  /** An AI SDK embedding model. Without one, TF-IDF cosine is used (offline, deterministic). */
  model?: EmbeddingModel;
  /** Extra documents to fit TF-IDF weights on (e.g. all expected answers of the data set). */
  corpus?: readonly string[];
}

/**
 * Cosine similarity between the output and the expected text, clamped to [0, 1]: through the AI
 * SDK's `embed` when a model is configured, else TF-IDF cosine (words normalised and stemmed, emoji
 * counted; see `tfidfSimilarity`). Empty texts are defined without a model call: empty (or blank)
 * vs empty scores 1, empty vs non-empty scores 0 (`metadata.method` is `empty`).
 *
 * @example
 * ```ts
 * embeddingSimilarity(); // TF-IDF
 * embeddingSimilarity({ model: openai.embedding('text-embedding-3-small') });
 * ```
 */
export function embeddingSimilarity(options: EmbeddingSimilarityOptions = {}): Scorer {
  const cache = new Map<string, Promise<number[]>>();
  const embedText = (model: EmbeddingModel, value: string) => {
    let hit = cache.get(value);
    if (!hit) {
      hit = embed({ model, value }).then((r) => r.embedding);
      cache.set(value, hit);
      hit.catch(() => cache.delete(value));
    }
    return hit;
  };
  return {
    name: 'embeddingSimilarity',
    async score({ output, expected }) {
      const a = asText(output);
      const b = asText(expected);
      if (a.trim() === '' || b.trim() === '') {
        const score = a.trim() === b.trim() ? 1 : 0;
        return { score, rationale: `empty text (${score})`, metadata: { method: 'empty', cosine: score } };
      }
      if (options.model) {
        const [ea, eb] = await Promise.all([embedText(options.model, a), embedText(options.model, b)]);
        const cos = denseCosine(ea, eb);
        return {
          score: Math.max(0, cos),
          rationale: `embedding cosine ${cos.toFixed(3)}`,
          metadata: { method: 'embedding', cosine: cos },
        };
      }
      const cos = tfidfSimilarity(a, b, options.corpus);
      return { score: cos, rationale: `TF-IDF cosine ${cos.toFixed(3)}`, metadata: { method: 'tfidf', cosine: cos } };
    },
  };
}
