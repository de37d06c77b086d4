import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENGLISH_STOPWORDS, tfidfSimilarity, tokenize } from './tfidf.js';

describe('tokenize', () => {
  it('normalises (NFKC, lower case) and stems English words with the Porter stemmer', () => {
    expect(tokenize('Crash crashes CRASHED crashing')).toEqual(['crash', 'crash', 'crash', 'crash']);
    expect(tokenize('ｃｒａｓｈｅｓ')).toEqual(['crash']); // full-width letters, NFKC
    expect(tokenize('cafe\u0301')).toEqual(tokenize('café')); // decomposed é is one word, same as composed
    expect(tokenize('Ünïcödé wörds 42')).toEqual(['ünïcödé', 'wörds', '42']); // non-ASCII words kept as they are
    expect(tokenize('the build is failing', ENGLISH_STOPWORDS)).toEqual(['build', 'fail']);
  });

  it('keeps emoji as terms, whole sequences as one', () => {
    expect(tokenize('🔥 deploy 🚀🚀')).toEqual(['🔥', 'deploi', '🚀', '🚀']); // Porter stems are not words: deploy → deploi
    expect(tokenize('👨‍👩‍👧 🇫🇷 1️⃣')).toEqual(['👨‍👩‍👧', '🇫🇷', '1️⃣']);
  });
});

describe('tfidfSimilarity', () => {
  it('matches inflected forms: crash ~ crashes', () => {
    expect(tfidfSimilarity('crash', 'crashes')).toBe(1);
    expect(tfidfSimilarity('the server crashes on start', 'server crashed at start')).toBeGreaterThan(0.5);
  });

  it('emoji-only text is similar to itself and not to other emoji', () => {
    expect(tfidfSimilarity('🔥🔥', '🔥🔥')).toBe(1);
    expect(tfidfSimilarity('👍', '👍')).toBe(1);
    expect(tfidfSimilarity('👍', '👎')).toBe(0);
  });

  it('texts without tokens: equal → 1, different or against a text with tokens → 0', () => {
    expect(tfidfSimilarity('', '')).toBe(1);
    expect(tfidfSimilarity('  ', '')).toBe(1);
    expect(tfidfSimilarity('!!!', '!!!')).toBe(1);
    expect(tfidfSimilarity('!!!', '???')).toBe(0);
    expect(tfidfSimilarity('', 'words')).toBe(0);
  });

  it('property: in [0, 1], symmetric, and 1 for a text against itself', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc
        .array(fc.constantFrom('crash', 'crashes', 'build', '🔥', 'é', '', '!', '42'), { maxLength: 8 })
        .map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const ab = tfidfSimilarity(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(tfidfSimilarity(b, a)).toBeCloseTo(ab, 12);
        expect(tfidfSimilarity(a, a)).toBeCloseTo(1, 12);
      }),
      { numRuns: 500 },
    );
  });
});
