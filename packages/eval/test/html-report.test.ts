/**
 * The HTML report opens offline in headless Chromium with its charts drawn; a screenshot is saved
 * to artifacts/eval-report.png at the repo root.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_LAUNCH } from '../../workflow/test/helpers/chromium.js';
import { describe, expect, it } from 'vitest';
import { runAB } from '../src/compare/ab.js';
import { checkThresholds } from '../src/compare/thresholds.js';
import { toHtmlReport } from '../src/report/html.js';
import { shiftedTask, syntheticEval } from './helpers.js';

const artifacts = fileURLToPath(new URL('../../../artifacts/', import.meta.url));

describe('HTML report', () => {
  it('is self-contained and renders its charts in headless Chromium', async () => {
    const def = syntheticEval(40);
    const { a, b, comparison } = await runAB(
      def,
      {
        baseline: { task: shiftedTask(0, { noise: 0.2, seed: 1 }) },
        candidate: { task: shiftedTask(0.1, { noise: 0.1, seed: 2, drop: 0.25, k: 6 }) },
      },
      { progress: false, gitCommit: 'abcdef1234', trials: 2 },
    );
    const html = toHtmlReport({
      runs: [a, b],
      comparisons: [comparison],
      thresholds: [{ runId: b.id, result: checkThresholds(b, def.thresholds ?? {}, comparison) }],
    });
    // Offline: no external scripts, stylesheets or images.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    const dir = await mkdtemp(join(tmpdir(), 'weft-eval-html-'));
    const file = join(dir, 'report.html');
    await writeFile(file, html);

    const browser = await chromium.launch(CHROMIUM_LAUNCH);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      const drawn = await page.evaluate(() => {
        const visible = (sel: string) =>
          [...document.querySelectorAll(sel)].filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0;
          }).length;
        return {
          charts: visible('svg.chart'),
          histogramBars: visible('svg.histogram rect.bar'),
          intervals: visible('svg.interval rect.ci'),
          estimates: visible('svg.interval circle.estimate'),
          regressionBars: visible('svg.bars rect.bar'),
        };
      });
      expect(drawn.charts).toBe(4); // 2 histograms, 1 interval plot, 1 regressions chart
      expect(drawn.histogramBars).toBeGreaterThan(10);
      expect(drawn.intervals).toBe(2);
      expect(drawn.estimates).toBe(2);
      expect(drawn.regressionBars).toBeGreaterThan(0);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'eval-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
