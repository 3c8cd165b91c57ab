/**
 * Finishing a run from its ledger: undo every fault it owes (each through the backend that made it:
 * resume a paused service, restore a listener rule), destroy what is owed (an ephemeral run's stack,
 * or the stack `down` is destroying), sweep an ephemeral run's regions for leftovers. Teardown (aws-target.ts), `down` and `recover` all end a run through finishRun, so
 * a crashed run is finished exactly as a clean one would be.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RUN_ID_TAG } from '../../../../stacks/contract.js';
import type { BackendRegistry } from '../backends/registry.js';
import { WayBack } from '../backends/service-backend.js';
import type { AwsCli } from '../tools/aws-cli.js';
import { firstLineOf } from '../tools/retry.js';
import type { Terraform } from '../tools/terraform.js';
import type { ResolvedWaits } from '../tools/waits.js';
import type { TaggedResource } from '../wire.js';
import type { RunLedger } from './ledger.js';

export interface FinishContext {
  readonly cli: AwsCli;
  readonly terraform: Terraform;
  readonly waits: ResolvedWaits;
  /** How long to wait before re-checking leftovers the tagging API still lists (it lags deletions). */
  readonly leakSettleMs: number;
  readonly signal: AbortSignal;
  readonly log?: (message: string) => void;
  /** The backends that undo the journaled faults. */
  readonly backends: BackendRegistry;
  /** The way back's deadline, shared with the run's own waits. @default a fresh one */
  readonly wayBack?: WayBack;
}

export interface FinishResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly leaks: readonly TaggedResource[];
}

/** Sweeps every region of the run for resources still tagged with its run id. */
async function sweepLeaks(cli: AwsCli, regions: readonly string[], runId: string, signal: AbortSignal): Promise<TaggedResource[]> {
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
async function withoutKeysPendingDeletion(
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

  const undo = { ...ctx, log: ctx.log ?? (() => {}), wayBack: ctx.wayBack ?? new WayBack(ctx.waits.serviceTransitionMs) };
  for (const f of ledger.owedFaults) {
    try {
      const note = await ctx.backends.get(f.backend, `the journal's fault backend`).undo(undo, f, ledger);
      ctx.log?.(note);
      notes.push(note);
    } catch (error) {
      ok = false;
      await ledger.failed(`undo of the ${f.backend} fault on the ${f.role} (${f.resource}) failed: ${firstLineOf(error)}`);
      notes.push(`Could not undo the fault on the ${f.role} (${f.resource}): ${firstLineOf(error)}`);
    }
  }

  const j = ledger.journal;
  if (ledger.owesDestroy) {
    try {
      ctx.log?.(`destroying the stack in ${j.stackDir}`);
      await ctx.terraform.destroy(ctx.signal);
      if (ledger.owedFaults.length > 0) notes.push('The faults that could not be undone were destroyed with the stack.');
      await ledger.destroyed();
      notes.push(
        j.mode === 'ephemeral'
          ? `Destroyed the ephemeral stack (terraform destroy in ${j.stackDir}).`
          : `Destroyed the stack (terraform destroy in ${j.stackDir}).`,
      );
    } catch (error) {
      ok = false;
      await ledger.failed(`destroy failed: ${firstLineOf(error)}`);
      notes.push(`terraform destroy failed: ${firstLineOf(error)}`);
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
        await ledger.failed(`leak sweep failed: ${firstLineOf(error)}`);
        notes.push(
          `The leak sweep could not run (${firstLineOf(error)}); check by hand: aws resourcegroupstaggingapi get-resources --tag-filters Key=${RUN_ID_TAG},Values=${j.runId} --region <region>, for ${regions.join(', ')}`,
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
