/**
 * Finishing a run from its journal: resume what was paused, destroy what an ephemeral run
 * applied, sweep for leftovers. Teardown (aws-target.ts) and `recover` (recover.ts) both end
 * a run through finishRun, so a crashed run is finished exactly as a clean one would be.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsCli, TaggedResource } from './aws-cli.js';
import { type ResolvedWaits, type ServiceRef, waitForServiceStatus } from './app-runner.js';
import { AwsTargetError } from './errors.js';
import { type Journal, type JournalService, manualRecoverySteps, writeJournal } from './journal.js';
import { matchError } from './retry.js';
import type { Terraform } from './terraform.js';

import { RUN_ID_TAG } from '../../../stacks/contract.js';
export { RUN_ID_TAG };

export interface FinishContext {
  readonly cli: AwsCli;
  readonly terraform: Terraform;
  readonly stateDir: string;
  readonly waits: ResolvedWaits;
  /** How long to wait before re-checking leftovers the tagging API still lists (it lags deletions). */
  readonly leakSettleMs: number;
  readonly signal: AbortSignal;
  readonly log?: (message: string) => void;
}

export interface FinishResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly leaks: readonly TaggedResource[];
}

export function recordEvent(j: Journal, what: string): void {
  j.events.push({ at: new Date().toISOString(), what });
}

/** Brings a service back to RUNNING, resuming it if it is PAUSED. */
export async function ensureRunning(
  ctx: Pick<FinishContext, 'cli' | 'waits' | 'signal' | 'log'>,
  s: ServiceRef,
  recovery: string,
): Promise<'was-running' | 'resumed'> {
  const wait = (want: ('RUNNING' | 'PAUSED')[]) =>
    waitForServiceStatus(ctx.cli, s, want, { waits: ctx.waits, signal: ctx.signal, log: ctx.log, recovery });
  let status = (await ctx.cli.describeService(s.serviceArn, s.region, ctx.signal)).status;
  if (status === 'OPERATION_IN_PROGRESS') {
    ctx.log?.(`the ${s.role} service has an operation in progress; waiting for it to finish`);
    status = (await wait(['RUNNING', 'PAUSED'])).status;
  }
  if (status === 'RUNNING') return 'was-running';
  if (status !== 'PAUSED')
    throw new AwsTargetError('external', `The ${s.role} App Runner service ${s.serviceArn} is ${status}; it cannot be resumed`, {
      recovery,
    });
  ctx.log?.(`resuming the ${s.role} service ${s.serviceArn}`);
  try {
    await ctx.cli.resumeService(s.serviceArn, s.region, ctx.signal);
  } catch (error) {
    // Another resume may have started since the describe; waiting covers that case.
    if (!matchError(error, [{ pattern: /InvalidStateException/, reason: 'an operation is already running' }])) throw error;
  }
  await wait(['RUNNING']);
  return 'resumed';
}

function recoveryFor(j: Journal): string {
  return manualRecoverySteps(j);
}

/** Sweeps every region of the run for resources still tagged with its run id. */
export async function sweepLeaks(cli: AwsCli, regions: readonly string[], runId: string, signal: AbortSignal): Promise<TaggedResource[]> {
  const found: TaggedResource[] = [];
  for (const region of [...new Set(regions)]) found.push(...(await cli.getResources(region, { [RUN_ID_TAG]: runId }, signal)));
  return found;
}

/**
 * Finishes a run: resumes every service the journal says is paused, destroys an ephemeral
 * stack, sweeps for leaks, and marks the journal finished when nothing is left to do.
 * Never throws for a failed step: the result says what failed and how to finish by hand.
 */
