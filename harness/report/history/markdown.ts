/**
 * history.md: the newest run and what changed, regressions, flakes and failures, the last runs as
 * a table, and the files skipped. Built as mdast (`../mdast.ts`): every value from a run file is
 * escaped text or inline code.
 */
import type { RootContent } from 'mdast';
import { code, heading, type Inline, list, para, serialize, strong, table } from '../mdast.js';
import { figure, FIGURES, type HistoryAnalysis, type HistoryRun, type Regression } from './analyse.js';

const ICON: Readonly<Record<string, string>> = { passed: '✅', failed: '❌', stopped: '⏹️', aborted: '⛔' };

export interface HistoryMarkdownOptions {
  /** Runs in the table, newest first. @default 20 */
  readonly last?: number;
}

export function renderHistoryMarkdown(a: HistoryAnalysis, options: HistoryMarkdownOptions = {}): string {
  const last = options.last ?? 20;
  const out: RootContent[] = [];
  const byId = new Map(a.runs.map((r) => [r.runId, r]));
  out.push(heading(2, `DR drill history: ${a.runs.length} runs, ${a.groups.length} fingerprints`));
  out.push(
    para(
      `${a.regressions.length} regressions, ${a.counts.flakes} flakes, ${a.counts.persistent} persistent failures, ${a.counts.unresolved} unresolved failures`,
      a.skipped.length > 0 ? `; ${a.skipped.length} files skipped (listed below).` : '.',
    ),
  );

  out.push(heading(3, 'What changed'));
  out.push(list(changes(a, byId)));

  const recent = new Set(a.runs.slice(-last).map((r) => r.runId));
  const shown = a.regressions.filter((g) => recent.has(g.runId));
  out.push(heading(3, `Regressions in the last ${Math.min(last, a.runs.length)} runs`));
  if (shown.length === 0) out.push(para('None.'));
  else
    out.push(
      table(
        ['Run', 'Figure', 'Value', 'Baseline (median)', 'Tolerance', 'Worse by', 'Compared to'],
        [...shown].reverse().map((g) => [
          code(g.runId),
          figure(g.figure).title,
          value(g.figure, g.value),
          value(g.figure, g.baseline),
          value(g.figure, g.tolerance),
          `+${value(g.figure, g.worseBy)}`,
          `${g.comparedTo.length} runs (${g.comparedTo[0]} … ${g.comparedTo[g.comparedTo.length - 1]})`,
        ]),
      ),
    );

  out.push(heading(3, 'Flakes and failures'));
  const streaks = a.failures.filter((f) => f.runIds.some((id) => recent.has(id)));
  if (streaks.length === 0) out.push(para('No failures in these runs.'));
  else
    out.push(
      table(
        ['Kind', 'Failed runs', 'Assertions', 'Passed again in'],
        [...streaks].reverse().map((f) => [
          f.kind,
          f.runIds.length === 1 ? [code(f.runIds[0]!)] : [code(f.runIds[0]!), ` … `, code(f.runIds[f.runIds.length - 1]!), ` (${f.runIds.length})`],
          f.assertions.join(', ') || '—',
          f.passedBy ? code(f.passedBy) : '—',
        ]),
      ),
    );

  out.push(heading(3, `Last ${Math.min(last, a.runs.length)} runs`));
  const flagged = new Map<string, Regression[]>();
  for (const g of a.regressions) flagged.set(g.runId, [...(flagged.get(g.runId) ?? []), g]);
  const figures = FIGURES.filter((f) => a.runs.some((r) => r.figures[f.id] !== undefined));
  out.push(
    table(
      ['Started', 'Run', 'Outcome', ...figures.map((f) => `${f.title} (${f.unit})`), 'Fingerprint', 'Regressed'],
      a.runs
        .slice(-last)
        .reverse()
        .map((r) => [
          r.startedAt,
          code(r.runId),
          `${ICON[r.outcome] ?? ''} ${r.outcome}`,
          ...figures.map((f) => (r.figures[f.id] === undefined ? '—' : String(r.figures[f.id]))),
          code(r.fingerprint ? r.group : 'none'),
          (flagged.get(r.runId) ?? []).map((g) => `${figure(g.figure).title} +${value(g.figure, g.worseBy)}`).join(', ') || '—',
        ]),
    ),
  );

  if (a.skipped.length > 0) {
    out.push(heading(3, 'Skipped files'));
    out.push(list(a.skipped.map((s) => [code(s.source), ': ', s.reason])));
  }
  return serialize(out);
}

function changes(a: HistoryAnalysis, byId: ReadonlyMap<string, HistoryRun>): Inline[][] {
  const items: Inline[][] = [];
  const n = a.newest;
  if (!n) return [['No runs.']];
  const newest = byId.get(n.runId)!;
  items.push([`Newest run `, code(n.runId), ` (${newest.startedAt}, `, code(newest.target), `, fault `, code(newest.fault), `): ${ICON[newest.outcome] ?? ''} ${newest.outcome}.`]);
  if (n.regressions.length === 0) items.push(['No figure of the newest run regressed.']);
  for (const g of n.regressions)
    items.push([strong(`${figure(g.figure).title} regressed`), `: ${value(g.figure, g.value)}, worse than the median ${value(g.figure, g.baseline)} of ${g.comparedTo.length} comparable runs by ${value(g.figure, g.worseBy)} (tolerance ${value(g.figure, g.tolerance)}).`]);
  if (n.previousRunId !== undefined) {
    if (n.fingerprintChanges.length === 0) items.push(['Same fingerprint as the previous run of this target and fault, ', code(n.previousRunId), '.']);
    else
      items.push([
        'Fingerprint changed since ',
        code(n.previousRunId),
        ': ',
        ...n.fingerprintChanges.flatMap((c, i): Inline[] => [...(i > 0 ? ['; '] : []), code(c.field), ' ', code(JSON.stringify(c.before) ?? 'absent'), ' → ', code(JSON.stringify(c.after) ?? 'absent')]),
        ' (a new baseline starts).',
      ]);
  }
  for (const s of a.shifts) {
    if (s.after === s.before) continue;
    const f = figure(s.figure);
    const label = a.groups.find((g) => g.id === s.group)?.label ?? s.group;
    items.push([`${f.title}: median ${value(s.figure, s.before)} → ${value(s.figure, s.after)} over the last ${s.runsAfter} runs of `, code(label), '.']);
  }
  return items;
}

function value(id: string, v: number): string {
  const f = FIGURES.find((x) => x.id === id);
  const rounded = Math.round(v * 1000) / 1000;
  return f?.unit === 's' ? `${rounded} s` : String(rounded);
}
