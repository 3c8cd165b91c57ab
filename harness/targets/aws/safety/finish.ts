/**
 * Finishing a run from its ledger: restore the listener rules it faulted, resume what was paused, destroy what is owed (an ephemeral
 * run's stack, or the stack `down` is destroying), sweep an ephemeral run's regions for
 * leftovers. Teardown (aws-target.ts), `down` and `recover` all end a run through finishRun, so
 * a crashed run is finished exactly as a clean one would be.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { restoreRule } from '../backends/alb-fault.js';
import type { AwsCli, TaggedResource } from '../tools/aws-cli.js';
import { type ResolvedWaits, type ServiceRef, waitForServiceStatus } from '../tools/waits.js';
import { AwsTargetError } from '../tools/errors.js';
import type { RunLedger } from './ledger.js';
import { matchError } from '../tools/retry.js';
import type { Terraform } from '../tools/terraform.js';

import { RUN_ID_TAG } from '../../../../stacks/contract.js';
export { RUN_ID_TAG };

export interface FinishContext {
  readonly cli: AwsCli;
  readonly terraform: Terraform;
  readonly waits: ResolvedWaits;
  /** How long to wait before re-checking leftovers the tagging API still lists (it lags deletions). */
  readonly leakSettleMs: number;
  readonly signal: AbortSignal;
  readonly log?: (message: string) => void;
  /** The way back's deadline (ms since the epoch), shared by every wait. @default each wait's own bound */
  readonly deadline?: number;
}

export interface FinishResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly leaks: readonly TaggedResource[];
}

/** Brings a service back to RUNNING, resuming it if it is PAUSED. */
export async function ensureRunning(
  ctx: Pick<FinishContext, 'cli' | 'waits' | 'signal' | 'log' | 'deadline'>,
  s: ServiceRef,
  recovery: string,
): Promise<'was-running' | 'resumed'> {
  const wait = (want: ('RUNNING' | 'PAUSED')[], operationId?: string) =>
    waitForServiceStatus(ctx.cli, s, want, {
      waits: ctx.waits,
      signal: ctx.signal,
      log: ctx.log,
      recovery,
      ...(ctx.deadline !== undefined ? { deadline: ctx.deadline } : {}),
      ...(operationId !== undefined ? { operationId } : {}),
    });
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
  let operationId: string | undefined;
  try {
    operationId = (await ctx.cli.resumeService(s.serviceArn, s.region, ctx.signal)).operationId;
  } catch (error) {
    // Another resume may have started since the describe; waiting covers that case.
    if (!matchError(error, [{ pattern: /InvalidStateException/, reason: 'an operation is already running' }])) throw error;
  }
  await wait(['RUNNING'], operationId);
  return 'resumed';
}

/** Sweeps every region of the run for resources still tagged with its run id. */
export async function sweepLeaks(cli: AwsCli, regions: readonly string[], runId: string, signal: AbortSignal): Promise<TaggedResource[]> {
  const found: TaggedResource[] = [];
  for (const region of [...new Set(regions)]) found.push(...(await cli.getResources(region, { [RUN_ID_TAG]: runId }, signal)));
  return found;
}

/**
 * Splits swept resources into leaks and KMS keys pending deletion. Destroying a KMS key only
 * schedules its deletion: the key stays, in state PendingDeletion, for the waiting period
 * (docs/aws-behaviour.md, "KMS keys pending deletion"), and keeps its tags. Such a key is the
 * one remnant a clean destroy leaves, so it is not a leak.
 */
export async function withoutKeysPendingDeletion(
  cli: AwsCli,
  found: readonly TaggedResource[],
  signal: AbortSignal,
): Promise<{ leaks: TaggedResource[]; pendingDeletion: TaggedResource[] }> {
  const leaks: TaggedResource[] = [];
  const pendingDeletion: TaggedResource[] = [];
  for (const r of found) {
    const key = /^arn:[^:]+:kms:([a-z0-9-]+):\d{12}:key\//.exec(r.arn);
    if (key) {
      const d = await cli.call<{ KeyMetadata?: { KeyState?: string } }>('kms', 'describe-key', ['--key-id', r.arn], key[1]!, signal);
      if (d.KeyMetadata?.KeyState === 'PendingDeletion') {
        pendingDeletion.push(r);
        continue;
      }
    }
    leaks.push(r);
  }
  return { leaks, pendingDeletion };
}

/**
 * Finishes a run: restores every listener rule the ledger says is faulted (ECS Express), resumes
 * every service it says is paused (App Runner), runs an owed destroy,
 * sweeps an ephemeral run's regions for leaks, and closes the journal when nothing is left to
 * do. Never throws for a failed step: the result says what failed and how to finish by hand.
 */
