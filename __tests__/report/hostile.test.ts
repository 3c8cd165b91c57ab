/**
 * Every hostile string through every report, in every field a run value reaches: run.json
 * round-trips, junit.xml stays valid XML 1.0, summary.md gains no HTML, link, image or table
 * structure, timeline.html gains no element, script (but its hover script) or handler, and terminal text carries no
 * control character.
 *
 * @slow every hostile string through every report
 */
import MarkdownIt from 'markdown-it';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import type { ProbeRecord } from '../../harness/analysis/timeline.js';
import { parseRunRecord, renderChartHtml, renderJunit, renderMarkdown, renderReports, type RunRecord } from '../../harness/report/index.js';
import { safeTerminalText } from '../../harness/report/terminal.js';
import { HOVER_SCRIPT } from '../../harness/report/hover.js';
import { DEFAULT_WRITE_THRESHOLDS, measureWrites, withWriteAssertions } from '../../harness/analysis/writes.js';
import { healthyDrill, phaseAt, T0, times, write } from '../analysis/timelines.js';
import { HOSTILE_STRINGS } from '../support/hostile.js';
import { runRecordOf } from './fixtures.js';
import type { Role } from '../../harness/targets/target.js';

/** An aborted run, and a failed one under the write router (with its write section). */
type Variant = 'aborted' | 'failed';

/** A run with `value` in every string field a drill records. */
function runWith(value: string, variant: Variant): RunRecord {
  const base = healthyDrill({ failoverLagS: 0.5 });
  let n = 0;
  const probes = base.probes.map((p): ProbeRecord => {
    n++;
    if (p.kind === 'edge' && p.status === 404) {
      const { status: _status, ...rest } = p;
      return { ...rest, error: value };
    }
    if (p.kind === 'edge' && n % 9 === 0) return { ...p, servedByHeader: value };
    if (p.kind === 'direct' && n % 11 === 0) return { ...p, method: value };
    return p;
  });
  const phases = (variant === 'aborted' ? base.phases.slice(0, 5) : base.phases).map((p) => ({ ...p, detail: value }));
  if (variant === 'failed') {
    // Writes that fail with the hostile value as their error (it becomes a key of the outcome
    // counts), then are served by the secondary, then by the primary again.
    for (const t of times(0, 5, 0.5)) {
      const probe = write({ t, phase: phaseAt(t), status: 201, header: t >= 2 && t < 3.5 ? 'secondary/us-west-2' : 'primary/us-east-1' });
      if (t >= 1.05 && t < 2) {
        const { status: _status, ...rest } = probe;
        probes.push({ ...rest, error: value });
      } else probes.push(probe);
    }
  }
  const run = runRecordOf(
    { probes, phases },
    {
      runId: value,
      target: value,
      settings: {
        thresholds: { failoverSeconds: 5, failbackSeconds: 5, maxViewerGetErrors: 0, steadyProbes: 10 },
        fault: value,
        probe: { rateHz: 10, directRateHz: 10, writeRateHz: 2, timeoutMs: 10_000, connectTimeoutMs: 2_000, path: value },
        steadyTimeoutSeconds: 20,
        observeTimeoutSeconds: 30,
        holdSeconds: 2,
        teardownTimeoutSeconds: 60,
      },
      endpoints: {
        edgeUrl: value,
        origins: {
          // run.json as read back: a hostile file may hold any string where the drill writes a role.
          primary: { role: value as Role, region: value, url: value },
          secondary: { role: 'secondary', region: value, url: value },
        },
        writePath: value,
        servedByHeader: value,
        details: { note: value },
      },
      cleanup: [{ name: value, status: 'failed', detail: value, durationMs: 1 }],
      teardown: { attempted: true, ok: false, detail: value },
      ...(variant === 'aborted'
        ? { status: 'aborted' as const, abort: { phase: 'failover' as const, cause: 'error' as const, reason: value, errorKind: value } }
        : { status: 'completed' as const }),
    },
  );
  if (variant !== 'failed') return run;
  const switches = [
    { to: 'secondary' as const, requestedAt: T0 + 1900, observedAt: T0 + 2005, delaySeconds: 0.9, delayBasis: value },
    { to: 'primary' as const, requestedAt: T0 + 3400, delaySeconds: 0, delayBasis: value },
  ];
  const writes = { thresholds: DEFAULT_WRITE_THRESHOLDS, measurements: measureWrites({ probes, phases }, switches) };
  return { ...run, writes, verdict: withWriteAssertions(run.verdict, writes) };
}

