/**
 * TF-IDF vectors and cosine similarity: the embedding fallback when no embedding model is
 * configured, and the index behind similar-item lookups. Tokens are normalised (NFKC, lower case),
 * emoji count as terms, and English words are stemmed with `stemmer` (wooorm's Porter stemmer: ESM,
 * typed, no dependencies, a few hundred lines; the Porter algorithm is the classic one behind most
 * IR baselines, and a whole NLP toolkit such as `natural` would bring far more than one function).
 */
import { stemmer } from 'stemmer';

/** Common English function words, dropped for similarity lookups of inputs. */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by can do for from has have how i if in is it its me my no not of on or our so that the their them there they this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/**
 * A token: an emoji (a whole RGI emoji sequence: ZWJ families, flags, keycaps, skin tones) or a run
 * of letters, combining marks and digits in any script.
 */
// built at run time: the `v` flag (Node ≥ 20) is newer than the ES2022 the package is compiled to
// biome-ignore lint/complexity/useRegexLiterals: a literal with the v flag does not compile for ES2022
const TOKEN = new RegExp('\\p{RGI_Emoji}|[\\p{L}\\p{M}\\p{N}]+', 'gv');
const ASCII_WORD = /^[a-z]+$/;

/**
 * Tokens for similarity: the text is NFKC-normalised and lower-cased, split into words (letters,
 * marks and digits, any script) and emoji, `stopwords` dropped (matched before stemming), and words
 * of ASCII letters reduced to their Porter stem (the `stemmer` package), so `crash`, `crashes`,
 * `crashed` and `crashing` are one term. Other words and emoji are kept as they are.
 *
 * @example
 * ```ts
 * tokenize('Crashes, crashed! 🔥'); // ['crash', 'crash', '🔥']
 * ```
 */
export function tokenize(text: string, stopwords?: ReadonlySet<string>): string[] {
  const tokens = text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
  const out: string[] = [];
  for (const t of tokens) {
    if (stopwords?.has(t)) continue;
    out.push(ASCII_WORD.test(t) ? stemmer(t) : t);
  }
  return out;
}

/** A sparse vector: term → weight. */
export type SparseVector = Map<string, number>;

/**
 * Fits smoothed IDF weights on `documents` (`idf = ln((1 + N) / (1 + df)) + 1`, as scikit-learn)
 * and returns a function that vectorizes any text with raw term counts × idf.
 */
export function fitTfIdf(
  documents: readonly string[],
  stopwords?: ReadonlySet<string>,
): (text: string) => SparseVector {
  const df = new Map<string, number>();
  for (const doc of documents)
    for (const term of new Set(tokenize(doc, stopwords))) df.set(term, (df.get(term) ?? 0) + 1);
  const n = documents.length;
  const idf = (term: string) => Math.log((1 + n) / (1 + (df.get(term) ?? 0))) + 1;
  return (text) => {
    const vec: SparseVector = new Map();
    for (const term of tokenize(text, stopwords)) vec.set(term, (vec.get(term) ?? 0) + 1);
    for (const [term, count] of vec) vec.set(term, count * idf(term));
    return vec;
  };
}

/** Cosine similarity of two sparse vectors; 0 when either is empty. */
export function sparseCosine(a: SparseVector, b: SparseVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, w] of a) {
    na += w * w;
    const other = b.get(term);
    if (other !== undefined) dot += w * other;
  }
  for (const w of b.values()) nb += w * w;
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/** Cosine similarity of two dense vectors; 0 when either has zero norm. */
export function denseCosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  return dot / Math.sqrt(na * nb);
}

/**
 * TF-IDF cosine of two texts, with IDF fitted on the pair plus an optional corpus. Two texts without
 * a single token (empty, blank or punctuation only) score 1 when they are equal after trimming and
 * normalisation (so `''` vs `''` is 1) and 0 otherwise; a text without tokens against one with
 * tokens scores 0.
 *
 * @example
 * ```ts
 * tfidfSimilarity('the build crashes', 'build crashed'); // > 0.5: crash ~ crashes
 * tfidfSimilarity('🔥🔥', '🔥🔥'); // 1
 * tfidfSimilarity('', ''); // 1
 * ```
 */
export function tfidfSimilarity(a: string, b: string, corpus: readonly string[] = []): number {
  const vectorize = fitTfIdf([...corpus, a, b]);
  const va = vectorize(a);
  const vb = vectorize(b);
  if (va.size === 0 && vb.size === 0) return normalised(a) === normalised(b) ? 1 : 0;
  return sparseCosine(va, vb);
}

function normalised(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}
