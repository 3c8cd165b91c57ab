/**
 * The timeline chart: who served each probe, drawn when its answer arrived over its span, edge
 * latency at the answer, the outage, and the marks the figures are measured between with their
 * labels on rows that never overlap. A vega-lite spec, compiled by vega-lite and rendered to SVG by
 * vega on the server (renderer "none", no DOM); timeline-html.ts embeds it in the page.
 */
import escapeHtml from 'escape-html';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { attribute } from '../analysis/attribution.js';
import { isViewerGet } from '../analysis/measure.js';
import { completedAt, isSuccess, PHASE_TITLES, PROBED_PHASES, type Role } from '../analysis/timeline.js';
import { fit, layoutLabels, wrapText } from './label-layout.js';
import type { RunRecord } from './run-record.js';
import { safeTerminalText } from './terminal.js';

const ROWS = ['edge GET', 'write POST', 'direct: primary', 'direct: secondary'] as const;
const OUTCOMES = ['served by primary', 'served by secondary', 'served (origin unknown)', 'error'] as const;
const COLORS = ['#1f77b4', '#ff7f0e', '#8c8c8c', '#d62728'];
/** Font size and row height of the mark labels above the chart. */
const LABEL_FONT = 10;
const LABEL_LINE = 14;
const TITLE_FONT = 15;
const SUBTITLE_FONT = 11;

interface ProbePoint {
  /** Seconds since the drill started when the answer (or the failure) arrived: where the probe is drawn. */
  readonly t: number;
  /** When it was sent: the span sent → answered is drawn behind the answer. */
  readonly sent: number;
  readonly row: (typeof ROWS)[number];
  readonly outcome: (typeof OUTCOMES)[number];
  readonly latencyMs: number;
  readonly code: string;
  readonly origin: string;
  readonly phase: string;
  readonly attribution: string;
  /** The tooltip's fields as one line: the mark's description, which the SVG carries as its aria-label. */
  readonly tip: string;
}

/** What a probe's tooltip says, in order. */
const TOOLTIP = [
  { field: 'row', title: 'probe' },
  { field: 'code', title: 'status' },
  { field: 'origin', title: 'origin' },
  { field: 'latencyMs', title: 'latency (ms)' },
  { field: 'sent', title: 'sent (s)' },
  { field: 't', title: 'answered (s)' },
  { field: 'phase', title: 'phase' },
] as const satisfies readonly { field: keyof Omit<ProbePoint, 'tip'>; title: string }[];

/** A moment on the chart: a rule across both panels and a label above them. */
export interface ChartMark {
  readonly id: string;
  /** Seconds since the drill started. */
  readonly t: number;
  readonly label: string;
  /** Phase starts are dashed grey; the moments the figures are measured between are solid and coloured. */
  readonly kind: 'phase' | 'failover' | 'failback' | 'fault' | 'writes';
}

const MARK_COLORS: Readonly<Record<ChartMark['kind'], string>> = {
  phase: '#888888',
  fault: '#222222',
  failover: '#7b3294',
  failback: '#008837',
  writes: '#8c6d31',
};

/**
 * The moments the figures are measured between (injection, the primary's failure and recovery as
 * the direct probes saw them, the first answer from each origin, the drill declaring each
 * transition, recovery started, the write switches), and the starts of the probed phases.
 */
export function chartMarks(run: RunRecord): ChartMark[] {
  const t0 = Date.parse(run.startedAt);
  const sec = (ms: number) => Math.round(ms - t0) / 1000;
  const marks: ChartMark[] = [];
  const add = (id: string, at: number | null | undefined, label: string, kind: ChartMark['kind']) => {
    if (at !== null && at !== undefined) marks.push({ id, t: sec(at), label: `${label} +${sec(at).toFixed(2)} s`, kind });
  };
  const phase = (name: string) => run.phases.find((p) => p.name === name);
  const phaseStart = (name: string) => phase(name)?.startedAt;
  add('phase-steady', phaseStart('steady'), 'steady state', 'phase');
  add('phase-failover', phaseStart('failover'), 'observe failover', 'phase');
  add('phase-failback', phaseStart('failback'), 'observe failback', 'phase');
  const { failover, failback } = run.measurements;
  const n = run.settings.thresholds.steadyProbes;
  const inject = phaseStart('inject');
  const recover = phaseStart('recover');
  add('injection', inject, 'injection', 'fault');
  add('primary-failed', failover.originChangedAt, 'primary failed (direct probes)', 'failover');
  add('first-secondary', failover.edgeSwitchedAt, 'first answer from the secondary', 'failover');
  if (inject !== undefined) add('failover-declared', declaredAt(run, 'secondary', n, inject, recover), 'failover declared', 'failover');
  add('recovery', recover, 'recovery started', 'fault');
  add('primary-back', failback.originChangedAt, 'primary back (direct probes)', 'failback');
  add('first-primary', failback.edgeSwitchedAt, 'first answer from the primary', 'failback');
  if (recover !== undefined) add('failback-declared', declaredAt(run, 'primary', n, recover, undefined), 'failback declared', 'failback');
  for (const w of run.writes?.measurements.switches ?? []) {
    add(`writes-${w.to}`, w.requestedAt, `writes → ${w.to}`, 'writes');
    add(`writes-${w.to}-served`, w.observedAt, `first write from the ${w.to}`, 'writes');
  }
  return marks.sort((a, b) => a.t - b.t);
}

