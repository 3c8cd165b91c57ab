/**
 * history.html in a real browser (Debian's chromium, driven by puppeteer-core): the page loads
 * with no script errors, every figure's chart renders as an SVG, no two text labels of a chart
 * overlap, and hovering a point shows its run.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyseHistory, FIGURES, renderHistoryHtml } from '../../harness/report/history/index.js';
import { clampLag, generatedHistory, noise } from '../support/history.js';
import { chromiumMissing, launchChromium, overlappingLabels, pageWithErrors, type Chromium } from '../support/chromium.js';
import { describeUnless } from '../support/skip.js';

describeUnless(chromiumMissing, 'history.html in chromium', () => {
  let chromium: Chromium;
  beforeAll(async () => {
    chromium = await launchChromium('history-browser-');
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
  });

  test('300 runs: no script errors, one SVG chart per figure, no overlapping labels, hover shows the run', async () => {
    const records = generatedHistory(
      Array.from({ length: 300 }, (_, i) => ({
        failoverLagS: clampLag((i < 250 ? 0.4 : 1.6) + noise(i, 0.1)),
        failbackLagS: clampLag(i % 37 === 0 ? 1.5 : 0.3 + noise(i + 5, 0.1)),
        thresholds: { failbackSeconds: 1 },
        ...(i % 53 === 0 ? { status: 'aborted' as const } : {}),
      })),
    );
    const analysis = analyseHistory(records.map((record) => ({ source: record.runId, record })));
    const file = join(chromium.work, 'history.html');
    writeFileSync(file, await renderHistoryHtml(analysis));
    const errors: string[] = [];
    const page = await pageWithErrors(chromium.browser, errors);
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const figures = await page.$$eval('figure', (fs) => fs.map((f) => ({ id: f.getAttribute('data-figure'), svg: f.querySelectorAll('svg').length })));
    const shown = FIGURES.filter((f) => analysis.runs.some((r) => r.figures[f.id] !== undefined)).map((f) => ({ id: f.id, svg: 1 }));
    expect(figures).toEqual(shown);
    const overlaps = await overlappingLabels(page, 'figure svg');
    expect(overlaps).toEqual([]);
    // Hover the failover point of the step (run 250, flagged): the tip names its run and the regression.
    const step = records[250]!.runId;
    expect(analysis.regressions.some((g) => g.runId === step && g.figure === 'failover')).toBe(true);
    const point = await page.$(`figure[data-figure="failover"] svg [aria-label*="${step}"]`);
    expect(point).not.toBeNull();
    await point!.hover();
    const tip = await page.$eval('#tip', (t) => ({ hidden: (t as HTMLElement).hidden, text: t.textContent }));
    expect(tip.hidden).toBe(false);
    // Neighbouring nights are a few pixels apart: the tip shows the topmost point under the pointer.
    expect(tip.text).toMatch(/run: \S+-g0025\d;/);
    expect(tip.text).toContain('worse than the median');
    expect(errors).toEqual([]);
  }, 120_000);
});