export async function finishRun(j: Journal, ctx: FinishContext): Promise<FinishResult> {
  const notes: string[] = [];
  let ok = true;
  let leaks: TaggedResource[] = [];
  const save = () => writeJournal(ctx.stateDir, j);

  for (const s of [...j.paused] as JournalService[]) {
    try {
      const how = await ensureRunning(ctx, s, recoveryFor(j));
      j.paused = j.paused.filter((p) => p.serviceArn !== s.serviceArn);
      recordEvent(j, `${s.role} ${how === 'resumed' ? 'resumed' : 'found RUNNING'}`);
      notes.push(how === 'resumed' ? `Resumed the ${s.role} service (${s.serviceArn}).` : `The ${s.role} service was already RUNNING.`);
    } catch (error) {
      ok = false;
      recordEvent(j, `resume of ${s.role} failed: ${firstLine(error)}`);
      notes.push(`Could not resume the ${s.role} service (${s.serviceArn}): ${firstLine(error)}`);
    }
    await save();
  }

  if (j.mode === 'ephemeral' && j.applyStarted && !j.destroyed) {
    try {
      ctx.log?.(`destroying the ephemeral stack in ${j.stackDir}`);
      await ctx.terraform.destroy(ctx.signal);
      j.destroyed = true;
      if (j.paused.length > 0) notes.push('The services that could not be resumed were destroyed with the stack.');
      j.paused = [];
      recordEvent(j, 'destroyed');
      notes.push(`Destroyed the ephemeral stack (terraform destroy in ${j.stackDir}).`);
    } catch (error) {
      ok = false;
      recordEvent(j, `destroy failed: ${firstLine(error)}`);
      notes.push(`terraform destroy failed: ${firstLine(error)}`);
    }
    await save();
    if (j.destroyed) {
      const regions = j.regions;
      try {
        leaks = await sweepLeaks(ctx.cli, regions, j.runId, ctx.signal);
        if (leaks.length > 0 && ctx.leakSettleMs > 0) {
          ctx.log?.(`the tagging API still lists ${leaks.length} resources of this run; checking again in ${ctx.leakSettleMs} ms`);
          await sleep(ctx.leakSettleMs, undefined, { signal: ctx.signal });
          leaks = await sweepLeaks(ctx.cli, regions, j.runId, ctx.signal);
        }
        j.leaks = leaks.map((l) => l.arn);
        recordEvent(j, `leak sweep: ${leaks.length} left`);
        if (leaks.length > 0) {
          ok = false;
          notes.push(
            `Leak sweep: ${leaks.length} resources are still tagged ${RUN_ID_TAG}=${j.runId} after destroy; delete them by hand:\n${leaks.map((l) => `  ${l.arn}`).join('\n')}\n` +
              `  (list them with: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${j.runId} --region <region>, for ${regions.join(', ')})`,
          );
        } else {
          notes.push(`Leak sweep: nothing is left tagged ${RUN_ID_TAG}=${j.runId} in ${regions.join(', ')}.`);
        }
      } catch (error) {
        ok = false;
        recordEvent(j, `leak sweep failed: ${firstLine(error)}`);
        notes.push(
          `The leak sweep could not run (${firstLine(error)}); check by hand: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${j.runId} --region <region>, for ${regions.join(', ')}`,
        );
      }
    }
  }

  const owed = j.paused.length > 0 || (j.mode === 'ephemeral' && j.applyStarted && !j.destroyed);
  if (!owed) {
    j.finishedAt = new Date().toISOString();
    recordEvent(j, 'finished');
  } else {
    notes.push(`The run journal stays open. To recover:\n${recoveryFor(j)}`);
  }
  await save();
  if (notes.length === 0)
    notes.push(j.mode === 'existing' ? 'Nothing to undo: the stack is left as it was found.' : 'Nothing was applied.');
  return { ok, detail: notes.join('\n'), leaks };
}

function firstLine(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  const lines = m.split('\n').filter((l) => l.trim() !== '');
  // A command error's first line is the command; its last stderr line is usually the cause.
  return lines.length > 1 ? `${lines[0]} -- ${lines[lines.length - 1]!.trim()}` : (lines[0] ?? '');
}
