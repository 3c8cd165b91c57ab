/**
 * timeline.html: everything summary.md says (verdict, assertions, failover and failback with their
 * definitions, writes, phases, notes) with the chart among it. The page is built from the same mdast
 * tree as summary.md (`summaryTree`), turned into HTML by mdast-util-to-hast and serialized by
 * hast-util-to-html, so every run value is escaped by the library. The chart's SVG is vega's (its
 * values made printable by chart.ts). Hovering a probe shows its tooltip (status, origin, latency,
 * phase) through the one hover script, which the page's Content-Security-Policy allows by its hash.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { toHast } from 'mdast-util-to-hast';
import { HOVER_CSP, HOVER_SCRIPT, TIP_STYLE } from './hover.js';
import { summaryTree, type MarkdownOptions } from './markdown.js';
import type { RunRecord } from './run-record.js';
import { safeTerminalText } from './terminal.js';

const STYLE = `body { font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
td, th { border: 1px solid #ddd; padding: 4px 8px; text-align: left; font-size: 14px; vertical-align: top; }
figure { margin: 16px 0; }
${TIP_STYLE}`;

const el = (tagName: string, properties: Element['properties'], children: ElementContent[] = []): Element => ({
  type: 'element',
  tagName,
  properties,
  children,
});
const txt = (value: string): ElementContent => ({ type: 'text', value });

/** The page: summary.md's content with the chart before the failover and failback section. */
export function renderChartHtml(run: RunRecord, svg: string, options: MarkdownOptions = {}): string {
  const body = toHast({ type: 'root', children: summaryTree(run, options) }) as Root;
  const blocks = body.children.filter((c): c is ElementContent => c.type !== 'doctype');
  const figure = el('figure', { id: 'timeline' }, [
    { type: 'raw', value: svg } as unknown as ElementContent,
    el('figcaption', {}, [txt('Hover a probe for its status, origin, latency and phase.')]),
  ]);
  const at = blocks.findIndex((b) => b.type === 'element' && b.tagName === 'h3');
  blocks.splice(at < 0 ? blocks.length : at, 0, figure);
  const title = `DR drill ${safeTerminalText(String(run.runId))}: ${safeTerminalText(String(run.verdict.outcome))}`;
  const page: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      el('html', { lang: 'en' }, [
        el('head', {}, [
          el('meta', { charSet: 'utf-8' }),
          el('meta', { httpEquiv: ['Content-Security-Policy'], content: HOVER_CSP }),
          el('title', {}, [txt(title)]),
          el('style', {}, [txt(STYLE)]),
        ]),
        el('body', {}, [...blocks, el('div', { id: 'tip', hidden: true }), el('script', {}, [txt(HOVER_SCRIPT)])]),
      ]),
    ],
  };
  return `${toHtml(page, { allowDangerousHtml: true })}\n`;
}
