/**
 * Every history report, rendered to strings: history.html, history.md and history.json. Pure:
 * writing them is the caller's job (harness/history/).
 */
import type { HistoryAnalysis } from './analyse.js';
import { renderHistoryHtml } from './html.js';
import { renderHistoryMarkdown } from './markdown.js';

export * from './analyse.js';
export { historyChartSpec, renderHistoryHtml } from './html.js';
export { renderHistoryMarkdown } from './markdown.js';

export const HISTORY_FILES = { html: 'history.html', markdown: 'history.md', json: 'history.json' } as const;

export async function renderHistory(a: HistoryAnalysis, options: { readonly last?: number } = {}): Promise<Record<string, string>> {
  return {
    [HISTORY_FILES.html]: await renderHistoryHtml(a),
    [HISTORY_FILES.markdown]: renderHistoryMarkdown(a, options),
    [HISTORY_FILES.json]: `${JSON.stringify(a, null, 2)}\n`,
  };
}
