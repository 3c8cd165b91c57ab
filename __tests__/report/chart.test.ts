/**
 * The timeline chart as a reader meets it: the marks the figures are measured between, probes drawn
 * when their answer arrived (a blackhole's late answers are not painted at the injection, and their
 * latencies do not draw a diagonal), labels on rows that neither overlap nor leave the chart, the
 * headline whole, and every figure defined where it is shown.
 */
import { describe, expect, test } from '@jest/globals';
import { chartSpec } from '../../harness/report/chart.js';
import { CONSOLE_DEFINITIONS, consoleDefinitions, DEFINITIONS, FIGURE_DEFINITIONS } from '../../harness/report/definitions.js';
import { renderMarkdown, renderReports, type RunRecord } from '../../harness/report/index.js';
import { layoutLabels, textWidth, wrapText } from '../../harness/report/label-layout.js';
import { healthyDrill } from '../analysis/timelines.js';
import { blackholeRun, runRecordOf, writeRouterRun } from './fixtures.js';

interface Spec {
  datasets: {
    probes: { t: number; sent: number; row: string; outcome: string; latencyMs: number }[];
    marks: { t: number; label: string }[];
    labels: { left: number; y: number; text: string }[];
  };
  title: { text: string; subtitle: string[]; subtitleFontSize: number; fontSize: number };
  vconcat: { width: number }[];
}
const specOf = (run: RunRecord) => chartSpec(run) as unknown as Spec;
const FONT = 10;

describe('probes are drawn when their answer arrived', () => {
  const run = blackholeRun(5);
  const spec = specOf(run);
  const firstSecondary = (run.measurements.failover.edgeSwitchedAt! - Date.parse(run.startedAt)) / 1000;

  test('no edge GET shows the secondary before its first answer arrived (5 s after the injection)', () => {
    const inject = (run.phases.find((p) => p.name === 'inject')!.startedAt - Date.parse(run.startedAt)) / 1000;
    expect(firstSecondary - inject).toBeGreaterThan(4.9);
    const secondary = spec.datasets.probes.filter((p) => p.row === 'edge GET' && p.outcome === 'served by secondary');
    expect(Math.min(...secondary.map((p) => p.t))).toBeCloseTo(firstSecondary, 2);
    // Each probe keeps its span: sent at the injection, drawn at its answer.
    expect(Math.min(...secondary.map((p) => p.sent))).toBeLessThan(inject + 0.2);
  });

  test('the GETs that waited out the blackhole are drawn together at the moment they were answered, not as a diagonal', () => {
    const waited = spec.datasets.probes.filter((p) => p.row === 'edge GET' && p.latencyMs > 1000);
    expect(waited.length).toBeGreaterThanOrEqual(40);
    const at = waited.map((p) => p.t);
    expect(Math.max(...at) - Math.min(...at)).toBeLessThan(0.05);
  });
});

describe('marks', () => {
  test.each([
    ['pause', runRecordOf(healthyDrill({ failoverLagS: 0.3 }))],
    ['blackhole', blackholeRun(5)],
    ['write router', writeRouterRun()],
  ])('a %s run marks injection, first answers, failover and failback declared, recovery started', (_name, run) => {
    const labels = specOf(run).datasets.marks.map((m) => m.label);
    for (const name of ['injection', 'first answer from the secondary', 'failover declared', 'recovery started', 'failback declared'])
      expect(labels.some((l) => l.startsWith(`${name} +`))).toBe(true);
  });

  test('the write switches are marks of their own', () => {
    const labels = specOf(writeRouterRun()).datasets.marks.map((m) => m.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^writes → secondary \+2\.40 s$/),
        expect.stringMatching(/^writes → primary \+3\.60 s$/),
      ]),
    );
  });
});

describe('label layout', () => {
  test('labels at the same moment, or near the right edge, neither overlap nor leave the band', () => {
    const inputs = [
      { x: 500, text: 'writes → secondary +1.90 s' },
      { x: 500, text: 'writes → primary +1.90 s' },
      { x: 502, text: 'observe failover +1.91 s' },
      { x: 898, text: 'recover + observe failback' },
      { x: 900, text: 'failback declared +9.99 s' },
      { x: 0, text: 'x'.repeat(400) },
    ];
    const { labels, rows } = layoutLabels(inputs, 900, FONT);
    expect(rows).toBeGreaterThanOrEqual(3);
    for (const l of labels) {
      expect(l.left).toBeGreaterThanOrEqual(0);
      expect(l.left + textWidth(l.text, FONT)).toBeLessThanOrEqual(900);
    }
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++) {
        const [a, b] = [labels[i]!, labels[j]!];
        expect(a.row === b.row && a.left < b.right && b.left < a.right).toBe(false);
      }
  });

  test.each([
    ['pause', runRecordOf(healthyDrill({ failoverLagS: 0.3 }))],
    ['blackhole', blackholeRun(5)],
    ['write router', writeRouterRun()],
  ])('the %s chart: every label on a row of its own span, inside the chart width', (_name, run) => {
    const spec = specOf(run);
    const width = spec.vconcat[0]!.width;
    const boxes = spec.datasets.labels.map((l) => ({ ...l, right: l.left + textWidth(l.text, FONT) }));
    for (const b of boxes) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        expect(a.y === b.y && a.left < b.right && b.left < a.right ? `${a.text} / ${b.text}` : '').toBe('');
      }
  });

  test('the headline is wrapped, never cut, and each line fits the chart', () => {
    const base = runRecordOf(healthyDrill({ failoverLagS: 0.5 }));
    const summary = `FAILED: ${Array.from({ length: 12 }, (_, i) => `assertion ${i} failed with a long explanation of what was measured`).join('; ')}`;
    const spec = specOf({ ...base, verdict: { ...base.verdict, summary } });
    const lines = spec.title.subtitle;
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(textWidth(line, spec.title.subtitleFontSize)).toBeLessThanOrEqual(spec.vconcat[0]!.width + 80);
    expect(lines.join(' ')).toBe(summary);
    expect(wrapText('a b', 1000, 10)).toEqual(['a b']);
  });
});