/**
 * When the drill could declare the edge switched to `role`: the arrival of the `n`th consecutive
 * 2xx edge GET answered by it, among the GETs sent in [from, until). Null when it never did.
 */
export function declaredAt(run: RunRecord, role: Role, n: number, from: number, until: number | undefined): number | null {
  const gets = attribute(run.probes)
    .filter((p) => !p.cancelled && isViewerGet(p) && p.sentAt >= from && (until === undefined || p.sentAt < until))
    .sort((a, b) => completedAt(a) - completedAt(b) || a.seq - b.seq);
  let run_ = 0;
  for (const p of gets) {
    run_ = isSuccess(p) && p.servedBy === role ? run_ + 1 : 0;
    if (run_ >= Math.max(1, n)) return completedAt(p);
  }
  return null;
}

/** The phase a moment falls in, by the run's phase records. */
function phaseAt(run: RunRecord, at: number): string {
  const p = run.phases.find((x) => at >= x.startedAt && at < x.endedAt);
  return p ? (PHASE_TITLES[p.name] ?? p.name) : 'between phases';
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
      const sentIn = phaseAt(run, p.sentAt);
      const answeredIn = phaseAt(run, completedAt(p));
      return {
        t: sec(completedAt(p)),
        sent: sec(p.sentAt),
        row,
        outcome,
        latencyMs: Math.max(0.1, Math.round(p.latencyMs * 10) / 10),
        code: safeTerminalText(p.status !== undefined ? String(p.status) : (p.error ?? '')),
        origin:
          p.kind === 'direct'
            ? `${p.origin ?? '?'} (probed directly)`
            : p.servedBy === undefined
              ? 'unknown'
              : `${p.servedBy}${p.attribution === 'elimination' ? ' (by elimination)' : ''}`,
        phase: sentIn === answeredIn ? sentIn : `sent in ${sentIn}, answered in ${answeredIn}`,
        attribution: p.attribution,
      };
    })
    .map((p) => ({ ...p, tip: TOOLTIP.map((f) => `${f.title}: ${p[f.field]}`).join('; ') }));
  const probed = run.phases.filter((p) => (PROBED_PHASES as readonly string[]).includes(p.name));
  const lastAnswer = points.reduce((max, p) => Math.max(max, p.t), 0);
  const start = probed.length > 0 ? sec(probed[0]!.startedAt) : points.reduce((min, p) => Math.min(min, p.sent), lastAnswer);
  const end = Math.max(lastAnswer, probed.length > 0 ? sec(probed[probed.length - 1]!.endedAt) : start + 1);
  const domain = [Math.floor(start * 10) / 10, Math.max(Math.ceil(end * 10) / 10, Math.floor(start * 10) / 10 + 0.1)] as const;
  const width = options.width ?? 900;
  const px = (t: number) => ((t - domain[0]) / (domain[1] - domain[0])) * width;

  const marks = chartMarks(run).filter((m) => m.t >= domain[0] && m.t <= domain[1]);
  const layout = layoutLabels(
    marks.map((m) => ({ x: px(m.t), text: m.label })),
    width,
    LABEL_FONT,
  );
  // Rows of labels above the strips.
  const labels = layout.labels.map((l, i) => ({
    left: l.left,
    anchor: l.x,
    y: l.row * LABEL_LINE + LABEL_LINE / 2 + 2,
    text: l.text,
    color: MARK_COLORS[marks[i]!.kind],
  }));
  const markData = marks.map((m) => ({ t: m.t, label: m.label, color: MARK_COLORS[m.kind], dash: m.kind === 'phase' ? 1 : 0 }));

  const inject = run.phases.find((p) => p.name === 'inject');
  const recover = run.phases.find((p) => p.name === 'recover');
  const outage = inject
    ? [{ start: sec(inject.startedAt), end: recover ? sec(recover.endedAt) : lastAnswer, label: 'fault in effect' }]
    : [];
  const x = {
    field: 't',
    type: 'quantitative' as const,
    title: 'seconds since the drill started (probes drawn when their answer arrived)',
    scale: { domain: [...domain], nice: false, zero: false },
  };
  const color = {
    field: 'outcome',
    type: 'nominal' as const,
    title: 'outcome',
    scale: { domain: [...OUTCOMES], range: COLORS },
    legend: { labelLimit: 260, orient: 'bottom' as const, direction: 'horizontal' as const },
  };
  const tooltip = [...TOOLTIP];
  // A lane per alarm the alarm phase watched: its ALARM span, from the history's transition into ALARM to
  // the one back to OK (or the end of the chart when it never cleared).
  const alarmSpans = (run.alarms?.results ?? []).flatMap((a) =>
    a.detect?.reachedAt == null
      ? []
      : [
          {
            row: `alarm: ${safeTerminalText(a.kind)}`,
            start: sec(a.detect.reachedAt),
            end: a.clear?.reachedAt != null ? sec(a.clear.reachedAt) : domain[1],
            tip: safeTerminalText(
              `${a.name} (${a.region}): ALARM ${a.detect.seconds ?? '?'} s after the injection; ${
                a.clear?.seconds != null ? `OK ${a.clear.seconds} s after recovery began` : 'not OK again within its bound'
              }`,
            ),
          },
        ],
  );
  const alarmRows = [...new Set(alarmSpans.map((a) => a.row))];
  const rows = [...ROWS.filter((r) => points.some((p) => p.row === r)), ...alarmRows];
  const ruleLayers = [
    {
      data: { name: 'outage' },
      mark: { type: 'rect' as const, color: '#d62728', opacity: 0.08, aria: false },
      encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' } },
    },
    {
      data: { name: 'marks' },
      mark: { type: 'rule' as const, strokeWidth: 1.2, aria: false },
      encoding: {
        x,
        stroke: { field: 'color', type: 'nominal' as const, scale: null, legend: null },
        strokeDash: { condition: { test: 'datum.dash === 1', value: [4, 3] }, value: [1, 0] },
      },
    },
  ];
  const y = { field: 'row', type: 'nominal' as const, title: null, sort: [...ROWS, ...alarmRows], scale: { domain: rows } };
  const summary = safeTerminalText(run.verdict.summary);
  const titleWidth = width + 80;
  const subtitle = wrapText(summary, titleWidth, SUBTITLE_FONT);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: fit(`DR drill (${safeTerminalText(run.target)}): ${run.verdict.outcome.toUpperCase()}`, titleWidth, TITLE_FONT),
      subtitle: subtitle.length > 8 ? [...subtitle.slice(0, 7), fit(`${subtitle[7]!} …`, titleWidth, SUBTITLE_FONT)] : subtitle,
      fontSize: TITLE_FONT,
      subtitleFontSize: SUBTITLE_FONT,
      limit: 0,
      anchor: 'start',
      offset: 12,
    },
    background: 'white',
    padding: 12,
    datasets: { probes: points as unknown as Record<string, unknown>[], marks: markData, labels, outage, alarmSpans },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
    spacing: 16,
    align: 'none',
    vconcat: [
      // The mark labels, on the rows laid out for them (pixel positions: the x scale maps the domain to [0, width]).
      {
        width,
        height: Math.max(1, layout.rows) * LABEL_LINE + 4,
        view: { stroke: null },
        layer: [
          {
            data: { name: 'labels' },
            mark: { type: 'rule', strokeWidth: 1.5, aria: false },
            encoding: {
              x: { field: 'anchor', type: 'quantitative', scale: null },
              y: { field: 'y', type: 'quantitative', scale: null, axis: null },
              y2: { field: 'y2' },
              stroke: { field: 'color', type: 'nominal', scale: null, legend: null },
            },
            transform: [
              { calculate: 'datum.y + 5', as: 'y2' },
              { calculate: 'datum.y - 5', as: 'y' },
            ],
          },
          {
            data: { name: 'labels' },
            mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: LABEL_FONT, aria: false },
            encoding: {
              x: { field: 'left', type: 'quantitative', scale: null },
              y: { field: 'y', type: 'quantitative', scale: null, axis: null },
              text: { field: 'text' },
              fill: { field: 'color', type: 'nominal', scale: null, legend: null },
            },
          },
        ],
      },
      {
        width,
        height: 28 * Math.max(1, rows.length) + 10,
        layer: [
          ...ruleLayers,
          {
            data: { name: 'probes' },
            mark: { type: 'rule', strokeWidth: 1, color: '#c7c7c7', aria: false },
            encoding: { x: { ...x, field: 'sent' }, x2: { field: 't' }, y },
          },
          {
            data: { name: 'probes' },
            mark: { type: 'tick', thickness: 1.5, size: 20 },
            encoding: { x, y, color, tooltip, description: { field: 'tip' } },
          },
          // After the probes' layers, so their marks keep their place in the SVG.
          {
            data: { name: 'alarmSpans' },
            mark: { type: 'bar', color: '#9467bd', opacity: 0.6, height: 14, clip: true },
            encoding: {
              x: { ...x, field: 'start' },
              x2: { field: 'end' },
              y,
              tooltip: [{ field: 'tip', title: 'alarm' }],
              description: { field: 'tip' },
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
              tooltip,
              description: { field: 'tip' },
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

/** A run value as HTML text or attribute content: printable (`safeTerminalText`), then escaped by escape-html. */
export function h(value: unknown): string {
  return escapeHtml(safeTerminalText(String(value)));
}
