/** Skeleton: the source with function/method bodies elided, signatures, structure and docs kept. */
import type { Sym } from './common.js';
import type { Ctx } from './common.js';
import { analyze } from './outline.js';
import type { Skeleton, SkeletonOptions } from './types.js';

/** Token estimate: ceil(UTF-8 bytes / 4). Computed on bytes so both backends agree exactly. */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}

/** Whether a comment lying within [from, to] contains `needle`. Comments are sorted by start: binary search. */
function commentsIn(ctx: Ctx, from: number, to: number, needle: string): boolean {
  const c = ctx.t.comments;
  let lo = 0;
  let hi = c.length >> 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid * 4]! < from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo * 4; k < c.length && c[k]! <= to; k += 4) {
    if (c[k + 1]! <= to && ctx.src.slice(c[k]!, c[k + 1]!).includes(needle)) return true;
  }
  return false;
}

/** Marked `@core_logic`: in a decorator/attribute before the declaration or in the comment right before it. */
function marked(ctx: Ctx, s: Sym): boolean {
  const t = ctx.t;
  const d0 = s.d0;
  if (d0 < t.n) {
    const prevEnd = d0 > 0 ? t.end[d0 - 1]! : 0;
    // comments between the previous token and the declaration start, plus decorators up to the body
    const declStart = t.start[d0]!;
    if (commentsIn(ctx, prevEnd, declStart, '@core_logic')) return true;
    if (s.b0 > declStart && ctx.src.slice(declStart, s.b0).includes('@core_logic')) {
      // only count it in the decorator part: before the line of the declaration keyword
      const declLineStart = t.lineStarts[s.startLine - 1]!;
      if (ctx.src.slice(declStart, Math.max(declStart, declLineStart)).includes('core_logic')) return true;
    }
  }
  return commentsIn(ctx, s.b0, s.b1, '[HOT]');
}

export function skeleton(source: string, language: string, options: SkeletonOptions = {}): Skeleton {
  const keep = options.keep ?? 'none';
  const { syms, ctx } = analyze(source, language);
  source = ctx.src;
  const bodies = syms
    .filter((s) => s.b0 >= 0 && (s.kind === 'function' || s.kind === 'method'))
    .sort((a, b) => a.b0 - b.b0);
  let out = '';
  let pos = 0;
  for (const s of bodies) {
    if (s.b0 < pos) continue; // nested inside an elided body
    if (keep === 'marked' && marked(ctx, s)) continue;
    out += source.slice(pos, s.b0) + s.repl;
    pos = s.b1;
  }
  out += source.slice(pos);
  return { text: out, tokensBefore: estimateTokens(source), tokensAfter: estimateTokens(out) };
}
