/**
 * The timeline chart: who served each probe over time, edge latency, and the phase markers.
 * A vega-lite spec, compiled by vega-lite and rendered to SVG by vega on the server
 * (renderer "none", no DOM), plus an HTML page that embeds the SVG.
 */
import escapeHtml from 'escape-html';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { attribute } from '../analysis/attribution.js';
import { isSuccess, PHASE_TITLES, PROBED_PHASES } from '../analysis/timeline.js';
import type { RunRecord } from './run-record.js';
import { safeTerminalText } from './terminal.js';

const ROWS = ['edge GET', 'write POST', 'direct: primary', 'direct: secondary'] as const;
const OUTCOMES = ['served by primary', 'served by secondary', 'served (origin unknown)', 'error'] as const;
const COLORS = ['#1f77b4', '#ff7f0e', '#8c8c8c', '#d62728'];
/** Short phase labels for the markers. */
const SHORT: Readonly<Record<string, string>> = {
  steady: 'steady state',
  inject: 'inject',
  failover: 'observe failover',
  recover: 'recover',
  failback: 'observe failback',
};

interface ProbePoint {
  readonly t: number;
  readonly row: (typeof ROWS)[number];
  readonly outcome: (typeof OUTCOMES)[number];
  readonly latencyMs: number;
  readonly code: string;
  readonly phase: string;
  readonly attribution: string;
}

/** The vega-lite spec for a run (pure; no rendering). */
export function chartSpec(run: RunRecord, options: { readonly width?: number } = {}): TopLevelSpec {
  const t0 = Date.parse(run.startedAt);
  const sec = (ms: number) => Math.round(ms - t0) / 1000;
  const points: ProbePoint[] = attribute(run.probes)
    .filter((p) => !p.cancelled)
    .map((p) => {
      const ok = isSuccess(p);
      const outcome: ProbePoint['outcome'] = !ok
        ? 'error'
        : p.servedBy === 'primary'
          ? 'served by primary'
          : p.servedBy === 'secondary'
            ? 'served by secondary'
            : 'served (origin unknown)';
      const row: ProbePoint['row'] =
        p.kind === 'edge'
          ? 'edge GET'
          : p.kind === 'write'
            ? 'write POST'
            : p.origin === 'primary'
              ? 'direct: primary'
              : 'direct: secondary';
      return {
        t: sec(p.sentAt),
        row,
        outcome,
        latencyMs: Math.max(0.1, Math.round(p.latencyMs * 10) / 10),
        code: safeTerminalText(p.status !== undefined ? String(p.status) : (p.error ?? '')),
        phase: PHASE_TITLES[p.phase],
        attribution: p.attribution,
      };
    });
  const probed = run.phases.filter((p) => (PROBED_PHASES as readonly string[]).includes(p.name));
  const end0 = Math.max(
    points.reduce((max, p) => Math.max(max, p.t), 0),
    probed.length > 0 ? sec(probed[probed.length - 1]!.endedAt) : 1,
  );
  const span = Math.max(0.001, end0 - (probed.length > 0 ? sec(probed[0]!.startedAt) : 0));
  // Phases that start within 2% of the span of each other share one marker and label.
  const markers: { t: number; label: string; lane?: number }[] = [];
  for (const p of probed) {
    const t = sec(p.startedAt);
    const prev = markers[markers.length - 1];
    if (prev && t - prev.t < span * 0.02) prev.label = `${prev.label} + ${SHORT[p.name] ?? p.name}`;
    else markers.push({ t, label: SHORT[p.name] ?? p.name });
  }
  // The write router's switches, as markers of their own.
  for (const w of run.writes?.measurements.switches ?? []) markers.push({ t: sec(w.requestedAt), label: `writes → ${w.to}` });
  markers.sort((a, b) => a.t - b.t);
  // Alternate labels between two lanes so that neighbours do not overprint each other.
  markers.forEach((m, i) => (m.lane = i % 2));
  const inject = run.phases.find((p) => p.name === 'inject');
  const recover = run.phases.find((p) => p.name === 'recover');
  const lastProbe = points.reduce((max, p) => Math.max(max, p.t), 0);
  const outage = inject
    ? [{ start: sec(inject.startedAt), end: recover ? sec(recover.endedAt) : lastProbe, label: 'fault in effect' }]
    : [];
  const start = probed.length > 0 ? sec(probed[0]!.startedAt) : 0;
  const end = end0;
  const x = {
    field: 't',
    type: 'quantitative' as const,
    title: 'seconds since the drill started',
    scale: { domain: [Math.floor(start * 10) / 10, Math.ceil(end * 10) / 10], nice: false },
  };
  const color = {
    field: 'outcome',
    type: 'nominal' as const,
    title: 'outcome',
    scale: { domain: [...OUTCOMES], range: COLORS },
    legend: { labelLimit: 260, orient: 'bottom' as const, direction: 'horizontal' as const },
  };
  const width = options.width ?? 900;
  const rows = ROWS.filter((r) => points.some((p) => p.row === r));
  const ruleLayers = [
    {
      data: { name: 'outage' },
      mark: { type: 'rect' as const, color: '#d62728', opacity: 0.08 },
      encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' } },
    },
    { data: { name: 'markers' }, mark: { type: 'rule' as const, color: '#555', strokeDash: [4, 3] }, encoding: { x } },
  ];

  const summary = safeTerminalText(run.verdict.summary);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `DR drill (${safeTerminalText(run.target)}): ${run.verdict.outcome.toUpperCase()}`,
      subtitle: summary.length > 140 ? `${[...summary].slice(0, 137).join('')}...` : summary,
      anchor: 'start',
      offset: 20,
    },
    background: 'white',
    padding: 12,
    datasets: { probes: points as unknown as Record<string, unknown>[], markers, outage },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    vconcat: [
      {
        width,
        height: 28 * Math.max(1, rows.length) + 10,
        layer: [
          ...ruleLayers,
          ...[0, 1].map((lane) => ({
            data: { name: 'markers' },
            transform: [{ filter: `datum.lane === ${lane}` }],
            mark: {
              type: 'text' as const,
              align: 'left' as const,
              baseline: 'bottom' as const,
              dx: 3,
              dy: -2 - 12 * lane,
              fontSize: 10,
              color: '#333',
            },
            encoding: { x, y: { value: 0 }, text: { field: 'label' } },
          })),
          {
            data: { name: 'probes' },
            mark: { type: 'tick', thickness: 1.5, size: 20 },
            encoding: {
              x,
              y: { field: 'row', type: 'nominal', title: null, sort: [...ROWS], scale: { domain: rows } },
              color,
              tooltip: [
                { field: 't' },
                { field: 'row' },
                { field: 'outcome' },
                { field: 'code' },
                { field: 'latencyMs' },
                { field: 'phase' },
              ],
            },
          },
        ],
      },
      {
        width,
        height: 220,
        layer: [
          ...ruleLayers,
          {
            data: { name: 'probes' },
            transform: [{ filter: "datum.row === 'edge GET'" }],
            mark: { type: 'point', filled: true, size: 18, opacity: 0.8 },
            encoding: {
              x,
              y: { field: 'latencyMs', type: 'quantitative', title: 'edge GET latency (ms, log)', scale: { type: 'log' } },
              color,
              shape: { condition: { test: "datum.attribution === 'elimination'", value: 'triangle' }, value: 'circle' },
            },
          },
        ],
      },
    ],
    resolve: { scale: { x: 'shared', color: 'shared' } },
  } as TopLevelSpec;
}

