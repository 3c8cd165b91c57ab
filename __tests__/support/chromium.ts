/**
 * Debian's chromium driven by puppeteer-core, for the tests that open a report as a person would.
 * `chromiumMissing` is the reason to skip when it is not installed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `chromium is not at ${CHROMIUM} (apt-get install chromium)`;

export interface Chromium {
  readonly browser: Browser;
  /** A scratch directory for the test's files, removed by close(). */
  readonly work: string;
  close(): Promise<void>;
}

export async function launchChromium(prefix: string): Promise<Chromium> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const { launch } = await import('puppeteer-core');
  const browser = await launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(work, 'profile')}`,
    ],
  });
  return {
    browser,
    work,
    async close() {
      await browser.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A new page that records script errors and console errors into `errors`. */
export async function pageWithErrors(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return page;
}

/** Pairs of visible text elements of each `selector` SVG whose bounding boxes overlap, as sentences. */
export async function overlappingLabels(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (svgs) =>
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
}
