/** Server-side SVG charts for the HTML report: histograms, interval (forest) plots, bar charts. */

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** Colors of series A and B. */
export const COLORS = ['#4f7cff', '#ff8a3d', '#2bb673', '#b05cff'] as const;

/** Histogram of scores in [0, 1] (10 bins), one series per variant, bars side by side. */
export function histogramSvg(
  title: string,
  series: { label: string; values: readonly number[] }[],
  width = 420,
  height = 220,
): string {
  const bins = 10;
  const pad = { l: 36, r: 10, t: 28, b: 34 };
  const counts = series.map((s) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of s.values) c[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]! += 1;
    return c.map((x) => (s.values.length ? x / s.values.length : 0));
  });
  const maxY = Math.max(0.05, ...counts.flat());
  const pw = width - pad.l - pad.r;
  const ph = height - pad.t - pad.b;
  const bw = pw / bins;
  const inner = bw / Math.max(1, series.length) - 1;
  const parts: string[] = [];
  counts.forEach((c, si) => {
    c.forEach((y, bi) => {
      const h = (y / maxY) * ph;
      const x = pad.l + bi * bw + si * (inner + 1) + 0.5;
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${(pad.t + ph - h).toFixed(1)}" width="${Math.max(1, inner).toFixed(1)}" height="${Math.max(h, y > 0 ? 1 : 0).toFixed(1)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(series[si]?.label ?? '')}: ${(y * 100).toFixed(0)}% in [${(bi / bins).toFixed(1)}, ${((bi + 1) / bins).toFixed(1)})</title></rect>`,
      );
    });
  });
  const axis = [0, 0.5, 1].map((t) => {
    const x = pad.l + t * pw;
    return `<text x="${x}" y="${height - pad.b + 14}" text-anchor="middle" class="tick">${t}</text>`;
  });
  const yTicks = [0, maxY / 2, maxY].map((t) => {
    const y = pad.t + ph - (t / maxY) * ph;
    return `<line x1="${pad.l}" x2="${width - pad.r}" y1="${y}" y2="${y}" class="grid"/><text x="${pad.l - 4}" y="${y + 3}" text-anchor="end" class="tick">${(t * 100).toFixed(0)}%</text>`;
  });
  const legend = series.map(
    (s, i) =>
      `<rect x="${pad.l + i * 120}" y="${height - 12}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${pad.l + i * 120 + 14}" y="${height - 3}" class="tick">${esc(s.label)}</text>`,
  );
  return `<svg class="chart histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><text x="${pad.l}" y="16" class="title">${esc(title)}</text>${yTicks.join('')}${parts.join('')}${axis.join('')}${legend.join('')}</svg>`;
}

/** One row of an interval plot. */
export interface IntervalRow {
  label: string;
  estimate: number;
  lower: number;
  upper: number;
  note?: string;
  significant?: boolean;
}

/** Forest plot: estimate with its interval per row, with a zero line. */
export function intervalSvg(title: string, rows: readonly IntervalRow[], width = 640): string {
  const rowH = 34;
  const pad = { l: 160, r: 150, t: 30, b: 28 };
  const height = pad.t + pad.b + rowH * rows.length;
  const extent =
    Math.max(0.05, ...rows.flatMap((r) => [Math.abs(r.lower), Math.abs(r.upper)]).filter(Number.isFinite)) * 1.15;
  const pw = width - pad.l - pad.r;
  const sx = (v: number) => pad.l + ((v + extent) / (2 * extent)) * pw;
  const parts = rows.map((r, i) => {
    const y = pad.t + i * rowH + rowH / 2;
    const color = !r.significant ? '#8a8f98' : r.estimate >= 0 ? '#2bb673' : '#e5484d';
    const x1 = sx(r.lower);
    const x2 = sx(r.upper);
    return `<text x="${pad.l - 8}" y="${y + 4}" text-anchor="end" class="label">${esc(r.label)}</text><rect class="ci" x="${x1.toFixed(1)}" y="${y - 3}" width="${Math.max(2, x2 - x1).toFixed(1)}" height="6" rx="3" fill="${color}" opacity="0.45"/><circle class="estimate" cx="${sx(r.estimate).toFixed(1)}" cy="${y}" r="6" fill="${color}"><title>${esc(`${r.label}: ${r.estimate.toFixed(3)} [${r.lower.toFixed(3)}, ${r.upper.toFixed(3)}]`)}</title></circle><text x="${width - pad.r + 8}" y="${y + 4}" class="tick">${esc(r.note ?? '')}</text>`;
  });
  const zero = `<line x1="${sx(0)}" x2="${sx(0)}" y1="${pad.t - 6}" y2="${height - pad.b + 4}" class="zero"/>`;
  const ticks = [-extent, -extent / 2, 0, extent / 2, extent]
    .map(
      (t) =>
        `<text x="${sx(t).toFixed(1)}" y="${height - 8}" text-anchor="middle" class="tick">${t >= 0 ? '+' : ''}${t.toFixed(2)}</text>`,
    )
    .join('');
  return `<svg class="chart interval" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><text x="10" y="18" class="title">${esc(title)}</text>${zero}${parts.join('')}${ticks}</svg>`;
}

/** Horizontal bars of signed values (e.g. per-item score change), negative in red. */
export function barsSvg(title: string, rows: readonly { label: string; value: number }[], width = 640): string {
  const rowH = 22;
  const pad = { l: 270, r: 60, t: 30, b: 10 };
  const height = pad.t + pad.b + rowH * Math.max(1, rows.length);
  const extent = Math.max(0.05, ...rows.map((r) => Math.abs(r.value)));
  const pw = width - pad.l - pad.r;
  const zeroX = pad.l + pw / 2;
  const parts = rows.map((r, i) => {
    const y = pad.t + i * rowH;
    const w = (Math.abs(r.value) / extent) * (pw / 2);
    const x = r.value < 0 ? zeroX - w : zeroX;
    return `<text x="${pad.l - 8}" y="${y + 14}" text-anchor="end" class="label">${esc(r.label)}</text><rect class="bar" x="${x.toFixed(1)}" y="${y + 3}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" fill="${r.value < 0 ? '#e5484d' : '#2bb673'}"/><text x="${width - pad.r + 6}" y="${y + 14}" class="tick">${r.value >= 0 ? '+' : ''}${r.value.toFixed(3)}</text>`;
  });
  if (rows.length === 0) parts.push(`<text x="${pad.l}" y="${pad.t + 14}" class="tick">no regressed items</text>`);
  return `<svg class="chart bars" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}"><text x="10" y="18" class="title">${esc(title)}</text><line x1="${zeroX}" x2="${zeroX}" y1="${pad.t}" y2="${height - pad.b}" class="zero"/>${parts.join('')}</svg>`;
}