/** Renders the chart to SVG with vega (no browser, no canvas). */
export async function renderChartSvg(run: RunRecord): Promise<string> {
  return renderSpecSvg(chartSpec(run));
}

/** A vega-lite spec compiled by vega-lite and rendered to SVG by vega (no browser, no canvas). */
export async function renderSpecSvg(lite: TopLevelSpec): Promise<string> {
  const { spec } = compile(lite);
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A standalone page with the chart and the verdict. Every run value is made printable
 * (`safeTerminalText`: no control or bidirectional characters) and HTML-escaped by escape-html,
 * whatever its type: a run.json is input, not trusted markup. The page has no script.
 */
export function renderChartHtml(run: RunRecord, svg: string): string {
  const rows = run.verdict.assertions
    .map(
      (a) =>
        `<tr class="${h(a.status)}"><td>${h(a.title)}</td><td>${h(a.status)}</td><td>${h(a.measured ?? '—')}</td><td>${h(a.comparison)} ${h(a.threshold)} ${h(a.unit)}</td><td>${h(a.message)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>DR drill ${h(run.runId)}: ${h(run.verdict.outcome)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin-top: 16px; }
td, th { border: 1px solid #ddd; padding: 4px 8px; text-align: left; font-size: 14px; }
tr.failed td { background: #fde8e8; } tr.passed td { background: #eaf7ea; } tr.skipped td { background: #f3f3f3; }
</style>
</head>
<body>
<h1>DR drill (${h(run.target)}): ${h(String(run.verdict.outcome).toUpperCase())}</h1>
<p>${h(run.verdict.summary)}</p>
<p>Run <code>${h(run.runId)}</code>, fault <code>${h(run.settings.fault)}</code>, ${h(run.startedAt)} → ${h(run.endedAt)}; teardown ${run.teardown.ok ? 'succeeded' : 'FAILED'}.</p>
<figure>
${svg}
</figure>
<table>
<tr><th>Assertion</th><th>Result</th><th>Measured</th><th>Threshold</th><th>Detail</th></tr>
${rows}
</table>
</body>
</html>
`;
}

/** A run value as HTML text or attribute content: printable (`safeTerminalText`), then escaped by escape-html. */
export function h(value: unknown): string {
  return escapeHtml(safeTerminalText(String(value)));
}
