/**
 * Every report of a run, rendered to strings. Pure: writing them is the caller's job
 * (harness/drill/write-reports.ts).
 */
import { renderChartSvg } from './chart.js';
import { renderChartHtml } from './timeline-html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunRecord } from './run-record.js';

export * from './run-record.js';
export { publicEndpoints, toRunRecord, type RunContext } from './to-run-record.js';
export { chartMarks, chartSpec, renderChartSvg } from './chart.js';
export { renderChartHtml } from './timeline-html.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';

export const REPORT_FILES = {
  json: 'run.json',
  junit: 'junit.xml',
  summary: 'summary.md',
  chartSvg: 'timeline.svg',
  chartHtml: 'timeline.html',
} as const;

export type RenderedReports = Readonly<Record<(typeof REPORT_FILES)[keyof typeof REPORT_FILES], string>>;

export async function renderReports(run: RunRecord): Promise<RenderedReports> {
  const svg = await renderChartSvg(run);
  return {
    [REPORT_FILES.json]: `${JSON.stringify(run, null, 2)}\n`,
    [REPORT_FILES.junit]: renderJunit(run),
    [REPORT_FILES.summary]: renderMarkdown(run, { files: Object.values(REPORT_FILES) }),
    [REPORT_FILES.chartSvg]: svg,
    [REPORT_FILES.chartHtml]: renderChartHtml(run, svg, { files: Object.values(REPORT_FILES) }),
  } as RenderedReports;
}