/** The same run with `value` also in fields the schema would refuse: the renderers must not trust types. */
function untypedRunWith(value: string): RunRecord {
  const run = runWith(value, 'failed');
  const v = value as never;
  const w = run.writes!.measurements;
  return {
    ...run,
    writes: {
      thresholds: { maxWriteRtoSeconds: v, maxSplitBrainWrites: v, maxSwitchBackWriteErrors: v },
      measurements: {
        ...w,
        writeRtoSeconds: v,
        switchSeconds: v,
        splitBrainWrites: v,
        beforeSwitch: { writes: v, errors: v, codes: { [value]: v } },
        switches: w.switches.map((sw) => ({ ...sw, to: v, delaySeconds: v, observedAt: v })),
      },
    },
    verdict: {
      ...run.verdict,
      summary: value,
      assertions: run.verdict.assertions.map((a) => ({
        ...a,
        title: value,
        message: value,
        measured: v,
        threshold: v,
        comparison: v,
        unit: v,
      })),
    },
  };
}

const BENIGN = 'benign';

// ------------------------------------------------------------------- XML

const XML_CHAR = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testcase', 'property'].includes(name),
});

function expectValidJunit(xml: string, testcases = 7): void {
  expect(XML_CHAR.test(xml)).toBe(true);
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = xmlParser.parse(xml) as { testsuites: { testsuite: { testcase: unknown[]; properties: { property: unknown[] } } } };
  expect(doc.testsuites.testsuite.testcase).toHaveLength(testcases);
  expect(doc.testsuites.testsuite.properties.property).toHaveLength(10);
}

// -------------------------------------------------------------- Markdown

const md = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
const FORBIDDEN_MD = new Set(['html_block', 'html_inline', 'link_open', 'image']);

/** The token types of a Markdown document, text runs collapsed: what a value may not change. */
function markdownShape(text: string): string[] {
  const out: string[] = [];
  const visit = (tokens: readonly Token[]) => {
    for (const t of tokens) {
      if (FORBIDDEN_MD.has(t.type)) out.push(`FORBIDDEN ${t.type}: ${t.content}`);
      if (t.type === 'text' && out[out.length - 1] === 'text') continue;
      out.push(t.type === 'heading_open' ? `${t.type} ${t.tag}` : t.type);
      if (t.children) visit(t.children);
    }
  };
  visit(md.parse(text, {}));
  return out;
}

// ------------------------------------------------------------------ HTML

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** Element names of an HTML page in document order, and anything that would run script. */
function htmlShape(page: string): { elements: string[]; dangers: string[] } {
  const elements: string[] = [];
  const dangers: string[] = [];
  const visit = (node: Node) => {
    if ('tagName' in node) {
      const el = node as Element;
      elements.push(el.tagName);
      // The one script allowed is the hover script, by its exact text (the page's CSP allows it alone, by hash).
      const hover = el.tagName === 'script' && el.childNodes.map((c) => ('value' in c ? c.value : '')).join('') === HOVER_SCRIPT;
      if ((el.tagName === 'script' && !hover) || el.tagName === 'iframe' || el.tagName === 'object') dangers.push(`<${el.tagName}>`);
      for (const a of el.attrs) {
        if (/^on/i.test(a.name)) dangers.push(`${el.tagName}[${a.name}]`);
        if (/^\s*(javascript|data):/i.test(a.value) && /href|src|action/i.test(a.name)) dangers.push(`${el.tagName}[${a.name}=${a.value}]`);
      }
    }
    if ('childNodes' in node) for (const c of node.childNodes) visit(c);
    if ('content' in node && node.content) visit(node.content as Node);
  };
  visit(parse(page));
  return { elements, dangers };
}

