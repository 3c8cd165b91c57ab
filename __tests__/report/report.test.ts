import { Resvg } from '@resvg/resvg-js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  chartSpec,
  parseRunRecord,
  rejudge,
  renderChartSvg,
  renderJunit,
  renderMarkdown,
  renderReports,
} from '../../harness/report/index.js';
import { healthyDrill, STANDARD_PHASES } from '../analysis/timelines.js';
import { runRecordOf } from './fixtures.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testcase', 'property', 'g', 'path'].includes(name),
});

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text': string };
  error?: { message: string; type: string };
  skipped?: { message: string } | string;
}

function junitCases(xml: string): { suite: Record<string, string>; cases: Case[]; root: Record<string, string> } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  return { root: doc.testsuites, suite: doc.testsuites.testsuite, cases: doc.testsuites.testsuite.testcase };
}

describe('junit.xml', () => {
  test('a passing run: one test case per assertion, plus the run and teardown, none failing', () => {
    const { root, suite, cases } = junitCases(renderJunit(runRecordOf(healthyDrill())));
    expect(root).toMatchObject({ name: 'dr-drill', tests: '7', failures: '0', errors: '0', skipped: '0' });
    expect(suite.name).toBe('DR drill (local) 20260101t120000z-abcdef');
    expect(cases.map((c) => c.name)).toEqual([
      'drill-run: the drill runs to completion',
      'origins-answer: Both origins answer directly',
      'primary-serves: The primary serves in steady state',
      'failover-time: Failover within 5 s',
      'failback-time: Failback within 5 s',
      'viewer-get-errors: Viewer GET errors at most 0',
      'teardown: the world is torn down and the primary resumed',
    ]);
    expect(cases.every((c) => c.failure === undefined && c.error === undefined)).toBe(true);
  });

  test('a failing run carries the measured value and the threshold in the failure message', () => {
    const run = rejudge(runRecordOf(healthyDrill({ failoverLagS: 1.5 })), { failoverSeconds: 1 });
    const { root, cases } = junitCases(renderJunit(run));
    expect(root).toMatchObject({ tests: '7', failures: '2', errors: '0' });
    const failover = cases.find((c) => c.name.startsWith('failover-time'))!;
    expect(failover.failure!.message).toBe('failover took 1.555 s; measured 1.555 s, threshold at most 1 s');
    expect(failover.failure!['#text']).toContain('measured: 1.555 s');
    expect(failover.failure!['#text']).toContain('threshold: <= 1 s');
    const errors = cases.find((c) => c.name.startsWith('viewer-get-errors'))!;
    expect(errors.failure!.message).toContain('measured 15, threshold at most 0 errors');
  });

  test('an aborted run is an error, unreached assertions are skipped, and a failed teardown is an error', () => {
    const base = healthyDrill();
    const phases = [...STANDARD_PHASES.slice(0, 4), { ...STANDARD_PHASES[4]!, status: 'aborted' as const }];
    const run = runRecordOf(
      { probes: base.probes, phases },
      {
        status: 'aborted',
        abort: { phase: 'failover', cause: 'signal', reason: 'SIGINT received' },
        teardown: { attempted: true, ok: false, detail: 'edge port still open' },
      },
    );
    expect(run.exitCode).toBe(3);
    const { root, cases } = junitCases(renderJunit(run));
    expect(root).toMatchObject({ errors: '2' });
    expect(cases[0]!.error!.message).toBe('aborted during failover: SIGINT received');
    expect(cases.find((c) => c.name.startsWith('failover-time'))!.skipped).toMatchObject({
      message: 'not reached: the run was aborted during observe failover',
    });
    expect(cases.find((c) => c.name.startsWith('teardown'))!.error!.message).toBe('teardown failed: edge port still open');
  });
});

