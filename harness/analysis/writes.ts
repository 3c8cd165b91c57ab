/**
 * Writes under the write router: how writes fared while the primary was down and the router
 * had not switched yet, the write RTO (outage → first write served by the secondary), writes
 * during the switch back, and writes that reached the primary after the switch (split brain).
 * Pure: the timeline and the switch records in, measurements and assertions out.
 */
import { attribute } from './attribution.js';
import { completedAt, isSuccess, outcomeCode, phaseOf, type Role, type Timeline } from './timeline.js';
import type { Assertion, Verdict } from './verdict.js';

/** One switch of the region that serves writes, as the drill made it. */
export interface WriteSwitchRecord {
  readonly to: Role;
  /** Epoch ms: when the drill asked for the switch (after the modelled detection delay, if any). */
  readonly requestedAt: number;
  /** Epoch ms: when the edge was seen serving writes from `to`; absent when it never was. */
  readonly observedAt?: number;
  /** Seconds the switch waited before it was requested, and what that wait stands for. */
  readonly delaySeconds: number;
  readonly delayBasis: string;
}

export interface WriteThresholds {
  /** Longest acceptable write RTO, in seconds. @default 120 */
  readonly maxWriteRtoSeconds: number;
  /** Most writes that may reach the primary after the switch to the secondary. @default 0 */
  readonly maxSplitBrainWrites: number;
  /** Most failed writes acceptable during the switch back. @default 0 */
  readonly maxSwitchBackWriteErrors: number;
}

export const DEFAULT_WRITE_THRESHOLDS: WriteThresholds = {
  maxWriteRtoSeconds: 120,
  maxSplitBrainWrites: 0,
  maxSwitchBackWriteErrors: 0,
};

export interface WriteCounts {
  readonly writes: number;
  readonly errors: number;
  /** Outcome (status or error) → count, failures only. */
  readonly codes: Readonly<Record<string, number>>;
}

export interface WriteMeasurements {
  /** Writes sent between the outage's start and the switch to the secondary being observed. */
  readonly beforeSwitch: WriteCounts;
  /** Outage start → the first 2xx write served by the secondary, in seconds; null when none was. */
  readonly writeRtoSeconds: number | null;
  /** Switch requested → observed, in seconds (KeyValueStore propagation plus the wait's polling). */
  readonly switchSeconds: number | null;
  /** Writes sent from the switch back being requested until it was observed. */
  readonly duringSwitchBack: WriteCounts;
  /** Writes sent after the switch to the secondary was observed, and answered by the primary before the switch back was requested. */
  readonly splitBrainWrites: number;
  readonly switches: readonly WriteSwitchRecord[];
}