export async function finishRun(ledger: RunLedger, ctx: FinishContext): Promise<FinishResult> {
  const notes: string[] = [];
  let ok = true;
  let leaks: TaggedResource[] = [];

  // ECS Express: the listener rules' journaled original actions go back first (alb-fault.ts).
  for (const f of [...ledger.owedRuleFaults]) {
    try {
      await restoreRule(ctx.cli, f, ledger, ctx.signal);
      ctx.log?.(`restored the ${f.role} listener rule ${f.ruleArn}`);
      notes.push(`Restored the original actions of the ${f.role} listener rule (${f.ruleArn}).`);
    } catch (error) {
      ok = false;
      await ledger.failed(`restore of the ${f.role} listener rule failed: ${firstLine(error)}`);
      notes.push(`Could not restore the ${f.role} listener rule (${f.ruleArn}): ${firstLine(error)}`);
    }
  }

  for (const s of ledger.owedResumes) {
    try {
      const how = await ensureRunning(ctx, s, ledger.recoverySteps());
      await ledger.resumed(s, how === 'resumed' ? 'resumed' : 'found RUNNING');
      notes.push(how === 'resumed' ? `Resumed the ${s.role} service (${s.serviceArn}).` : `The ${s.role} service was already RUNNING.`);
    } catch (error) {
      ok = false;
      await ledger.failed(`resume of ${s.role} failed: ${firstLine(error)}`);
      notes.push(`Could not resume the ${s.role} service (${s.serviceArn}): ${firstLine(error)}`);
    }
  }

  const j = ledger.journal;
  if (ledger.owesDestroy) {
    try {
      ctx.log?.(`destroying the stack in ${j.stackDir}`);
      await ctx.terraform.destroy(ctx.signal);
      if (ledger.owedResumes.length > 0) notes.push('The services that could not be resumed were destroyed with the stack.');
      await ledger.destroyed();
      notes.push(
        j.mode === 'ephemeral'
          ? `Destroyed the ephemeral stack (terraform destroy in ${j.stackDir}).`
          : `Destroyed the stack (terraform destroy in ${j.stackDir}).`,
      );
    } catch (error) {
      ok = false;
      await ledger.failed(`destroy failed: ${firstLine(error)}`);
      notes.push(`terraform destroy failed: ${firstLine(error)}`);
    }
    if (ledger.journal.destroyed && j.mode === 'ephemeral') {
      const regions = j.regions;
      try {
        const sweep = async () => withoutKeysPendingDeletion(ctx.cli, await sweepLeaks(ctx.cli, regions, j.runId, ctx.signal), ctx.signal);
        let swept = await sweep();
        if (swept.leaks.length > 0 && ctx.leakSettleMs > 0) {
          ctx.log?.(`the tagging API still lists ${swept.leaks.length} resources of this run; checking again in ${ctx.leakSettleMs} ms`);
          await sleep(ctx.leakSettleMs, undefined, { signal: ctx.signal });
          swept = await sweep();
        }
        leaks = swept.leaks;
        if (swept.pendingDeletion.length > 0)
          notes.push(
            `KMS keys pending deletion (expected: AWS keeps a destroyed key for its waiting period): ${swept.pendingDeletion.map((k) => k.arn).join(', ')}.`,
          );
        await ledger.leakSweep(leaks.map((l) => l.arn));
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
        await ledger.failed(`leak sweep failed: ${firstLine(error)}`);
        notes.push(
          `The leak sweep could not run (${firstLine(error)}); check by hand: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${j.runId} --region <region>, for ${regions.join(', ')}`,
        );
      }
    }
  }

  if (!(await ledger.finish())) notes.push(`The run journal stays open. To recover:\n${ledger.recoverySteps()}`);
  if (notes.length === 0) {
    notes.push(
      j.mode === 'existing'
        ? 'Nothing to undo: the stack is left as it was found.'
        : j.mode === 'deploy'
          ? 'The stack stays deployed (`dr-drill down --target aws` destroys it).'
          : 'Nothing was applied.',
    );
  }
  return { ok, detail: notes.join('\n'), leaks };
}

function firstLine(error: unknown): string {
  const m = error instanceof Error ? error.message : String(error);
  const lines = m.split('\n').filter((l) => l.trim() !== '');
  // A command error's first line is the command; its last stderr line is usually the cause.
  return lines.length > 1 ? `${lines[0]} -- ${lines[lines.length - 1]!.trim()}` : (lines[0] ?? '');
}
