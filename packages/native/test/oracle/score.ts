/** Precision / recall of (name, parent, kind, startLine) and endLine accuracy of matched symbols. */
import type { RefSymbol } from './ts-oracle.js';

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  endOk: number;
  precision: number;
  recall: number;
  endLineAccuracy: number;
  misses: string[];
}

const key = (s: RefSymbol) => `${s.parent ?? ''}\u0000${s.name}\u0000${s.kind}\u0000${s.startLine}`;

export function emptyScore(): Score {
  return { tp: 0, fp: 0, fn: 0, endOk: 0, precision: 1, recall: 1, endLineAccuracy: 1, misses: [] };
}

export function addScore(acc: Score, got: readonly RefSymbol[], want: readonly RefSymbol[], file: string): void {
  const m = new Map<string, RefSymbol[]>();
  for (const w of want) {
    const k = key(w);
    const l = m.get(k);
    if (l) l.push(w);
    else m.set(k, [w]);
  }
  for (const g of got) {
    const l = m.get(key(g));
    const w = l?.shift();
    if (w) {
      acc.tp++;
      if (w.endLine === g.endLine) acc.endOk++;
      else if (acc.misses.length < 40)
        acc.misses.push(`${file}: end ${g.name}@${g.startLine} got ${g.endLine} want ${w.endLine}`);
    } else {
      acc.fp++;
      if (acc.misses.length < 40)
        acc.misses.push(`${file}: extra ${g.kind} ${g.parent ?? ''}.${g.name}@${g.startLine}`);
    }
  }
  for (const l of m.values()) {
    for (const w of l) {
      acc.fn++;
      if (acc.misses.length < 40)
        acc.misses.push(`${file}: missing ${w.kind} ${w.parent ?? ''}.${w.name}@${w.startLine}`);
    }
  }
  acc.precision = acc.tp / Math.max(1, acc.tp + acc.fp);
  acc.recall = acc.tp / Math.max(1, acc.tp + acc.fn);
  acc.endLineAccuracy = acc.endOk / Math.max(1, acc.tp);
}

/** Precision / recall of imports as (source, line) pairs. */
export interface ImportScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  misses: string[];
}

export function emptyImportScore(): ImportScore {
  return { tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, misses: [] };
}

export function addImportScore(
  acc: ImportScore,
  got: readonly { source: string; line: number }[],
  want: readonly { source: string; line: number }[],
  file: string,
): void {
  const m = new Map<string, number>();
  for (const w of want) m.set(`${w.line}\u0000${w.source}`, (m.get(`${w.line}\u0000${w.source}`) ?? 0) + 1);
  for (const g of got) {
    const k = `${g.line}\u0000${g.source}`;
    const c = m.get(k) ?? 0;
    if (c > 0) {
      acc.tp++;
      m.set(k, c - 1);
    } else {
      acc.fp++;
      if (acc.misses.length < 40) acc.misses.push(`${file}: extra import ${JSON.stringify(g.source)}@${g.line}`);
    }
  }
  for (const [k, c] of m) {
    for (let i = 0; i < c; i++) {
      acc.fn++;
      const [line, source] = k.split('\u0000');
      if (acc.misses.length < 40) acc.misses.push(`${file}: missing import ${JSON.stringify(source)}@${line}`);
    }
  }
  acc.precision = acc.tp / Math.max(1, acc.tp + acc.fp);
  acc.recall = acc.tp / Math.max(1, acc.tp + acc.fn);
}
