/**
 * The AWS target: `dr-drill --target aws`.
 *
 * API for the drill CLI:
 *
 *   createAwsTarget(options: AwsTargetOptions): AwsTarget
 *     A Target (harness/targets/target.ts) with supportedFaults ['pause'].
 *     - preflight: aws is CLI v2, terraform is there (unless existing mode with explicit ARNs),
 *       the stack is synthesized (<stackDir>/cdk.tf.json), both regions have App Runner,
 *       credentials work (sts get-caller-identity), no unfinished journal, no other drill's lock
 *       (RunLedger.refuseToStart).
 *     - provision: opens the RunLedger (lock + journal), copies --terraform-override files into
 *       the stack directory; ephemeral and deploy: terraform init + apply; then
 *       reads `terraform output -json` (or options.existing), checks both services are RUNNING
 *       and waits for the distribution to be Deployed.
 *     - inject('primary', {kind: 'pause'}): refuses a service that is not this stack's managed
 *       primary (tags ManagedBy, EdgeFailoverStack, EdgeFailoverRole) unless allowUnmanagedPause;
 *       journals the pause, runs pause-service, waits for PAUSED (bounded).
 *     - clear('primary'): resume-service, waits for RUNNING (bounded). No-op if nothing is paused.
 *     - teardown: reads alarm states (target.alarmStates), resumes anything paused, destroys an
 *       ephemeral stack, sweeps for resources still tagged with the run id, closes the journal,
 *       releases the lock. Never throws for a failed step: {ok: false, detail: what is left and
 *       the commands that finish it}.
 *     mode 'deploy' (`dr-drill up`): provision applies, teardown closes the journal and leaves
 *     the stack deployed.
 *     Errors are AwsTargetError (an EdgeFailoverError) with kind 'usage' (exit 2) or 'external'
 *     (exit 3); `recovery` holds the steps to finish by hand (RunLedger.recoverySteps()).
 *
 *   destroyStack(options, signal): Promise<FinishResult>
 *     `dr-drill down --target aws`: destroys the stack in a synthesized stack directory.
 *
 *   recover(options: RecoverOptions, signal): Promise<RecoverResult>
 *     `dr-drill recover --target aws`: finishes an unfinished run from its journal, with the
 *     tools and endpoint the journal recorded unless others are given.
 *
 *   planEphemeralRun(config, runId?): EphemeralRunPlan
 *     For mode 'ephemeral', before synthesis: loadConfig({..., overrides: plan.overrides}) (a
 *     namePrefix with the run's suffix, and the tag EdgeFailoverRunId=<runId>), then
 *     synthesize(config, outdir), then createAwsTarget({mode: 'ephemeral', runId: plan.runId,
 *     stackName: synth.stackName, stackDir: synth.stackDir, journalName: plan.journalName, ...}).
 *     For mode 'existing', use newRunId() and the user's config as is.
 *
 *   SIGINT/SIGTERM: abort the signal passed to the running phase, then call teardown with a
 *   fresh signal (the teardown is bounded by the target's own waits and timeouts).
 */
import { AwsTarget, type AwsTargetOptions } from './aws-target.js';

export function createAwsTarget(options: AwsTargetOptions): AwsTarget {
  return new AwsTarget(options);
}

export { AwsTarget, type AwsTargetOptions, type ExistingStackRef } from './aws-target.js';
export { recover, recoveryToolOptions, type RecoverOptions, type RecoverResult } from './recover.js';
export { planEphemeralRun, type EphemeralRunPlan } from './ephemeral.js';
export { newRunId } from '../../run-id.js';
export { RUN_ID_TAG } from '../../../stacks/contract.js';
export { AwsTargetError, CommandError, type ErrorKind } from './tools/errors.js';
export { AwsCli, isAwsCliV2, verifyAwsCli, type AlarmState, type AwsCliOptions } from './tools/aws-cli.js';
export {
  Terraform,
  isTerraformAvailable,
  verifyTerraform,
  parseOutputJson,
  type TerraformOptions,
  type TerraformOutputs,
} from './tools/terraform.js';
export { type WaitOptions } from './tools/waits.js';
export { type Journal, type LifecycleMode, type RecordedOptions, readJournal, journalPath } from './safety/journal.js';
export { RunLedger, recoverCommand, recoverySteps } from './safety/ledger.js';
export { checkOverrides } from './tools/overrides.js';
export { createTools, type AwsToolOptions, type AwsTools } from './tools/tool-options.js';
export { destroyStack, type DestroyStackOptions } from './down.js';
