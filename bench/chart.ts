/**
 * The penalty matrix as a chart: per fault, the two settings side by side, the penalty p50
 * as a bar and the p95–max range as a line, on a log scale (milliseconds to minutes).
 * A vega-lite spec compiled by vega-lite, rendered to SVG by vega (no DOM), and to PNG by resvg.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { fmtMs, type BenchResults } from './report.js';

/** Smallest value drawn on the log axis; smaller penalties (a failover that cost nothing measurable) sit on it. */
const FLOOR_MS = 0.01;
/** Room above the slowest case (3 × 30 s) for its label. */
const CEILING_MS = 1_000_000;
const TICKS = [0.01, 0.1, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

export function penaltyChartSpec(r: BenchResults): TopLevelSpec {
  const title = (id: string) => r.profiles.find((p) => p.id === id)?.title ?? id;
  const rows = r.matrix.map((c) => ({
    fault: c.title,
    settings: title(c.profile),
    p50: Math.max(FLOOR_MS, c.penaltyMs.p50),
    p95: Math.max(FLOOR_MS, c.penaltyMs.p95),
    max: Math.max(FLOOR_MS, c.penaltyMs.max),
    label: fmtMs(c.penaltyMs.p50),
  }));
  const faults = [...new Set(r.matrix.map((c) => c.title))];
  const settings = r.profiles.map((p) => p.title);
  const x = { field: 'fault', type: 'nominal' as const, sort: faults, title: null, axis: { labelAngle: 0, labelLimit: 240 } };
  const xOffset = { field: 'settings', type: 'nominal' as const, sort: settings };
  const y = {
    field: 'p50',
    type: 'quantitative' as const,
    title: 'penalty per failed-over GET (log scale)',
    scale: { type: 'log' as const, domain: [FLOOR_MS, CEILING_MS] },
    axis: {
      values: TICKS,
      labelExpr: "datum.value >= 1000 ? format(datum.value / 1000, '~r') + ' s' : format(datum.value, '~r') + ' ms'",
    },
  };
  const color = {
    field: 'settings',
    type: 'nominal' as const,
    sort: settings,
    title: null,
    scale: { domain: settings, range: ['#1f77b4', '#d62728'] },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'What a failover costs a viewer, per fault',
      subtitle: 'bar and label: penalty p50 · line: p95 to max · local world, project settings vs CloudFront defaults',
      anchor: 'start',
    },
    background: 'white',
    padding: 12,
    width: 860,
    height: 340,
    data: { values: rows },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    encoding: { x, xOffset },
    layer: [
      { mark: { type: 'bar' }, encoding: { y, y2: { datum: FLOOR_MS }, color } },
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#333' },
        encoding: { y: { ...y, field: 'p95' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#222', baseline: 'bottom' },
        encoding: { y: { ...y, field: 'max' }, text: { field: 'label' } },
      },
    ],
    resolve: { scale: { y: 'shared' } },
  } as TopLevelSpec;
}

export async function renderPenaltyChart(r: BenchResults): Promise<{ svg: string; png: Buffer }> {
  const { spec } = compile(penaltyChartSpec(r));
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 }, font: { loadSystemFonts: true } })
    .render()
    .asPng();
  return { svg, png };
}

/** `npx tsx bench/chart.ts [results.json]`: renders the chart again from a results file. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const file = process.argv[2] ?? join(import.meta.dirname, 'results', 'latest.json');
  const { svg, png } = await renderPenaltyChart(JSON.parse(readFileSync(file, 'utf8')) as BenchResults);
  writeFileSync(join(dirname(file), 'penalty.svg'), svg);
  writeFileSync(join(dirname(file), 'penalty.png'), png);
}
