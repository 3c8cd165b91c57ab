/**
 * summary.md: the verdict, the assertions, per-phase numbers and the notes, ready for a CI
 * job summary ($GITHUB_STEP_SUMMARY), which GitHub renders with HTML allowed.
 *
 * The summary is built as a Markdown syntax tree (mdast) and serialized by
 * mdast-util-to-markdown with the GFM extensions, so every run value (run id, target, fault,
 * edge URL, served-by header, error codes, messages) is text or inline code whatever it holds:
 * Markdown syntax in a value is escaped, `<`, `>` and `&` are written as character references,
 * inline code gets a fence longer than any backtick run in it, and `|` in a table cell cannot
 * end the cell. Control characters and line breaks are made visible first (`safeTerminalText`),
 * so a value cannot start a new line or block.
 */
import type { RootContent } from 'mdast';
import type { AlarmsReport, AlarmWait } from '../analysis/alarms.js';
import type { ErrorStats, TransitionMeasurement } from '../analysis/measure.js';
import { PHASE_TITLES } from '../analysis/timeline.js';
import { DEFINITIONS, FIGURE_DEFINITIONS } from './definitions.js';
import type { RunRecord } from './run-record.js';
import { clean, code, heading, type Inline, list, para, serialize, strong, table } from './mdast.js';

export interface MarkdownOptions {
  /** File names of the other reports, listed in the summary. */
  readonly files?: readonly string[];
}

const ICON: Readonly<Record<string, string>> = { passed: '✅', failed: '❌', skipped: '⏭️', aborted: '⛔' };
const COMPARISON: Readonly<Record<string, string>> = { '<=': '≤', '>=': '≥' };

export function renderMarkdown(run: RunRecord, options: MarkdownOptions = {}): string {
  return serialize(summaryTree(run, options));
}

/** The blocks of summary.md, which timeline.html renders too. */
export function summaryTree(run: RunRecord, options: MarkdownOptions = {}): RootContent[] {
  const v = run.verdict;
  const m = run.measurements;
  const out: RootContent[] = [];
  const unit = (u: unknown) => (u === 's' ? ' s' : ` ${clean(u)}`);
  const bound = (a: { comparison: unknown; threshold: unknown; unit: unknown }) =>
    `${COMPARISON[String(a.comparison)] ?? clean(a.comparison)} ${clean(a.threshold)}${unit(a.unit)}`;
  const icon = (status: unknown) => ICON[String(status)] ?? '';

  out.push(heading(2, `DR drill ${icon(v.outcome)} ${clean(v.outcome).toUpperCase()} (`, run.target, ')'));
  out.push(para(v.summary));
  out.push(
    para(
      'Run ',
      code(run.runId),
      `, ${clean(run.startedAt)} → ${clean(run.endedAt)}, fault `,
      code(run.settings.fault),
      `, exit code ${clean(run.exitCode)}.`,
      ...(run.endpoints ? [' Edge ', code(run.endpoints.edgeUrl), '.'] : []),
    ),
  );
  out.push(
    table(
      ['Assertion', 'Result', 'Measured', 'Threshold'],
      v.assertions.map((a) => [
        a.title,
        `${icon(a.status)} ${clean(a.status)}`,
        a.measured === null ? '—' : `${clean(a.measured)}${unit(a.unit)}`,
        bound(a),
      ]),
    ),
  );
  const failing = v.assertions.filter((a) => a.status !== 'passed');
  if (failing.length > 0) out.push(list(failing.map((a) => [strong(a.title), ': ', a.message])));

  out.push(heading(3, 'Failover and failback'));
  const t0 = Date.parse(run.startedAt);
  out.push(
    table(
      ['', 'Time', 'Origin changed (direct probes)', 'Edge switched', 'Flaps', 'Notes'],
      [transitionRow('Failover', m.failover, t0), transitionRow('Failback', m.failback, t0)],
    ),
  );
  out.push(list(FIGURE_DEFINITIONS.map((id) => [strong(DEFINITIONS[id].term), `: ${DEFINITIONS[id].text}`])));

  if (run.writes) {
    const w = run.writes.measurements;
    const outcomes = (c: { writes: number; errors: number; codes: Readonly<Record<string, number>> }) =>
      `${c.errors} of ${c.writes}${
        Object.keys(c.codes).length
          ? ` (${Object.entries(c.codes)
              .map(([k, n]) => `${clean(k)}×${clean(n)}`)
              .join(', ')})`
          : ''
      }`;
    out.push(heading(3, 'Writes under the write router'));
    out.push(
      table(
        ['Measurement', 'Value'],
        [
          ['Write RTO (outage → first write served by the secondary)', w.writeRtoSeconds === null ? '—' : `${clean(w.writeRtoSeconds)} s`],
          ['Failed writes before the switch', outcomes(w.beforeSwitch)],
          ['Switch → first write from the secondary', w.switchSeconds === null ? '—' : `${clean(w.switchSeconds)} s`],
          ['Failed writes during the switch back', outcomes(w.duringSwitchBack)],
          ['Writes that reached the primary after the switch (split brain)', clean(w.splitBrainWrites)],
        ],
      ),
    );
    out.push(
      list(
        w.switches.map((sw) => [
          `Switch to the ${clean(sw.to)} after ${clean(sw.delaySeconds)} s (`,
          sw.delayBasis,
          sw.observedAt === undefined
            ? '); never observed.'
            : `); observed ${clean(((sw.observedAt - sw.requestedAt) / 1000).toFixed(3))} s later.`,
        ]),
      ),
    );
  }

  if (run.alarms) out.push(...alarmsSection(run.alarms));

  out.push(heading(3, 'Phases'));
  const phaseRows = run.phases.map((p): Inline[] => {
    const pm = m.phases.find((x) => x.phase === p.name);
    const dur = `${((p.endedAt - p.startedAt) / 1000).toFixed(2)} s`;
    const status = `${icon(p.status === 'passed' || p.status === 'failed' || p.status === 'skipped' ? p.status : 'aborted')} ${clean(p.status)}`;
    const title = PHASE_TITLES[p.name] ?? clean(p.name);
    if (!pm) return [title, status, dur, '', '', '', '', ''];
    const l = pm.latency;
    const lat = l.count === 0 ? '—' : `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.maxMs)}`;
    const writes = pm.writes.probes === 0 ? '—' : `${pm.writes.probes - pm.writes.errors} / ${pm.writes.probes}${codes(pm.writes)}`;
    return [
      title,
      status,
      dur,
      String(pm.viewerGets.probes),
      `${pm.viewerGets.errors}${codes(pm.viewerGets)}`,
      lat,
      `${pm.servedBy.primary} / ${pm.servedBy.secondary}${pm.servedBy.unknown ? ` (+${pm.servedBy.unknown} unknown)` : ''}`,
      writes,
    ];
  });
  out.push(
    table(
      [
        'Phase',
        'Status',
        'Duration',
        'Edge GETs',
        'Errors (codes)',
        'Latency p50 / p95 / max',
        'Served by primary / secondary',
        'Writes ok / sent',
      ],
      phaseRows,
    ),
  );

  const notes: Inline[][] = [];
  if (m.attribution.elimination > 0) {
    notes.push([
      `⚠️ ${m.attribution.elimination} response(s) had no usable `,
      code(run.endpoints?.servedByHeader ?? 'served-by'),
      ' header and were attributed by elimination from the direct probes.',
    ]);
  }
  if (m.attribution.unattributed > 0)
    notes.push([`⚠️ ${m.attribution.unattributed} successful response(s) could not be attributed to an origin.`]);
  if (m.steady.secondaryServed > 0) notes.push([`⚠️ The secondary served ${m.steady.secondaryServed} edge GET(s) sent and answered during steady state.`]);
  if (run.settings.probe.writeRateHz > 0 && !run.writes) {
    notes.push([
      'Write probes (POST ',
      ...(run.endpoints?.writePath !== undefined ? [code(run.endpoints.writePath)] : []),
      `) do not fail over: ${m.totals.writes.errors} of ${m.totals.writes.probes} failed${codes(m.totals.writes)}.`,
    ]);
  }
  if ((run.probeStats?.skippedTicks ?? 0) > 0)
    notes.push([`${run.probeStats!.skippedTicks} probe tick(s) were skipped because too many probes were in flight.`]);
  if (run.abort) {
    const during = PHASE_TITLES[run.abort.phase]?.toLowerCase() ?? clean(run.abort.phase);
    notes.push([`⛔ Aborted (${clean(run.abort.cause)}) during ${during}: `, run.abort.reason]);
  }
  notes.push([
    `Teardown: ${run.teardown.ok ? '✅' : '❌'} `,
    run.teardown.detail,
    run.primaryResumed === null ? '' : run.primaryResumed ? '; the primary was resumed.' : '; ❌ the primary was NOT resumed.',
  ]);
  out.push(heading(3, 'Notes'), list(notes));

  if (options.files && options.files.length > 0) {
    out.push(para('Reports: ', ...options.files.flatMap((f, i) => [...(i > 0 ? [', '] : []), code(f)])));
  }
  return out;
}