describe('every figure is defined where it is shown', () => {
  test('summary.md and timeline.html define failover, failback and the + times; the console lines too', async () => {
    const run = runRecordOf(healthyDrill({ failoverLagS: 0.3 }));
    const md = renderMarkdown(run);
    const html = (await renderReports(run))['timeline.html'];
    for (const id of FIGURE_DEFINITIONS) {
      const d = DEFINITIONS[id];
      expect(md).toContain(`**${d.term}**`);
      expect(md.replace(/\s+/g, ' ')).toContain(d.text.slice(0, 60));
      expect(html).toContain(`<strong>${d.term}</strong>`);
    }
    for (const id of CONSOLE_DEFINITIONS) expect(consoleDefinitions()).toContain(`${DEFINITIONS[id].term}: ${DEFINITIONS[id].short}`);
  });
});

describe('timeline.html says everything summary.md says', () => {
  test('the headings, tables and notes of summary.md, the chart, and a tooltip on each probe', async () => {
    const run = writeRouterRun();
    const reports = await renderReports(run);
    const html = reports['timeline.html'];
    const md = reports['summary.md'];
    for (const heading of md.match(/^#{2,3} .*$/gm)!.map((h) => h.replace(/^#+ /, ''))) expect(html).toContain(`${heading}</h`);
    expect(html.match(/<table>/g)?.length).toBe(md.match(/^\| -( \| -)* \|$/gm)?.length);
    expect(html).toContain('<h3>Phases</h3>');
    expect(html).toContain('<h3>Notes</h3>');
    expect(html).toContain('<svg');
    // vega writes each probe's tooltip as its aria-label; the page's script shows it on hover.
    const tips = [...html.matchAll(/aria-label="([^"]*probe: [^"]*)"/g)].map((m) => m[1]!);
    expect(tips.length).toBeGreaterThanOrEqual(run.probes.length);
    expect(tips[0]).toMatch(/probe: .*; status: .*; origin: .*; latency \(ms\): .*; sent \(s\): .*; answered \(s\): .*; phase: /);
    expect(html).toContain('<div id="tip" hidden></div>');
  });
});

describe('alarm lanes', () => {
  const base = runRecordOf(healthyDrill({ failoverLagS: 0.3 }));
  const t0 = Date.parse(base.startedAt);
  const inject = base.phases.find((p) => p.name === 'inject')!.startedAt;
  const recover = base.phases.find((p) => p.name === 'recover')!.startedAt;
  const wait = (state: 'ALARM' | 'OK', from: number, after: number | null) => ({
    state,
    from,
    boundSeconds: 60,
    reachedAt: after === null ? null : from + after * 1000,
    seconds: after,
  });
  const result = (kind: string, detect: number | null, clear: number | null) => ({
    kind,
    name: `edge-failover-${kind}`,
    region: 'us-east-1',
    stateBefore: 'OK',
    alarmActions: [],
    okActions: [],
    notifiesSns: true,
    detect: wait('ALARM', inject, detect),
    ...(detect === null ? {} : { clear: wait('OK', recover, clear) }),
  });
  const run = {
    ...base,
    alarms: { plan: {}, results: [result('failover-active', 0.4, 0.2), result('primary-unhealthy', 0.5, null)], guards: [] },
  } as unknown as RunRecord;

  test("each alarm that fired gets a lane spanning its ALARM, from the history's transitions; one never cleared runs to the end", () => {
    const spans = (chartSpec(run) as unknown as { datasets: { alarmSpans: { row: string; start: number; end: number }[] } }).datasets
      .alarmSpans;
    const sec = (ms: number) => Math.round(ms - t0) / 1000;
    expect(spans.map((s) => s.row)).toEqual(['alarm: failover-active', 'alarm: primary-unhealthy']);
    expect(spans[0]).toMatchObject({ start: sec(inject + 400), end: sec(recover + 200) });
    expect(spans[1]!.start).toBe(sec(inject + 500));
    expect(spans[1]!.end).toBeGreaterThan(sec(recover));
  });

  test('the lanes render in the SVG, and a run without the alarm phase has none', async () => {
    const svg = (await renderReports(run))['timeline.svg'];
    expect(svg).toContain('alarm: failover-active');
    expect((chartSpec(base) as unknown as { datasets: { alarmSpans: unknown[] } }).datasets.alarmSpans).toEqual([]);
  });
});