function counts(probes: readonly { status?: number; error?: string }[]): WriteCounts {
  // A Map, not an object: an outcome is an error text, and "constructor" or "__proto__" must count as themselves.
  const codes = new Map<string, number>();
  let errors = 0;
  for (const p of probes) {
    if (isSuccess(p as never)) continue;
    errors++;
    const c = outcomeCode(p as never);
    codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  return { writes: probes.length, errors, codes: Object.fromEntries(codes) };
}

export function measureWrites(timeline: Timeline, switches: readonly WriteSwitchRecord[]): WriteMeasurements {
  const writes = attribute(timeline.probes.filter((p) => p.kind === 'write' && !p.cancelled)).sort((a, b) => a.sentAt - b.sentAt);
  const outageStart = phaseOf(timeline, 'inject')?.startedAt;
  const toSecondary = switches.find((s) => s.to === 'secondary');
  const back = toSecondary ? switches.find((s) => s.to === 'primary' && s.requestedAt >= toSecondary.requestedAt) : undefined;
  const end = (t: number | undefined) => t ?? Number.POSITIVE_INFINITY;

  const beforeSwitch =
    outageStart === undefined
      ? counts([])
      : counts(writes.filter((p) => p.sentAt >= outageStart && p.sentAt < end(toSecondary?.observedAt)));
  const firstFromSecondary =
    outageStart === undefined ? undefined : writes.find((p) => p.sentAt >= outageStart && isSuccess(p) && p.servedBy === 'secondary');
  const splitFrom = toSecondary?.observedAt;
  const splitBrainWrites =
    splitFrom === undefined
      ? 0
      : // Answered before the switch back was requested: a write still in flight when it was may
        // have been routed after the key changed, so it is not counted against the router.
        writes.filter((p) => p.sentAt >= splitFrom && completedAt(p) < end(back?.requestedAt) && p.servedBy === 'primary').length;
  const duringSwitchBack = back
    ? counts(writes.filter((p) => p.sentAt >= back.requestedAt && p.sentAt < end(back.observedAt)))
    : counts([]);
  return {
    beforeSwitch,
    writeRtoSeconds:
      outageStart === undefined || firstFromSecondary === undefined ? null : round3((completedAt(firstFromSecondary) - outageStart) / 1000),
    switchSeconds: toSecondary?.observedAt === undefined ? null : round3((toSecondary.observedAt - toSecondary.requestedAt) / 1000),
    duringSwitchBack,
    splitBrainWrites,
    switches,
  };
}

export type WriteAssertionId = 'write-rto' | 'split-brain-writes' | 'switch-back-write-errors';

/** The write assertions; they join the verdict's list when the drill ran the router. */
export function judgeWrites(m: WriteMeasurements, t: WriteThresholds): Assertion[] {
  const check = (
    id: WriteAssertionId,
    title: string,
    measured: number | null,
    threshold: number,
    unit: 's' | 'errors' | 'probes',
    detail: string,
  ) => {
    const pass = measured !== null && measured <= threshold;
    return {
      id,
      title,
      status: pass ? ('passed' as const) : ('failed' as const),
      measured,
      threshold,
      comparison: '<=' as const,
      unit,
      message: `${detail}; measured ${measured ?? 'nothing'}${unit === 's' && measured !== null ? ' s' : ''}, threshold at most ${threshold}${unit === 's' ? ' s' : ` ${unit}`}`,
    };
  };
  const codes = (c: WriteCounts) =>
    Object.entries(c.codes)
      .map(([k, n]) => `${k}×${n}`)
      .join(', ');
  return [
    check(
      'write-rto',
      `Write RTO at most ${t.maxWriteRtoSeconds} s`,
      m.writeRtoSeconds,
      t.maxWriteRtoSeconds,
      's',
      m.writeRtoSeconds === null
        ? 'no write was served by the secondary after the outage began'
        : `first write from the secondary ${m.writeRtoSeconds} s after the outage began (${m.beforeSwitch.errors} of ${m.beforeSwitch.writes} writes failed before the switch${codes(m.beforeSwitch) ? `: ${codes(m.beforeSwitch)}` : ''})`,
    ),
    check(
      'split-brain-writes',
      `Writes reaching the primary after the switch at most ${t.maxSplitBrainWrites}`,
      m.splitBrainWrites,
      t.maxSplitBrainWrites,
      'probes',
      `${m.splitBrainWrites} writes reached the primary after the switch to the secondary`,
    ),
    check(
      'switch-back-write-errors',
      `Write errors during the switch back at most ${t.maxSwitchBackWriteErrors}`,
      m.duringSwitchBack.errors,
      t.maxSwitchBackWriteErrors,
      'errors',
      `${m.duringSwitchBack.errors} of ${m.duringSwitchBack.writes} writes failed during the switch back${codes(m.duringSwitchBack) ? ` (${codes(m.duringSwitchBack)})` : ''}`,
    ),
  ];
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** What run.json keeps about writes under the router. */
export interface WriteReport {
  readonly thresholds: WriteThresholds;
  readonly measurements: WriteMeasurements;
}

/** The verdict with the write assertions added: a failed one fails a run that had passed. */
export function withWriteAssertions(verdict: Verdict, report: WriteReport): Verdict {
  const added = judgeWrites(report.measurements, report.thresholds);
  const assertions = [...verdict.assertions, ...added];
  if (verdict.outcome === 'aborted') return { ...verdict, assertions };
  const failed = added.filter((a) => a.status === 'failed');
  if (failed.length > 0) {
    const why = failed.map((a) => a.message).join('; ');
    return verdict.outcome === 'failed'
      ? { ...verdict, assertions, summary: `${verdict.summary}; ${why}` }
      : { outcome: 'failed', exitCode: 1, assertions, summary: `FAILED: ${why}` };
  }
  const m = report.measurements;
  const line = `write RTO ${m.writeRtoSeconds} s (${m.beforeSwitch.errors} write errors before the switch), ${m.splitBrainWrites} split-brain writes`;
  const [first, ...rest] = verdict.summary.split('\n');
  return { ...verdict, assertions, summary: [`${first}, ${line}`, ...rest].join('\n') };
}
