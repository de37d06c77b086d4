/**
 * Accuracy against each language's own parser on real code no one here wrote. Prints precision,
 * recall and endLine accuracy per language and asserts each is >= 0.98. (Both backends give
 * identical outlines — see parity.test.ts — so the js backend is scored.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tsOracle } from './oracle/ts-oracle.js';
import { type Accuracy, accuracy, type OracleLanguage, oracleUnavailable } from './oracle/accuracy.js';
import { jsBackend, nativeBackend } from './helpers/backends.js';
import { corpus } from './helpers/corpus.js';

const backend = nativeBackend ?? jsBackend;
const files = corpus({ perLanguage: 150, maxBytes: 150_000 });
const results: Accuracy[] = [];

describe('accuracy against each language’s own parser', () => {
  for (const lang of ['typescript', 'javascript', 'python', 'go', 'rust'] as OracleLanguage[]) {
    const why = oracleUnavailable(lang);
    it.skipIf(why !== undefined)(
      `${lang}${why ? ` (skipped: ${why})` : ''}: precision, recall, endLine >= 0.98`,
      () => {
        const list = files.filter((f) => f.language === lang).map((f) => f.path);
        const a = accuracy(backend, lang, list);
        results.push(a);
        console.log(
          `[accuracy] ${lang.padEnd(10)} files=${a.files} symbols=${a.tp + a.fn} precision=${a.precision.toFixed(4)} recall=${a.recall.toFixed(4)} endLine=${a.endLineAccuracy.toFixed(4)}` +
            (a.misses.length > 0 ? `\n  e.g. ${a.misses.slice(0, 3).join('\n  e.g. ')}` : ''),
        );
        expect(a.files).toBeGreaterThan(20);
        expect(a.precision).toBeGreaterThanOrEqual(0.98);
        expect(a.recall).toBeGreaterThanOrEqual(0.98);
        expect(a.endLineAccuracy).toBeGreaterThanOrEqual(0.98);
      },
      120_000,
    );
  }

  it('tsx (fixtures only: no .tsx sources are installed on this machine)', () => {
    const src = readFileSync(new URL('./fixtures/sample.tsx', import.meta.url), 'utf8');
    const want = tsOracle(src, 'tsx');
    const got = backend.outline(src, 'tsx').symbols;
    expect(got.map((s) => [s.name, s.kind, s.startLine, s.endLine])).toEqual(
      want.map((s) => [s.name, s.kind, s.startLine, s.endLine]),
    );
  });
});
