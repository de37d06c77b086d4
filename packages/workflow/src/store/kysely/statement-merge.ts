/**
 * Merging the same INSERT of many batches into one statement, by statement text (no table is
 * special here). `INSERT INTO t (…) VALUES (a)` of N batches becomes `… VALUES (a), (b), …`;
 * `INSERT INTO t (…) SELECT … [ON CONFLICT …]` becomes `… SELECT … UNION ALL SELECT … [ON CONFLICT …]`,
 * each batch's SELECT keeping its own WHERE (its guard) and parameters. One native call then writes
 * the rows of N batches: the per-statement cost (binding, stepping, resetting) is paid once.
 *
 * Only statements whose author declared `rows` (the exact rows the statement changes when it applies)
 * and `key` are merged (group-commit.ts): a merged statement whose change count is not the sum of its
 * batches' `rows` tells that some batch's guard stopped it, and the group falls back.
 */

/** An INSERT split at its top level: `head` + body + `tail`. */
export interface InsertParts {
  /** `INSERT INTO t (cols) ` up to the body. */
  head: string;
  /** `VALUES (…)` rows without the keyword, or a whole `SELECT …` core. */
  body: string;
  kind: 'values' | 'select';
  /** `ON CONFLICT …`, or ''. */
  tail: string;
}

const parsed = new Map<string, InsertParts | null>();

/** Top-level (depth 0, outside quotes) positions of the words of `sql`, upper-cased. */
function topLevelWords(sql: string): { word: string; at: number }[] {
  const words: { word: string; at: number }[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) return [];
      i = end + 1;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$]/.test(sql[j] as string)) j++;
      if (depth === 0) words.push({ word: sql.slice(i, j).toUpperCase(), at: i });
      i = j;
    } else i++;
  }
  return words;
}

/** Parses a mergeable INSERT; null when the statement has a form that cannot be merged. */
export function parseInsert(sql: string): InsertParts | null {
  if (parsed.has(sql)) return parsed.get(sql) ?? null;
  let parts: InsertParts | null = null;
  const m = /^\s*INSERT\s+INTO\s+([A-Za-z_][\w.]*)\s*\(/i.exec(sql);
  // changes() and last_insert_rowid() would see the merged statement, not the batch's own one.
  if (m && !/\bchanges\s*\(|\blast_insert_rowid\s*\(/i.test(sql)) {
    const words = topLevelWords(sql);
    const bodyAt = words.find((w) => w.word === 'SELECT' || w.word === 'VALUES');
    const blocked = words.some((w) =>
      ['RETURNING', 'UNION', 'INTERSECT', 'EXCEPT', 'ORDER', 'LIMIT', 'WITH', 'DEFAULT'].includes(w.word),
    );
    if (bodyAt && !blocked) {
      const onAt = words.find((w, k) => w.at > bodyAt.at && w.word === 'ON' && words[k + 1]?.word === 'CONFLICT');
      const end = onAt ? onAt.at : sql.length;
      const kind = bodyAt.word === 'VALUES' ? 'values' : 'select';
      const body = (kind === 'values' ? sql.slice(bodyAt.at + 'VALUES'.length, end) : sql.slice(bodyAt.at, end)).trim();
      parts = {
        head: sql.slice(0, bodyAt.at),
        body,
        kind,
        tail: onAt ? ` ${sql.slice(onAt.at)}` : '',
      };
    }
  }
  if (parsed.size < 1024) parsed.set(sql, parts);
  return parts;
}

/** Per statement text: its merged texts by count. */
const merged = new Map<string, string[]>();

/** The text of `count` copies of the INSERT `sql` merged into one statement. */
export function mergedText(sql: string, parts: InsertParts, count: number): string {
  let texts = merged.get(sql);
  if (texts === undefined) {
    texts = [];
    if (merged.size < 1024) merged.set(sql, texts);
  }
  let text = texts[count];
  if (text === undefined) {
    const join = parts.kind === 'values' ? ', ' : ' UNION ALL ';
    const bodies = Array.from({ length: count }, () => parts.body).join(join);
    text = `${parts.head}${parts.kind === 'values' ? 'VALUES ' : ''}${bodies}${parts.tail}`;
    texts[count] = text;
  }
  return text;
}

/**
 * Chunk sizes for merging `n` statements: powers of two, largest first (64 at most), so a handful
 * of merged texts per statement are prepared and cached whatever the group sizes.
 */
export function chunkSizes(n: number): number[] {
  const sizes: number[] = [];
  let left = n;
  for (let size = 64; size >= 1; size >>= 1) {
    while (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}
