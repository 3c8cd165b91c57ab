/**
 * timeline.html of a pause, a blackhole and a write-router run in a real browser (Debian's
 * chromium, driven by puppeteer-core): the page loads with no script errors, every text label of
 * the chart lies inside the chart, no two labels overlap, the marks the figures are measured
 * between are there, and hovering a probe shows its status, origin, latency and phase.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReports, type RunRecord } from '../../harness/report/index.js';
import { healthyDrill } from '../analysis/timelines.js';
import { chromiumMissing, launchChromium, overlappingLabels, pageWithErrors, type Chromium } from '../support/chromium.js';
import { describeUnless } from '../support/skip.js';
import { blackholeRun, runRecordOf, writeRouterRun } from './fixtures.js';

const MARKS = ['injection', 'first answer from the secondary', 'failover declared', 'recovery started', 'failback declared'];

describeUnless(chromiumMissing, 'timeline.html in chromium', () => {
  let chromium: Chromium;
  beforeAll(async () => {
    chromium = await launchChromium('timeline-browser-');
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
  });

  test.each<[string, () => RunRecord]>([
    ['pause', () => runRecordOf(healthyDrill({ failoverLagS: 0.3 }))],
    ['blackhole', () => blackholeRun(5)],
    ['write-router', () => writeRouterRun()],
  ])(
    'a %s run: no script errors, labels inside the chart and apart, the marks, a tooltip per probe',
    async (name, make) => {
      const file = join(chromium.work, `${name}.html`);
      writeFileSync(file, (await renderReports(make()))['timeline.html']);
      const errors: string[] = [];
      const page = await pageWithErrors(chromium.browser, errors);
      await page.setViewport({ width: 1300, height: 1000 });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      const outside = await page.$eval('figure svg', (svg) => {
        const box = svg.getBoundingClientRect();
        return Array.from(svg.querySelectorAll('text'))
          .filter((t) => t.textContent!.trim() !== '')
          .map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }))
          .filter(({ r }) => r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom)
          .map(({ text, r }) => `"${text}" at ${r.left.toFixed(0)}–${r.right.toFixed(0)} outside ${box.left.toFixed(0)}–${box.right.toFixed(0)}`);
      });
      expect(outside).toEqual([]);
      expect(await overlappingLabels(page, 'figure svg')).toEqual([]);

      const texts = await page.$$eval('figure svg text', (ts) => ts.map((t) => t.textContent ?? ''));
      for (const mark of MARKS) expect(texts.filter((t) => t.startsWith(`${mark} +`))).toHaveLength(1);
      if (name === 'write-router') for (const to of ['secondary', 'primary']) expect(texts.some((t) => t.startsWith(`writes → ${to} +`))).toBe(true);

      // The same content as summary.md around the chart.
      const headings = await page.$$eval('h3', (hs) => hs.map((h) => h.textContent));
      expect(headings).toEqual(expect.arrayContaining(['Failover and failback', 'Phases', 'Notes']));

      // Hover an edge GET: the tip names its status, origin, latency and phase.
      const probe = await page.$('figure svg [aria-label^="probe: edge GET"]');
      expect(probe).not.toBeNull();
      await probe!.hover();
      const tip = await page.$eval('#tip', (t) => ({ hidden: (t as HTMLElement).hidden, text: t.textContent ?? '' }));
      expect(tip.hidden).toBe(false);
      expect(tip.text).toMatch(/status: \d+; origin: \w+.*; latency \(ms\): [\d.]+; .*phase: /);
      expect(errors).toEqual([]);
    },
    60_000,
  );
});
