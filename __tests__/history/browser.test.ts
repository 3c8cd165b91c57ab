/**
 * history.html in a real browser (Debian's chromium, driven by puppeteer-core): the page loads
 * with no script errors, every figure's chart renders as an SVG, no two text labels of a chart
 * overlap, and hovering a point shows its run.
 */
import { afterAll, beforeAll, expect } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { analyseHistory, FIGURES, renderHistoryHtml } from '../../harness/report/history/index.js';
import { clampLag, generatedHistory, noise } from '../support/history.js';
import { describeUnless } from '../support/skip.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `chromium is not at ${CHROMIUM} (apt-get install chromium)`;

describeUnless(missing, 'history.html in chromium', () => {
  let browser: Browser;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'history-browser-'));
    const { launch } = await import('puppeteer-core');
    browser = await launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(work, 'profile')}`],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (work) rmSync(work, { recursive: true, force: true });
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
    const file = join(work, 'history.html');
    writeFileSync(file, await renderHistoryHtml(analysis));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.setViewport({ width: 1000, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const figures = await page.$$eval('figure', (fs) => fs.map((f) => ({ id: f.getAttribute('data-figure'), svg: f.querySelectorAll('svg').length })));
    const shown = FIGURES.filter((f) => analysis.runs.some((r) => r.figures[f.id] !== undefined)).map((f) => ({ id: f.id, svg: 1 }));
    expect(figures).toEqual(shown);
    const overlaps = await page.$$eval('figure svg', (svgs) =>
      svgs.flatMap((svg, chart) => {
        const boxes = Array.from(svg.querySelectorAll('text'))
          .filter((t) => t.textContent!.trim() !== '' && getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
          .map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }))
          .filter((b) => b.r.width > 0 && b.r.height > 0);
        const out: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.r;
            const b = boxes[j]!.r;
            const inter = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
            if (inter) out.push(`chart ${chart}: "${boxes[i]!.text}" overlaps "${boxes[j]!.text}"`);
          }
        return out;
      }),
    );
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