function transitionRow(name: string, t: TransitionMeasurement, t0: number): Inline[] {
  const at = (x: number | null) => (x === null ? '—' : `+${((x - t0) / 1000).toFixed(3)} s`);
  const time =
    t.seconds === null ? (t.observed ? 'not measurable' : 'not observed') : `${t.seconds.toFixed(3)} s${t.early ? ' (early)' : ''}`;
  return [name, time, at(t.originChangedAt), at(t.edgeSwitchedAt), String(t.flaps), t.notes.join(' ')];
}

function codes(s: ErrorStats): string {
  const entries = Object.entries(s.codes);
  return entries.length === 0 ? '' : ` (${entries.map(([c, n]) => `${clean(c)}×${clean(n)}`).join(', ')})`;
}

function ms(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)} ms`;
}

/** The alarm phase: each asserted alarm's detection and clearing against its bound (history timestamps), its actions, and the guards. */
function alarmsSection(a: AlarmsReport): RootContent[] {
  const wait = (w: AlarmWait | undefined): string =>
    w === undefined ? 'not waited for' : w.seconds === null ? `not within ${clean(w.boundSeconds)} s` : `${clean(w.seconds.toFixed(1))} s (bound ${clean(w.boundSeconds)} s)`;
  const rows = a.results.map((r): Inline[][] => [
    [code(r.name)],
    [clean(r.region)],
    [wait(r.detect)],
    [wait(r.clear)],
    [r.notifiesSns ? 'SNS' : r.alarmActions.length ? clean(r.alarmActions.join(', ')) : 'none'],
  ]);
  const s = a.stoppedBy;
  const guard: Inline[] = s
    ? [strong('Stopped by a guard alarm: '), code(s.name), ` (${clean(s.region)}): ${clean(s.reason)}; the fault was ended at once.`]
    : [`No guard alarm (${clean(a.guards.map((g) => g.name).join(', ') || 'none found')}) was ALARM while the primary was faulted.`];
  return [
    heading(3, `Alarms (${a.plan.mode === 'assert' ? 'asserted' : 'observed'})`),
    table(['Alarm', 'Region', 'Injection → ALARM', 'Recovery → OK', 'ALARM action'], rows),
    para("Times are the alarms' own history timestamps (StateUpdate items). ", ...guard),
  ];
}
