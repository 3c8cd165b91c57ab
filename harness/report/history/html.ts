/**
 * history.html: one trend chart per figure (vega-lite, rendered to SVG by vega with no browser),
 * each run a point marked by its outcome, a regressed run ringed in red, one line per fingerprint.
 * Hovering a point shows its run: vega writes each point's description (run, time, value, outcome,
 * fingerprint) as its aria-label, and the page's one script shows that label as text. Every value
 * is made printable and escaped (vega for the SVG, escape-html for the page), and a
 * Content-Security-Policy allows no script but that one, by its hash.
 */
import type { TopLevelSpec } from 'vega-lite';
import { h, renderSpecSvg } from '../chart.js';
import { HOVER_CSP, HOVER_SCRIPT, TIP_STYLE } from '../hover.js';
import { safeTerminalText } from '../terminal.js';
import { FIGURES, type Figure, type HistoryAnalysis } from './analyse.js';

const OUTCOMES = ['passed', 'failed', 'stopped', 'aborted'] as const;
const COLORS = ['#2ca02c', '#d62728', '#ff7f0e', '#7f7f7f'];
const SHAPES = ['circle', 'cross', 'square', 'triangle-down'];

interface Point {
  readonly t: number;
  readonly value: number;
  readonly run: string;
  readonly outcome: string;
  readonly fingerprint: string;
  readonly regressed: string;
}

/** The vega-lite spec of one figure's trend (pure). */
export function historyChartSpec(a: HistoryAnalysis, f: Figure, options: { readonly width?: number } = {}): TopLevelSpec {
  const labels = new Map(a.groups.map((g) => [g.id, g.label]));
  const flagged = new Map(a.regressions.filter((g) => g.figure === f.id).map((g) => [g.runId, g]));
  const points: Point[] = a.runs
    .filter((r) => r.figures[f.id] !== undefined)
    .map((r) => {
      const g = flagged.get(r.runId);
      return {
        t: r.startedAtMs,
        value: r.figures[f.id]!,
        run: safeTerminalText(r.runId),
        outcome: r.outcome,
        fingerprint: safeTerminalText(labels.get(r.group) ?? r.group),
        regressed: g ? `worse than the median ${g.baseline} of ${g.comparedTo.length} runs by ${g.worseBy}` : 'no',
      };
    });
  const x = { field: 't', type: 'temporal' as const, title: 'run started (UTC)', axis: { labelOverlap: true, format: '%b %d', labelFlush: true } };
  const y = { field: 'value', type: 'quantitative' as const, title: `${f.title} (${f.unit})`, axis: { labelOverlap: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: f.title, anchor: 'start', offset: 10 },
    background: 'white',
    padding: 12,
    width: options.width ?? 860,
    height: 200,
    data: { values: points as unknown as Record<string, unknown>[] },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1, color: '#bbbbbb', aria: false },
        encoding: { x, y, detail: { field: 'fingerprint', type: 'nominal' } },
      },
      {
        mark: { type: 'point', filled: true, size: 36, opacity: 0.85 },
        encoding: {
          x,
          y,
          color: {
            field: 'outcome',
            type: 'nominal',
            title: 'outcome',
            scale: { domain: [...OUTCOMES], range: COLORS },
            legend: { orient: 'bottom', direction: 'horizontal' },
          },
          shape: { field: 'outcome', type: 'nominal', scale: { domain: [...OUTCOMES], range: SHAPES } },
          tooltip: [
            { field: 'run', title: 'run' },
            { field: 't', type: 'temporal', title: 'started', format: '%Y-%m-%d %H:%M UTC' },
            { field: 'value', title: f.unit },
            { field: 'outcome' },
            { field: 'fingerprint' },
            { field: 'regressed' },
          ],
        },
      },
      {
        transform: [{ filter: "datum.regressed !== 'no'" }],
        mark: { type: 'point', filled: false, size: 180, strokeWidth: 2, color: '#d62728', aria: false },
        encoding: { x, y },
      },
    ],
    usermeta: { embedOptions: { renderer: 'svg' } },
  } as TopLevelSpec;
}

/** The page: one chart per figure some run has, the newest run's regressions, the skipped files. */
export async function renderHistoryHtml(a: HistoryAnalysis): Promise<string> {
  const figures = FIGURES.filter((f) => a.runs.some((r) => r.figures[f.id] !== undefined));
  const charts: string[] = [];
  for (const f of figures) charts.push(`<figure data-figure="${h(f.id)}">\n${await renderSpecSvg(historyChartSpec(a, f))}\n</figure>`);
  const newest = a.newest;
  const regressed = (newest?.regressions ?? [])
    .map((g) => `<li>${h(FIGURES.find((f) => f.id === g.figure)!.title)}: ${h(g.value)}, worse than the median ${h(g.baseline)} of ${h(g.comparedTo.length)} runs by ${h(g.worseBy)} (tolerance ${h(g.tolerance)})</li>`)
    .join('\n');
  const skipped = a.skipped.map((s) => `<li><code>${h(s.source)}</code>: ${h(s.reason)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HOVER_CSP}">
<title>DR drill history: ${h(a.runs.length)} runs</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
figure { margin: 16px 0; }
${TIP_STYLE}
</style>
</head>
<body>
<h1>DR drill history: ${h(a.runs.length)} runs, ${h(a.groups.length)} fingerprints</h1>
<p>${h(a.regressions.length)} regressions, ${h(a.counts.flakes)} flakes, ${h(a.counts.persistent)} persistent failures, ${h(a.counts.unresolved)} unresolved; ${h(a.skipped.length)} files skipped. Newest run <code>${h(newest?.runId ?? '—')}</code>. Hover a point for its run; a red ring marks a regression.</p>
${regressed ? `<h2>Regressions of the newest run</h2>\n<ul>\n${regressed}\n</ul>` : ''}
${charts.join('\n')}
${skipped ? `<h2>Skipped files</h2>\n<ul>\n${skipped}\n</ul>` : ''}
<div id="tip" hidden></div>
<script>${HOVER_SCRIPT}</script>
</body>
</html>
`;
}
