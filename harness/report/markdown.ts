/**
 * summary.md: the verdict, the assertions, per-phase numbers and the notes, ready for a CI
 * job summary ($GITHUB_STEP_SUMMARY).
 */
import type { ErrorStats, TransitionMeasurement } from '../analysis/measure.js';
import { PHASE_TITLES } from '../analysis/timeline.js';
import type { RunRecord } from './run-record.js';

export interface MarkdownOptions {
  /** File names of the other reports, linked from the summary. */
  readonly files?: readonly string[];
}

const ICON = { passed: '✅', failed: '❌', skipped: '⏭️', aborted: '⛔' } as const;

export function renderMarkdown(run: RunRecord, options: MarkdownOptions = {}): string {
  const v = run.verdict;
  const m = run.measurements;
  const out: string[] = [];
  out.push(`## DR drill ${ICON[v.outcome]} ${v.outcome.toUpperCase()} (${run.target})`);
  out.push('');
  out.push(`${esc(v.summary)}`);
  out.push('');
  out.push(
    `Run \`${run.runId}\`, ${run.startedAt} → ${run.endedAt}, fault \`${run.settings.fault}\`, exit code ${run.exitCode}.` +
      (run.endpoints ? ` Edge ${run.endpoints.edgeUrl}.` : ''),
  );
  out.push('');
  out.push('| Assertion | Result | Measured | Threshold |');
  out.push('|---|---|---|---|');
  for (const a of v.assertions) {
    const unit = a.unit === 's' ? ' s' : ` ${a.unit}`;
    out.push(
      `| ${esc(a.title)} | ${ICON[a.status]} ${a.status} | ${a.measured === null ? '—' : `${a.measured}${unit}`} | ${a.comparison} ${a.threshold}${unit} |`,
    );
  }
  const failing = v.assertions.filter((a) => a.status !== 'passed');
  if (failing.length > 0) {
    out.push('');
    for (const a of failing) out.push(`- **${esc(a.title)}**: ${esc(a.message)}`);
  }

  out.push('', '### Failover and failback', '');
  out.push('| | Time | Origin changed (direct probes) | Edge switched | Flaps | Notes |');
  out.push('|---|---|---|---|---|---|');
  const t0 = Date.parse(run.startedAt);
  out.push(transitionRow('Failover', m.failover, t0));
  out.push(transitionRow('Failback', m.failback, t0));

  out.push('', '### Phases', '');
  out.push(
    '| Phase | Status | Duration | Edge GETs | Errors (codes) | Latency p50 / p95 / max | Served by primary / secondary | Writes ok / sent |',
  );
  out.push('|---|---|---|---|---|---|---|---|');
  for (const p of run.phases) {
    const pm = m.phases.find((x) => x.phase === p.name);
    const dur = `${((p.endedAt - p.startedAt) / 1000).toFixed(2)} s`;
    const status = `${ICON[p.status === 'passed' ? 'passed' : p.status === 'failed' ? 'failed' : p.status === 'skipped' ? 'skipped' : 'aborted']} ${p.status}`;
    if (!pm) {
      out.push(`| ${PHASE_TITLES[p.name]} | ${status} | ${dur} | | | | | |`);
      continue;
    }
    const l = pm.latency;
    const lat = l.count === 0 ? '—' : `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.maxMs)}`;
    const writes = pm.writes.probes === 0 ? '—' : `${pm.writes.probes - pm.writes.errors} / ${pm.writes.probes}${codes(pm.writes)}`;
    out.push(
      `| ${PHASE_TITLES[p.name]} | ${status} | ${dur} | ${pm.viewerGets.probes} | ${pm.viewerGets.errors}${codes(pm.viewerGets)} | ${lat} | ${pm.servedBy.primary} / ${pm.servedBy.secondary}${pm.servedBy.unknown ? ` (+${pm.servedBy.unknown} unknown)` : ''} | ${writes} |`,
    );
  }

  const notes: string[] = [];
  if (m.attribution.elimination > 0) {
    notes.push(
      `⚠️ ${m.attribution.elimination} response(s) had no usable \`${run.endpoints?.servedByHeader ?? 'served-by'}\` header and were attributed by elimination from the direct probes.`,
    );
  }
  if (m.attribution.unattributed > 0)
    notes.push(`⚠️ ${m.attribution.unattributed} successful response(s) could not be attributed to an origin.`);
  if (m.steady.secondaryServed > 0) notes.push(`⚠️ The secondary served ${m.steady.secondaryServed} edge GET(s) during steady state.`);
  if (run.settings.probe.writeRateHz > 0) {
    notes.push(
      `Write probes (POST ${run.endpoints?.writePath ?? ''}) do not fail over: ${m.totals.writes.errors} of ${m.totals.writes.probes} failed${codes(m.totals.writes)}.`,
    );
  }
  if ((run.probeStats?.skippedTicks ?? 0) > 0)
    notes.push(`${run.probeStats!.skippedTicks} probe tick(s) were skipped because too many probes were in flight.`);
  if (run.abort)
    notes.push(`⛔ Aborted (${run.abort.cause}) during ${PHASE_TITLES[run.abort.phase].toLowerCase()}: ${esc(run.abort.reason)}`);
  notes.push(
    `Teardown: ${run.teardown.ok ? '✅' : '❌'} ${esc(run.teardown.detail)}` +
      (run.primaryResumed === null ? '' : run.primaryResumed ? '; the primary was resumed.' : '; ❌ the primary was NOT resumed.'),
  );
  out.push('', '### Notes', '');
  for (const n of notes) out.push(`- ${n}`);

  if (options.files && options.files.length > 0) {
    out.push('', `Reports: ${options.files.map((f) => `\`${f}\``).join(', ')}`);
  }
  out.push('');
  return out.join('\n');
}

function transitionRow(name: string, t: TransitionMeasurement, t0: number): string {
  const at = (x: number | null) => (x === null ? '—' : `+${((x - t0) / 1000).toFixed(3)} s`);
  const time =
    t.seconds === null ? (t.observed ? 'not measurable' : 'not observed') : `${t.seconds.toFixed(3)} s${t.early ? ' (early)' : ''}`;
  return `| ${name} | ${time} | ${at(t.originChangedAt)} | ${at(t.edgeSwitchedAt)} | ${t.flaps} | ${esc(t.notes.join(' '))} |`;
}

function codes(s: ErrorStats): string {
  const entries = Object.entries(s.codes);
  return entries.length === 0 ? '' : ` (${entries.map(([c, n]) => `${c}×${n}`).join(', ')})`;
}

function ms(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)} ms`;
}

/** Escapes characters that break a Markdown table cell. */
function esc(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