describe('summary.md', () => {
  test('has the verdict, the assertions, the transitions and the phases', () => {
    const md = renderMarkdown(runRecordOf(healthyDrill({ failoverLagS: 0.5 })), { files: ['run.json', 'junit.xml'] });
    expect(md).toMatch(/^## DR drill ❌ FAILED \(local\)/);
    expect(md).toContain('| Failover within 5 s | ✅ passed | 0.555 s | ≤ 5 s |');
    expect(md).toContain('| Viewer GET errors at most 0 | ❌ failed | 5 errors | ≤ 0 errors |');
    expect(md).toContain('| Failover | 0.555 s | +1.550 s | +2.105 s | 0 |');
    expect(md).toMatch(/\| Observe failover \| ✅ passed \| 1\.90 s \| 19 \| 5 \(404×5\) \| 5 ms \/ 5 ms \/ 5 ms \| 0 \/ 14 \| — \|/);
    expect(md).toContain('- Teardown: ✅ edge closed; origins stopped; the primary was resumed.');
    expect(md).toContain('Reports: `run.json`, `junit.xml`');
  });

  test('flags attribution by elimination', () => {
    const md = renderMarkdown(runRecordOf(healthyDrill({ noHeader: true })));
    expect(md).toContain('⚠️ 49 response(s) had no usable `x-served-by` header and were attributed by elimination from the direct probes.');
  });
});

describe('the timeline chart', () => {
  const run = runRecordOf(healthyDrill());

  test('the spec carries every probe, the marks the figures are measured between, and the outage', () => {
    const spec = chartSpec(run) as unknown as { datasets: Record<string, { label?: string; start?: number; end?: number }[]> };
    expect(spec.datasets.probes).toHaveLength(150);
    expect(spec.datasets.marks!.map((m) => m.label!.replace(/ \+[\d.]+ s$/, ''))).toEqual([
      'steady state',
      'injection',
      'primary failed (direct probes)',
      'observe failover',
      'first answer from the secondary',
      'failover declared',
      'recovery started',
      'primary back (direct probes)',
      'observe failback',
      'first answer from the primary',
      'failback declared',
    ]);
    expect(spec.datasets.outage).toEqual([{ start: 1.5, end: 3.6, label: 'fault in effect' }]);
  });

  test('renders to SVG with one tick per probe and one latency point per edge GET, and to a PNG that shows both origins', async () => {
    const svg = await renderChartSvg(run);
    expect(XMLValidator.validate(svg)).toBe(true);
    const groups: { class?: string; path?: unknown[] }[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        const n = node as { class?: string; path?: unknown[] };
        if (typeof n.class === 'string') groups.push(n);
        Object.values(node).forEach(walk);
      }
    };
    walk(parser.parse(svg));
    const marks = (suffix: string) => groups.find((g) => g.class?.endsWith(suffix))?.path ?? [];
    expect(marks('concat_1_layer_3_marks')).toHaveLength(150);
    expect(marks('concat_2_layer_2_marks')).toHaveLength(50);
    expect(svg).toContain('observe failover');

    // In the PNG, the latency panel shows orange (secondary-served) points only when the secondary served.
    expect(secondaryPixelsInLatencyPanel(svg)).toBeGreaterThan(100);
    const noFailover = await renderChartSvg(runRecordOf(healthyDrill({ failoverLagS: 100 })));
    expect(secondaryPixelsInLatencyPanel(noFailover)).toBe(0);
  });

  test('all reports render together, and run.json round-trips', async () => {
    const reports = await renderReports(run);
    expect(Object.keys(reports).sort()).toEqual(['junit.xml', 'run.json', 'summary.md', 'timeline.html', 'timeline.svg']);
    expect(reports['timeline.html']).toContain('<svg');
    const back = parseRunRecord(JSON.parse(reports['run.json']), 'run.json');
    expect(rejudge(back).verdict).toEqual(run.verdict);
  });
});

describe('run records', () => {
  test('rejudge applies new thresholds and recomputes the exit code', () => {
    const run = runRecordOf(healthyDrill({ failoverLagS: 0.5 }));
    expect(run.exitCode).toBe(1);
    const lenient = rejudge(run, { maxViewerGetErrors: 5 });
    expect(lenient.verdict.outcome).toBe('passed');
    expect(lenient.exitCode).toBe(0);
    expect(lenient.settings.thresholds.maxViewerGetErrors).toBe(5);
  });

  test('parseRunRecord names what is wrong', () => {
    expect(() => parseRunRecord({ version: 9 }, 'x/run.json')).toThrow('version (from x/run.json) = 9: allowed: 1');
    expect(() => parseRunRecord({ version: 1, runId: 'a' }, 'r.json')).toThrow('target (from r.json) = (missing): allowed: a string');
  });
});

/** Renders the SVG with resvg and counts orange pixels inside the latency panel. */
function secondaryPixelsInLatencyPanel(svg: string): number {
  const root = /<g fill="none" stroke-miterlimit="4" transform="translate\(([\d.]+),([\d.]+)\)">/.exec(svg)!;
  const panel =
    /concat_2_group"[^>]*><g transform="translate\(([\d.]+),([\d.]+)\)"><path class="background"[^>]* d="M0\.5,0\.5h(\d+)v(\d+)/.exec(svg)!;
  const x0 = Number(root[1]) + Number(panel[1]);
  const y0 = Number(root[2]) + Number(panel[2]);
  const [w, h] = [Number(panel[3]), Number(panel[4])];
  const image = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
  expect(image.width).toBeGreaterThan(x0 + w);
  const px = image.pixels;
  let orange = 0;
  for (let y = Math.ceil(y0); y < y0 + h; y++) {
    for (let x = Math.ceil(x0); x < x0 + w; x++) {
      const i = (y * image.width + x) * 4;
      const [r, g, b] = [px[i]!, px[i + 1]!, px[i + 2]!];
      // Marks are drawn semi-transparent over white: match the hue, not the exact color.
      if (r > 200 && r - b > 100 && g > b + 20 && g < r - 40) orange++;
    }
  }
  return orange;
}
