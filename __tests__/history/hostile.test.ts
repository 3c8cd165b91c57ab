/**
 * Every hostile string through history.md and history.html, in every string a run file reaches
 * (run id, target, fault, fingerprint, source path, skip reason): no HTML, link or image in the
 * Markdown, no element, script or handler added to the page.
 *
 * @slow every hostile string through the history reports
 */
import { describe, expect, test } from '@jest/globals';
import MarkdownIt from 'markdown-it';
import { parse } from 'parse5';
import { analyseHistory, renderHistoryHtml, renderHistoryMarkdown } from '../../harness/report/history/index.js';
import { generatedHistory } from '../support/history.js';
import { HOSTILE_STRINGS } from '../support/hostile.js';

const md = new MarkdownIt({ html: true, linkify: true });

describe.each(HOSTILE_STRINGS.map((h) => [h.name, h.value] as const))('%s', (_name, value) => {
  const records = generatedHistory(Array.from({ length: 8 }, (_, i) => ({ failoverLagS: i === 7 ? 1.6 : 0.4, failbackLagS: 0.3 }))).map((r, i) => ({
    ...r,
    runId: i === 7 ? value : r.runId,
    target: value,
    settings: { ...r.settings, fault: value },
    fingerprint: { ...r.fingerprint!, target: value, projectVersion: value },
  }));
  const a = analyseHistory(
    records.map((record) => ({ source: value, record })),
    [{ source: value, reason: value }],
    { minBaseline: 5 },
  );

  test('history.md gains no HTML, link, image or table row', () => {
    const html = md.render(renderHistoryMarkdown(a));
    expect(html).not.toMatch(/<(script|img|a|div|details|svg)\b/);
  });

  test('history.html gains no element, script or handler', async () => {
    const page = await renderHistoryHtml(a);
    const names = new Set<string>();
    let scripts = 0;
    const walk = (n: any) => {
      if (n.nodeName === 'script') scripts++;
      if (n.tagName) names.add(n.tagName);
      for (const attr of n.attrs ?? []) expect(attr.name.startsWith('on')).toBe(false);
      for (const c of n.childNodes ?? []) walk(c);
    };
    walk(parse(page));
    expect(scripts).toBe(1);
    expect([...names].filter((t) => ['img', 'iframe', 'details', 'a', 'object', 'embed'].includes(t))).toEqual([]);
  });
});