// ----------------------------------------------------------------- tests

describe.each(['aborted', 'failed'] as const)('a hostile %s run', (variant) => {
  let benign: Awaited<ReturnType<typeof renderReports>>;
  beforeAll(async () => {
    benign = await renderReports(runWith(BENIGN, variant));
  });

  test.each(HOSTILE_STRINGS.map((h) => [h.name, h.value] as const))('%s, in every report', async (_name, value) => {
    const run = runWith(value, variant);
    const reports = await renderReports(run);

    // run.json: the same record comes back, and it validates.
    const back = JSON.parse(reports['run.json']) as unknown;
    expect(back).toEqual(JSON.parse(JSON.stringify(run)));
    expect(parseRunRecord(back, 'run.json')).toEqual(back);

    // The write router adds three assertions (write RTO, split brain, switch-back errors).
    expectValidJunit(reports['junit.xml'], variant === 'failed' ? 10 : 7);

    expect(markdownShape(reports['summary.md'])).toEqual(markdownShape(benign['summary.md']));

    const page = htmlShape(reports['timeline.html']);
    expect(page.dangers).toEqual([]);
    // The chart's headline wraps onto as many lines (tspans) as the verdict needs; no other element is gained.
    const lines = (elements: string[]) => elements.filter((e) => e !== 'tspan');
    expect(lines(page.elements)).toEqual(lines(htmlShape(benign['timeline.html']).elements));
    expect(htmlShape(reports['timeline.svg']).dangers).toEqual([]);
    expect(XML_CHAR.test(reports['timeline.svg'])).toBe(true);
    expect(XMLValidator.validate(reports['timeline.svg'])).toBe(true);
  });
});

describe('renderers do not trust the types of what they print', () => {
  const benignRun = untypedRunWith(BENIGN);
  test.each(HOSTILE_STRINGS.map((h) => [h.name, h.value] as const))('%s', (_name, value) => {
    const run = untypedRunWith(value);
    expectValidJunit(renderJunit(run), 10);
    expect(markdownShape(renderMarkdown(run))).toEqual(markdownShape(renderMarkdown(benignRun)));
    const page = htmlShape(renderChartHtml(run, '<svg></svg>'));
    expect(page.dangers).toEqual([]);
    expect(page.elements).toEqual(htmlShape(renderChartHtml(benignRun, '<svg></svg>')).elements);
  });
});

describe('terminal text', () => {
  // C0 and C1 controls, DEL, and the bidirectional controls that reorder what a terminal shows.
  const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

  test.each(HOSTILE_STRINGS.map((h) => [h.name, h.value] as const))('%s prints no control character', (_name, value) => {
    const text = safeTerminalText(value);
    expect(UNSAFE.test(text)).toBe(false);
    expect(/[\ud800-\udfff]/u.test(text)).toBe(false);
  });

  test('plain text is unchanged, and what is replaced stays visible', () => {
    expect(safeTerminalText('failover took 1.5 s (503×2)')).toBe('failover took 1.5 s (503×2)');
    expect(safeTerminalText('a\u0000b')).toBe('a\\x00b');
    expect(safeTerminalText('\u001b[31mred\u001b[0m')).toBe('red');
    expect(safeTerminalText('one\ntwo')).toBe('one\\ntwo');
    expect(safeTerminalText('one\ntwo', { multiline: true })).toBe('one\ntwo');
    expect(safeTerminalText('abc\u202edcba')).toBe('abc\\u202edcba');
  });
});
