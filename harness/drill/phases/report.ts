/** Report: the target's observations, the run record, and the reports written from it. */
import { now } from '../../probe/prober.js';
import { toRunRecord, type RunContext } from '../../report/to-run-record.js';
import type { RunRecord } from '../../report/run-record.js';
import { messageOf } from '../cleanup.js';
import type { DrillContext } from './phase.js';

/** Reads the target's observations into the state; a target that cannot is noted, not fatal. */
export function collectObservations(ctx: DrillContext): void {
  const { target, state } = ctx;
  if (!target.observations) return;
  try {
    state.observations = [...target.observations()];
  } catch (err) {
    state.observations = [{ kind: 'note', at: now(), message: `the target's observations could not be read: ${messageOf(err)}` }];
  }
}

export async function runReport(
  ctx: DrillContext,
  context: RunContext,
  writeReports: (run: RunRecord) => Promise<void>,
): Promise<RunRecord> {
  collectObservations(ctx);
  const reportStartedAt = now();
  ctx.state.current = 'report';
  const record = toRunRecord(ctx.state, ctx.settings, { ...context, reportStartedAt, endedAt: now() });
  await ctx.progress.phase('report', async () => {
    await writeReports(record);
    // A FAILED or ABORTED verdict is shown as a failed step, never with a success mark.
    return { value: undefined, summary: record.verdict.summary.split('\n')[0], failed: record.verdict.outcome !== 'passed' };
  });
  return record;
}
